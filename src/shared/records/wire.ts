/**
 * What crosses the RPC boundary between routes and the DatasetObject. Errors travel as
 * values: a ProblemError (or a status-less DomainError below) thrown inside the object would
 * reach the caller as a bare Error without its status or class, so the object returns
 * `{ ok: false, problem }` and the caller rethrows it as the same error.
 */
import { DecryptionError } from "../crypto/aes-gcm";
import { ProblemError, type FieldError, type ProblemSlug } from "../errors";
import { RecordIntegrityError } from "./integrity-error";

/** The status-less errors that may cross, by name; the API edge chooses their status. */
const DOMAIN_ERRORS = {
  DecryptionError: (detail?: string) => new DecryptionError(detail),
  RecordIntegrityError: (detail?: string) => new RecordIntegrityError(detail ?? ""),
};
type DomainErrorName = keyof typeof DOMAIN_ERRORS;
const isDomainError = (err: unknown): err is DecryptionError | RecordIntegrityError =>
  err instanceof DecryptionError || err instanceof RecordIntegrityError;

/** Which dataset an object serves; every call names it, and the object checks it. */
export interface DatasetRef {
  tenantId: string;
  datasetId: string;
}

export interface WireProblem {
  status: number;
  slug: ProblemSlug;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** A status-less error, by class name. */
export interface WireDomainError {
  error: DomainErrorName;
  detail?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: WireProblem | WireDomainError };

export function toWire(err: ProblemError): WireProblem {
  return {
    status: err.status,
    slug: err.slug,
    detail: err.detail,
    errors: err.errors,
    headers: err.headers,
    extensions: err.extensions,
  };
}

/**
 * Runs an RPC body, returning ProblemErrors and the domain errors above as values (they do
 * not survive RPC as exceptions); any other error is thrown.
 */
export async function outcomeOf<T>(body: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await body() };
  } catch (err) {
    if (err instanceof ProblemError) return { ok: false, problem: toWire(err) };
    if (isDomainError(err)) return { ok: false, problem: { error: err.name as DomainErrorName, detail: err.detail } };
    throw err;
  }
}

/** The value of an outcome, or its problem thrown as the error it was. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const p = outcome.problem;
  if ("error" in p) throw DOMAIN_ERRORS[p.error](p.detail);
  throw new ProblemError(p.status, p.slug, {
    detail: p.detail,
    errors: p.errors,
    headers: p.headers,
    extensions: p.extensions,
  });
}

/** The reply to a create: what POST returns per record. */
export interface CreatedRecord {
  id: string;
  seq: number;
  version: number;
  created_at: string;
}

export interface RecordMeta extends CreatedRecord {
  updated_at: string;
  size: number;
  sha256: string;
}

/** A decrypted record; `data` is its canonical JSON text. */
export interface OpenedRecord extends RecordMeta {
  data: string;
}

/** An Idempotency-Key and the fingerprint of the request it was first used with. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

export interface CreateResult {
  items: CreatedRecord[];
  /** True when the reply is the stored one of an earlier request with the same key. */
  replayed: boolean;
}

/** What If-Match asked for: any version, or one of a list. */
export type VersionMatch = "*" | number[];
