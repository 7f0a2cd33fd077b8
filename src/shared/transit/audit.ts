/**
 * Auditing operations that release protected data (decrypt, rewrap, data keys): the
 * work runs first with its result held back, then the event is appended, and only then
 * is the result released. If the event cannot be stored the caller gets a 503 and
 * nothing leaves; if the work fails, one `error` event records the attempt. The work has
 * no side effects, so doing it before the append changes nothing the log could miss,
 * and the event can carry what only the result knows (how many batch items failed).
 *
 * Measured reason for this order rather than audit-first: the request no longer waits
 * for the Durable Object before it starts on the body; a 1 KB raw decrypt went from
 * ≈4.5 to ≈2.9 ms, 1 MB from ≈9.5 to ≈6.3 ms (BENCHMARKS.md, transit).
 */
import { appendAudit, type AuditEntry, type AuditEnv, type AuditScope } from "../audit/append";
import { DomainError } from "../errors";

/**
 * Runs `work`, stores the audit event, then returns the result. `resultDetails` adds what
 * only the result knows to the event's details (counts, never content).
 */
export async function auditedRelease<T>(
  env: AuditEnv,
  scope: AuditScope,
  entry: AuditEntry,
  work: () => Promise<T>,
  resultDetails?: (value: T) => Record<string, unknown>,
): Promise<T> {
  let value: T;
  try {
    value = await work();
  } catch (err) {
    const reason = err instanceof DomainError ? err.slug : "internal";
    await appendAudit(env, scope, { ...entry, outcome: "error", details: { ...(entry.details ?? {}), reason } }).catch(
      () => undefined,
    );
    throw err;
  }
  await appendAudit(
    env,
    scope,
    resultDetails ? { ...entry, details: { ...(entry.details ?? {}), ...resultDetails(value) } } : entry,
  );
  return value;
}
