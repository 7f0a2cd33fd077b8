/**
 * @module
 * A route's request body rules, declared in its `createRoute({ middleware })` (see ../route-access.ts):
 * JSON bodies only (415 otherwise, unless the route accepts other media types too), and a size
 * limit (413 `payload-too-large` naming `limit_bytes`, RFC 9457) checked on Content-Length and,
 * for streamed bodies, while reading (`hono/body-limit`). GET, HEAD, OPTIONS and DELETE are not checked.
 *
 * @example
 * tenantRoute("crypto:encrypt", "transit", bodyLimit(10 << 20, { alsoAccept: /^application\/octet-stream/i }))
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { payloadTooLarge, ProblemError } from "../../../src/shared/errors";
import type { AppEnv } from "../context";

/** Default body limit for JSON requests, in bytes. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
export const OCTET_STREAM_TYPE = /^application\/octet-stream/i;

export interface BodyLimitOptions {
  /** Media types accepted besides JSON, e.g. application/octet-stream. */
  alsoAccept?: RegExp;
}

/** Checks the media type (415), then enforces `maxBytes` (413). */
export function bodyLimit(maxBytes: number, options: BodyLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const { alsoAccept } = options;
  const limit = honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS" || method === "DELETE") return next();
    const length = c.req.header("content-length");
    const hasBody = (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
    if (hasBody) {
      const type = c.req.header("content-type") ?? "";
      if (!JSON_TYPE.test(type) && !(alsoAccept && alsoAccept.test(type))) {
        throw new ProblemError(415, "unsupported-media-type", {
          detail: `Send the body as application/json${alsoAccept ? " or " + alsoAccept.source.replace(/[\^$\\]/g, "") : ""} (got '${type || "none"}').`,
          headers: { "Accept-Post": "application/json" },
        });
      }
    }
    return limit(c, next);
  };
}

/** The JSON default: 1 MiB, JSON only. */
export const jsonBodyLimit = bodyLimit(JSON_BODY_LIMIT_BYTES);
