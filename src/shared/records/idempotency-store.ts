/**
 * The replies a DatasetObject remembers per Idempotency-Key (its `idempotency` table),
 * kept at least IDEMPOTENCY_TTL_MS. The header's rules and the request fingerprint are in
 * idempotency.ts; this is the object's side.
 */
import { ProblemError } from "../errors";
import { IDEMPOTENCY_TTL_MS } from "./limits";
import type { CreatedRecord, CreateResult, IdempotencyClaim } from "./wire";

/** A stored reply for an Idempotency-Key, or undefined. */
export function idempotencyEntry(sql: SqlStorage, key: string): { fingerprint: string; response: string } | undefined {
  return sql
    .exec<{ fingerprint: string; response: string }>("SELECT fingerprint, response FROM idempotency WHERE key = ?", key)
    .toArray()[0];
}

export function rememberIdempotency(
  sql: SqlStorage,
  key: string,
  fingerprint: string,
  response: string,
  now: number,
): void {
  sql.exec(
    "INSERT INTO idempotency (key, fingerprint, response, created_at) VALUES (?, ?, ?, ?)",
    key,
    fingerprint,
    response,
    now,
  );
}

export function pruneIdempotency(sql: SqlStorage, olderThan: number): void {
  sql.exec("DELETE FROM idempotency WHERE created_at < ?", olderThan);
}

/**
 * The stored reply of an earlier request with this claim's key, or null when the key is new.
 * @throws ProblemError 422 `idempotency-key-reused` when the key came with a different request.
 */
export function replayFor(sql: SqlStorage, claim: IdempotencyClaim): CreateResult | null {
  const entry = idempotencyEntry(sql, claim.key);
  if (!entry) return null;
  if (entry.fingerprint !== claim.fingerprint) {
    throw new ProblemError(422, "idempotency-key-reused", {
      detail: "This Idempotency-Key was already used with a different request; use a new key for a new request.",
    });
  }
  return { items: JSON.parse(entry.response) as CreatedRecord[], replayed: true };
}

/** Remembers the reply of a create (and drops expired entries); call inside the create's transaction. */
export function rememberReply(sql: SqlStorage, claim: IdempotencyClaim, items: CreatedRecord[]): void {
  pruneIdempotency(sql, Date.now() - IDEMPOTENCY_TTL_MS);
  rememberIdempotency(sql, claim.key, claim.fingerprint, JSON.stringify(items), Date.now());
}

/** Job keys share the object's table with record creates: a prefix keeps the two apart. */
const jobKey = (key: string) => `job:${key}`;

/**
 * Claims an Idempotency-Key of POST /datasets/{id}/jobs for `jobId` (chosen before the job is created), or returns
 * the job id an earlier request with the key claimed. One transaction, so of concurrent requests with one key only
 * the first creates a job.
 * @throws ProblemError 422 `idempotency-key-reused` when the key came with a different request.
 */
export function claimJobKey(storage: DurableObjectStorage, claim: IdempotencyClaim, jobId: string): string {
  return storage.transactionSync(() => {
    const entry = idempotencyEntry(storage.sql, jobKey(claim.key));
    if (entry) {
      if (entry.fingerprint !== claim.fingerprint) {
        throw new ProblemError(422, "idempotency-key-reused", {
          detail: "This Idempotency-Key was already used with a different request; use a new key for a new request.",
        });
      }
      return (JSON.parse(entry.response) as { job_id: string }).job_id;
    }
    pruneIdempotency(storage.sql, Date.now() - IDEMPOTENCY_TTL_MS);
    rememberIdempotency(
      storage.sql,
      jobKey(claim.key),
      claim.fingerprint,
      JSON.stringify({ job_id: jobId }),
      Date.now(),
    );
    return jobId;
  });
}

/** Gives up a claim of claimJobKey whose job could not be created, so a retry with the key creates it anew. */
export function releaseJobKey(sql: SqlStorage, key: string, jobId: string): void {
  sql.exec("DELETE FROM idempotency WHERE key = ? AND response = ?", jobKey(key), JSON.stringify({ job_id: jobId }));
}
