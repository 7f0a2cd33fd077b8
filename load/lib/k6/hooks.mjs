// Module resolution hooks (node:module register): `k6`, `k6/http` and `k6/metrics` in a script
// resolve to the runner's implementations beside this file; any other k6 module fails loudly.
// A script's own modules inherit its URL query (?run=…&vu=…), so, as in k6, every VU has its
// own instance of every module of the script, not only of the entry file.
import { SHIMS } from "./shims.mjs";

export async function resolve(specifier, context, next) {
  const shim = SHIMS[specifier];
  if (shim) return { url: new URL(shim, import.meta.url).href, shortCircuit: true };
  if (specifier === "k6" || specifier.startsWith("k6/") || specifier.startsWith("https://jslib.k6.io/")) {
    throw new Error(
      `'${specifier}' is not implemented by the local load runner (it implements ${Object.keys(SHIMS).join(", ")})`,
    );
  }
  const resolved = await next(specifier, context);
  const parent = context.parentURL ? new URL(context.parentURL) : null;
  if (parent?.protocol === "file:" && /[?&](run|inspect)=/.test(parent.search)) {
    const url = new URL(resolved.url);
    if (
      url.protocol === "file:" &&
      !url.pathname.includes("/node_modules/") &&
      (specifier.startsWith(".") || specifier.startsWith("/"))
    ) {
      url.search = parent.search;
      return { ...resolved, url: url.href };
    }
  }
  return resolved;
}
