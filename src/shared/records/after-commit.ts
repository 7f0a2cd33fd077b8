/**
 * What follows a committed change of a DatasetObject: its audit events leave the outbox for
 * the tenant's chain (src/shared/audit/outbox.ts) and its counters are copied to D1
 * (counters.ts). Either can fail without undoing the change; the object's alarm retries.
 */
import { toEventInput, type AuditEntry, type AuditEnv, type AuditScope } from "../audit/append";
import { enqueueOutbox, flushOutbox, OUTBOX_RETRY_MS } from "../audit/outbox";
import { ProblemError } from "../errors";
import type { CounterSync } from "./counters";

/** Writes an audit event to the outbox; call inside the change's transaction. */
export function auditInTransaction(sql: SqlStorage, scope: AuditScope, entry: AuditEntry): void {
  enqueueOutbox(sql, toEventInput(scope, entry));
}

export class AfterCommit {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: AuditEnv,
    private readonly counters: CounterSync,
  ) {}

  /**
   * Forwards pending audit events and copies the counters to D1; when either fails, sets
   * the alarm to retry in OUTBOX_RETRY_MS. Run after each change and from the alarm.
   */
  async run(): Promise<void> {
    const results = await Promise.allSettled([flushOutbox(this.storage.sql, this.env), this.counters.sync()]);
    if (results.some((r) => r.status === "rejected")) await this.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  /**
   * Forwards every pending audit event now.
   * @throws ProblemError 503 `audit-unavailable` when the tenant's chain cannot take them (nothing is lost).
   */
  async flushOrFail(): Promise<void> {
    try {
      await flushOutbox(this.storage.sql, this.env);
    } catch (cause) {
      throw new ProblemError(503, "audit-unavailable", {
        detail: "Pending audit events could not be forwarded, so nothing was purged. Retry later.",
        cause,
      });
    }
  }
}
