/**
 * What follows a committed change of a DatasetObject: its audit events leave the outbox for
 * the tenant's chain (src/shared/audit/outbox.ts) and its counters are copied to D1
 * (counters.ts). Either can fail, or the object can die first, without undoing the change:
 * the alarm armed in the change's own transaction finishes the job.
 */
import { toEventInput, type AuditEntry, type AuditEnv, type AuditScope } from "../audit/append";
import { enqueueOutbox, flushOutbox, outboxBacklog, outboxSize, OUTBOX_RETRY_MS } from "../audit/outbox";
import { ProblemError } from "../errors";
import type { CounterSync } from "./counters";

export class AfterCommit {
  /** Changes queued by this instance (a rolled-back one counts too, which only keeps the alarm longer). */
  private changes = 0;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: AuditEnv,
    private readonly counters: CounterSync,
  ) {}

  /**
   * Writes an audit event to the outbox and arms the alarm; call inside the change's
   * transactionSync. The alarm commits (or rolls back) with the change and its event, so
   * a change that committed always has a pending alarm until its event and counters are
   * out, whatever happens to this instance.
   */
  auditInTransaction(scope: AuditScope, entry: AuditEntry): void {
    enqueueOutbox(this.storage.sql, toEventInput(scope, entry));
    this.changes++;
    void this.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  /**
   * Forwards pending audit events and copies the counters to D1. When either fails, the
   * alarm is set to retry in OUTBOX_RETRY_MS; when both succeeded and no change committed
   * meanwhile, the alarm has nothing left to do and is deleted. Run after each change and
   * from the alarm.
   */
  async run(): Promise<void> {
    const seen = this.changes;
    const results = await Promise.allSettled([flushOutbox(this.storage.sql, this.env), this.counters.sync()]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length) {
      console.error(
        JSON.stringify({
          level: "warn",
          message: "dataset audit forward or counter sync failed; retrying from the alarm",
          ...outboxBacklog(this.storage.sql),
          error: String(failed[0].reason),
        }),
      );
      await this.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
      return;
    }
    // No await between the check and the delete: a change committing later arms the alarm again.
    if (this.changes === seen && outboxSize(this.storage.sql) === 0) await this.storage.deleteAlarm();
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

  /**
   * On object start: events left in the outbox by an instance that died before forwarding
   * them (or by code older than the in-transaction alarm) get an alarm now, unless one is
   * already armed.
   */
  async resumePending(): Promise<void> {
    if (outboxSize(this.storage.sql) === 0) return;
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(Date.now());
  }
}
