/**
 * Turns every error into one RFC 9457 problem document; unknown errors are logged and become a plain 500.
 * This is where statuses are chosen for the vault's status-less domain errors (STATUS_OF); a
 * ProblemError brings its own (404, 409, 422… are what it means).
 */
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { KeyAuthFailure } from "../../../src/shared/auth/authenticate";
import { DecryptionError } from "../../../src/shared/crypto/aes-gcm";
import { DomainError, ProblemError, unauthorized, type ProblemSlug } from "../../../src/shared/errors";
import { RecordIntegrityError } from "../../../src/shared/records/integrity-error";
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

type DomainErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;
const rule = <E extends DomainError>(cls: DomainErrorClass<E>, render: (err: E) => ProblemError) => ({ cls, render });

/** Status-less domain errors, by class, and the problem each becomes. */
const STATUS_OF = [
  // A ciphertext the client sent that does not open: their input, and nothing said about why.
  rule(DecryptionError, (e) => new ProblemError(400, e.slug, { detail: e.detail, cause: e })),
  // A stored record that does not open: our data failed, not the request.
  rule(RecordIntegrityError, (e) => new ProblemError(500, e.slug, { detail: e.detail, cause: e })),
  rule(KeyAuthFailure, (e) =>
    e.reason === "suspended"
      ? new ProblemError(403, e.slug, { detail: e.detail, cause: e })
      : unauthorized(e.detail ?? "The API key is not valid."),
  ),
];

/** The problem an error becomes: its own if it is a ProblemError, else STATUS_OF's; undefined for any other error. */
export function problemOf(err: unknown): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  for (const { cls, render } of STATUS_OF) if (err instanceof cls) return render(err as never);
  return undefined;
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  const problem = problemOf(err);
  if (problem) {
    if (problem.status >= 500) logError(requestId, problem);
    return problemResponse(problem, requestId);
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
