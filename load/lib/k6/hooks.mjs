// Module resolution hooks (node:module register): `k6`, `k6/http` and `k6/metrics` in a script
// resolve to the runner's implementations beside this file; any other k6 module fails loudly.
import { SHIMS } from "./shims.mjs";

export async function resolve(specifier, context, next) {
  const shim = SHIMS[specifier];
  if (shim) return { url: new URL(shim, import.meta.url).href, shortCircuit: true };
  if (specifier === "k6" || specifier.startsWith("k6/") || specifier.startsWith("https://jslib.k6.io/")) {
    throw new Error(`'${specifier}' is not implemented by the local load runner (it implements ${Object.keys(SHIMS).join(", ")})`);
  }
  return next(specifier, context);
}
