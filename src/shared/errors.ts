/** The one error type of the vault, rendered as RFC 9457 problem details in one place. */

export interface FieldError {
  /** JSON path of the offending value, e.g. `$.schema.type` or `$.records[3].email`. */
  path: string;
  message: string;
  /** Index of the item in a batch request, where the error belongs to one item. */
  index?: number;
}

export interface ProblemInit {
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members merged into the problem document (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Short machine-readable slugs: the problem `type` is `https://llm-data-vault.dev/problems/<slug>`. */
export type ProblemSlug =
  | "bad-request"
  | "malformed-json"
  | "validation-failed"
  | "unauthorized"
  | "forbidden"
  | "tenant-suspended"
  | "not-found"
  | "method-not-allowed"
  | "conflict"
  | "job-conflict"
  | "idempotency-key-reused"
  | "precondition-failed"
  | "precondition-required"
  | "payload-too-large"
  | "scan-limit-exceeded"
  | "answer-too-large"
  | "unsupported-media-type"
  | "schema-invalid"
  | "pii-rejected"
  | "query-invalid"
  | "search-disabled"
  | "decryption-failed"
  | "dataset-deleted"
  | "member-name-collision"
  | "audit-unavailable"
  | "internal";

export const PROBLEM_BASE = "https://llm-data-vault.dev/problems/";

/**
 * A problem of the vault's domain that does not choose an HTTP status: the API worker maps
 * its class to one where errors become responses (workers/api/middleware/errors.ts).
 * `slug` names the kind of problem (audit reasons, job failure notes, the problem `type`).
 */
export class DomainError extends Error {
  readonly slug: ProblemSlug;
  readonly detail?: string;

  constructor(slug: ProblemSlug, detail?: string, message = detail ?? slug, cause?: unknown) {
    super(message, { cause });
    this.name = "DomainError";
    this.slug = slug;
    this.detail = detail;
  }
}

/** A problem whose status is part of what it means (404, 409, 422…), thrown where it is found. */
export class ProblemError extends DomainError {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(status: number, slug: ProblemSlug, init: ProblemInit = {}) {
    super(slug, init.detail, init.detail ?? TITLES[status] ?? slug, init.cause);
    this.name = "ProblemError";
    this.status = status;
    this.errors = init.errors;
    this.headers = init.headers;
    this.extensions = init.extensions;
  }

  /** The RFC 9457 body; `request_id` ties it to the log line of the request. */
  toProblem(requestId: string | undefined): ProblemDocument {
    return {
      type: PROBLEM_BASE + this.slug,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(requestId ? { request_id: requestId } : {}),
      ...(this.errors && this.errors.length ? { errors: this.errors } : {}),
      ...(this.extensions ?? {}),
    };
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  request_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, "bad-request", { detail, errors });
export const validationFailed = (errors: FieldError[], detail = "The request did not pass validation.") =>
  new ProblemError(422, "validation-failed", { detail, errors });
export const unauthorized = (detail: string) =>
  new ProblemError(401, "unauthorized", { detail, headers: { "WWW-Authenticate": 'Bearer realm="llm-data-vault"' } });
export const forbidden = (detail: string) => new ProblemError(403, "forbidden", { detail });
export const notFound = (what: string) => new ProblemError(404, "not-found", { detail: `${what} was not found.` });
export const conflict = (detail: string) => new ProblemError(409, "conflict", { detail });
export const preconditionFailed = (detail: string) => new ProblemError(412, "precondition-failed", { detail });
export const preconditionRequired = (detail: string) => new ProblemError(428, "precondition-required", { detail });
export const payloadTooLarge = (limitBytes: number, what = "Request body") =>
  new ProblemError(413, "payload-too-large", {
    detail: `${what} exceeds the limit of ${limitBytes} bytes.`,
    extensions: { limit_bytes: limitBytes },
  });
