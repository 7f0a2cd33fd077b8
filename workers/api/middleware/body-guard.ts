/**
 * Request body rules for every route: JSON bodies only (415 otherwise, unless a route
 * opts into other media types), and a size limit (413) checked on Content-Length and,
 * for streamed bodies, while reading. Routes with other limits register their own guard
 * in app.ts before the default one, e.g.
 * `app.use("/api/v1/encrypt", bodyGuard({ maxBytes: 10 << 20, alsoAccept: /^application\/octet-stream/ }))`.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { payloadTooLarge, ProblemError } from "../../../src/shared/errors";
import type { AppEnv } from "../context";

/** Default body limit for JSON requests. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export interface BodyRule {
  maxBytes: number;
  /** Media types accepted besides JSON, e.g. application/octet-stream. */
  alsoAccept?: RegExp;
}

/** Checks the media type, then enforces the size limit. */
export function bodyGuard(rule: BodyRule = { maxBytes: JSON_BODY_LIMIT_BYTES }): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: rule.maxBytes,
    onError: () => {
      throw payloadTooLarge(rule.maxBytes);
    },
  });
  return async (c, next) => {
    // The first guard on a path wins: a route-specific rule registered before the
    // app-wide default takes precedence over it.
    if (c.get("bodyGuarded")) return next();
    c.set("bodyGuarded", true);
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS" || method === "DELETE") return next();
    const length = c.req.header("content-length");
    const hasBody = (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
    if (hasBody) {
      const type = c.req.header("content-type") ?? "";
      if (!JSON_TYPE.test(type) && !(rule.alsoAccept && rule.alsoAccept.test(type))) {
        throw new ProblemError(415, "unsupported-media-type", {
          detail: `Send the body as application/json${rule.alsoAccept ? " or " + rule.alsoAccept.source.replace(/[\^$\\]/g, "") : ""} (got '${type || "none"}').`,
          headers: { "Accept-Post": "application/json" },
        });
      }
    }
    return limit(c, next);
  };
}
