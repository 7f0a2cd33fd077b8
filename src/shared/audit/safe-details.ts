/**
 * The backstop that keeps secrets out of audit `details`. Producers are responsible for
 * putting only counts, ids, names and reasons there; this catches the mistakes that
 * would be worst to make permanent in a hash chain (an event can never be edited):
 *
 * - a key whose name says it holds a secret (`password`, `secret`, `token`, `private_key`,
 *   `plaintext`, ...) is a producer bug and is refused (InvalidAuditEvent);
 * - a string that looks like a credential (a vault API key, a PEM private key, a JWT,
 *   an AWS access key id, a bearer header) is replaced by `[redacted]`: such values can
 *   come from user input (a dataset named like a key) and must not fail the request;
 * - details are bounded (depth, size, string length), so record content cannot be
 *   dumped into the chain by accident.
 *
 * It cannot recognize PII or record content in general: that stays the producer's duty.
 */
const encoder = new TextEncoder();

export const REDACTED = "[redacted]";
export const MAX_DETAILS_BYTES = 8 * 1024;
export const MAX_DETAILS_DEPTH = 4;
export const MAX_DETAILS_STRING = 1024;

/** Name segments (split on `_`, `-`, `.` and camelCase) that mark a secret-bearing field. */
const SECRET_SEGMENTS = new Set([
  "secret",
  "secrets",
  "password",
  "passwd",
  "passphrase",
  "plaintext",
  "ciphertext",
  "credential",
  "credentials",
  "authorization",
  "cookie",
]);

/** Whole field names that hold secrets or content. */
const SECRET_NAMES = new Set([
  "token",
  "access_token",
  "refresh_token",
  "bearer",
  "api_key",
  "apikey",
  "private_key",
  "privatekey",
  "key_material",
  "raw_key",
  "dek",
  "kek",
]);

/** One pass per string (details are checked on every append, so this stays cheap). */
const CREDENTIAL = new RegExp(
  [
    String.raw`\bldv\.[a-z]{2,4}_[0-9A-Z]{26}\.\S+`, // this vault's API keys
    String.raw`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`,
    String.raw`\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*`, // JWT
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`, // AWS access key id
    String.raw`^\s*(?:[Bb]earer|[Bb]asic|BEARER|BASIC)\s+\S{8,}`,
  ].join("|"),
);

/** Field names repeat across events: remember the verdicts (bounded). */
const nameVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 4096;

/** A producer bug: the event cannot go into the chain as it is. */
export class InvalidAuditEvent extends Error {
  constructor(message: string) {
    super(`invalid audit event: ${message}`);
    this.name = "InvalidAuditEvent";
  }
}

const unsafe = (message: string) => new InvalidAuditEvent(`details ${message}`);

function segments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[_\-.\s]+/)
    .filter(Boolean);
}

/** True when a field name says it holds a secret. */
export function isSecretFieldName(name: string): boolean {
  const known = nameVerdicts.get(name);
  if (known !== undefined) return known;
  const parts = segments(name);
  const verdict =
    SECRET_NAMES.has(name.toLowerCase()) ||
    SECRET_NAMES.has(parts.join("_")) ||
    parts.some((s) => SECRET_SEGMENTS.has(s));
  if (nameVerdicts.size < MAX_REMEMBERED_NAMES) nameVerdicts.set(name, verdict);
  return verdict;
}

/** True when a string value has the shape of a credential. */
export function looksLikeCredential(value: string): boolean {
  return CREDENTIAL.test(value);
}

function walk(value: unknown, path: string, depth: number): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw unsafe(`${path} is not a finite number`);
    return value;
  }
  if (typeof value === "string") {
    if (value.length > MAX_DETAILS_STRING) throw unsafe(`${path} is longer than ${MAX_DETAILS_STRING} characters`);
    return looksLikeCredential(value) ? REDACTED : value;
  }
  if (depth >= MAX_DETAILS_DEPTH) throw unsafe(`${path} nests deeper than ${MAX_DETAILS_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, depth + 1));
  const proto = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) {
      if (v === undefined) continue;
      if (isSecretFieldName(k))
        throw unsafe(`${path}.${k}: a field named like a secret is not allowed in audit details`);
      out[k] = walk(v, `${path}.${k}`, depth + 1);
    }
    return out;
  }
  throw unsafe(`${path} is not a JSON value`);
}

/**
 * Returns a plain-JSON copy of `details` with credential-shaped strings redacted; throws
 * InvalidAuditEvent for secret-named fields, non-JSON values or oversized details.
 * @example guardDetails({ name: "ds", count: 3 }) // { name: "ds", count: 3 }
 */
export function guardDetails(details: unknown): Record<string, unknown> {
  if (!details || typeof details !== "object" || Array.isArray(details)) throw unsafe("must be an object");
  const out = walk(details, "details", 0) as Record<string, unknown>;
  // JSON.stringify has the same bytes as the canonical form, in another order.
  const size = encoder.encode(JSON.stringify(out)).length;
  if (size > MAX_DETAILS_BYTES) throw unsafe(`are ${size} bytes; the limit is ${MAX_DETAILS_BYTES}`);
  return out;
}
