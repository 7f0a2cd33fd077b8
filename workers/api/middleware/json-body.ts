/**
 * @module
 * The body reader of every JSON request: one place that turns bytes into JSON text under
 * the I-JSON rules of src/shared/json/i-json.ts, so every route, present and future, gets
 * them. It runs after the body guard (media type and size) and before any route:
 *
 * - a `charset` other than UTF-8 → 415 (RFC 8259 §8.1: JSON between systems is UTF-8);
 * - bytes that are not UTF-8 → 400 `malformed-json` (never replaced by U+FFFD);
 * - syntax errors and duplicate member names → 400; numbers a double cannot hold, lone
 *   surrogates and nesting over MAX_JSON_DEPTH → 422 naming the JSON path.
 *
 * The checked text is left in Hono's body cache, so `c.req.json()` and the zod validator
 * parse exactly the text that was checked.
 *
 * @example app.use("/api/*", jsonBody); // after the body guards
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../../src/shared/errors";
import { decodeUtf8Strict, jsonProblem, scanIJson } from "../../../src/shared/json/i-json";
import type { AppEnv } from "../context";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The `charset` parameter of a Content-Type, lowercased, or undefined when there is none. */
export function charsetOf(contentType: string): string | undefined {
  const m = CHARSET.exec(contentType);
  return m ? (m[1] ?? m[2]).toLowerCase() : undefined;
}

export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (!c.req.raw.body || !JSON_MEDIA_TYPE.test(type.split(";")[0].trim())) return next();
  const charset = charsetOf(type);
  if (charset !== undefined && charset !== "utf-8") {
    throw new ProblemError(415, "unsupported-media-type", {
      detail: `JSON bodies are UTF-8 (RFC 8259 §8.1); send charset=utf-8 or no charset (got '${charset}').`,
      headers: { "Accept-Post": "application/json" },
    });
  }
  const bytes = await c.req.arrayBuffer();
  // A route that streams its body (raw transit) still finds it unread.
  c.req.raw = new Request(c.req.raw, { body: bytes });
  const text = decodeUtf8Strict(bytes);
  // An empty body is left to the route: one that needs a body answers 400 as before.
  if (text.length) {
    const result = scanIJson(text);
    if (!result.ok) throw jsonProblem(result);
  }
  // Hono keeps body promises in this cache (its typing names the resolved types).
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
  return next();
};
