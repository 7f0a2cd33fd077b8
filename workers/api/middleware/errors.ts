/** Turns every error into one RFC 9457 problem document; unknown errors are logged and become a plain 500. */
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ProblemError, type ProblemSlug } from "../../../src/shared/errors";
import type { AppEnv } from "../context";
import { allowedMethods, methodNotAllowed } from "./allowed-methods";

const PROBLEM_TYPE = "application/problem+json";

export function problemResponse(err: ProblemError, requestId: string | undefined): Response {
  const headers = new Headers({ "Content-Type": PROBLEM_TYPE, ...(err.headers ?? {}) });
  if (requestId) headers.set("X-Request-Id", requestId);
  return new Response(JSON.stringify(err.toProblem(requestId)), { status: err.status, headers });
}

function fromHttpException(err: HTTPException): ProblemError {
  const slugs: Record<number, ProblemSlug> = {
    400: /json/i.test(err.message) ? "malformed-json" : "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    413: "payload-too-large",
    415: "unsupported-media-type",
  };
  const detail = /Malformed JSON/i.test(err.message) ? "The request body is not valid JSON." : err.message || undefined;
  return new ProblemError(err.status, slugs[err.status] ?? (err.status >= 500 ? "internal" : "bad-request"), {
    detail,
    cause: err,
  });
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  if (err instanceof ProblemError) {
    if (err.status >= 500) logError(requestId, err);
    return problemResponse(err, requestId);
  }
  if (err instanceof HTTPException) return problemResponse(fromHttpException(err), requestId);
  logError(requestId, err);
  return problemResponse(new ProblemError(500, "internal", { detail: "An unexpected error occurred." }), requestId);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => {
  const requestId = c.get("requestId");
  const allow = allowedMethods(c.req.path);
  if (allow.length) return problemResponse(methodNotAllowed(c.req.method, c.req.path, allow), requestId);
  return problemResponse(
    new ProblemError(404, "not-found", { detail: `No route for ${c.req.method} ${c.req.path}.` }),
    requestId,
  );
};

/** Logs the error class and message only: messages of our errors never carry secrets or record content. */
function logError(requestId: string | undefined, err: unknown) {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : undefined;
  console.error(
    JSON.stringify({
      level: "error",
      request_id: requestId,
      error: e.name,
      message: e.message,
      cause,
      stack: e.stack?.split("\n").slice(0, 6).join("\n"),
    }),
  );
}
