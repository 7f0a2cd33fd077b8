/**
 * What follows a committed change of a DatasetObject: its audit events leave the outbox for
 * the tenant's chain (src/shared/audit/outbox.ts) and its counters are copied to D1
 * (counters.ts). Either can fail, or the object can die first, without undoing the change:
 * the alarm armed in the change's own transaction finishes the job.
 *
 * Group commit: concurrent changes share one forward (one AuditLogObject append, one commit
 * there) and one D1 write. A change's reply waits for its events to be in the chain but not
 * for the deletion of the forwarded outbox rows: that would be one more commit of this
 * object's storage before the reply (the output gate holds it until then). The next change
 * deletes them in its own transaction, and the alarm armed with the change, due in
 * OUTBOX_RETRY_MS, does it for an object that stays idle.
 */
import { toEventInput, type AuditEntry, type AuditEnv, type AuditScope } from "../audit/append";
import {
  deleteForwarded,
  enqueueOutbox,
  flushOutbox,
  forwardBatch,
  outboxBacklog,
  outboxSize,
  OUTBOX_RETRY_MS,
} from "../audit/outbox";
import { ProblemError } from "../errors";
import { Coalescer } from "./coalesce";
import type { CounterSync } from "./counters";

export class AfterCommit {
  /** Changes queued by this instance (a rolled-back one counts too, which only keeps the alarm longer). */
  private changes = 0;
  /**
   * Outbox position up to which this instance has forwarded every row; rows up to it may still
   * await deletion. Forgotten on restart, which only re-sends (the AuditLogObject skips stored ids).
   */
  private forwardedThrough = 0;
  /**
   * True once a change that armed the alarm has committed (run() follows only committed
   * changes) and until the alarm fires or is deleted: later changes then need not arm it
   * again, which in local workerd is a write (and fsync) of the alarm store per change.
   */
  private alarmArmed = false;
  /** A change armed the alarm in its transaction; it counts once that change has committed. */
  private arming = false;
  private readonly forwarder = new Coalescer(() => this.forwardPending());

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
    // Rows already in the chain go in this commit rather than in one of their own.
    deleteForwarded(this.storage.sql, this.forwardedThrough);
    enqueueOutbox(this.storage.sql, toEventInput(scope, entry));
    this.changes++;
    if (this.alarmArmed) return;
    this.arming = true;
    void this.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  /** The alarm handler: the alarm that fired is used up, so the next change arms a new one. */
  onAlarm(): Promise<void> {
    this.alarmArmed = false;
    this.arming = false;
    return this.run();
  }

  /**
   * Forwards pending audit events and copies the counters to D1. When either fails, the
   * alarm is set to retry in OUTBOX_RETRY_MS. When both succeeded: after a change
   * (`replyFirst`), nothing more, so its reply waits for no further commit (the forwarded rows
   * go with the next change or the alarm); from the alarm, the forwarded rows are deleted and,
   * if no change committed meanwhile, the alarm too (nothing is left to do).
   */
  async run(opts: { replyFirst?: boolean } = {}): Promise<void> {
    const seen = this.changes;
    if (this.arming) {
      // Called after a committed change: an alarm one of them armed is in storage.
      this.arming = false;
      this.alarmArmed = true;
    }
    const results = await Promise.allSettled([this.forwarder.run(), this.counters.sync()]);
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
    if (opts.replyFirst) return;
    deleteForwarded(this.storage.sql, this.forwardedThrough);
    // No await between the check and the delete: a change committing later arms the alarm again.
    if (this.changes === seen && outboxSize(this.storage.sql) === 0) {
      this.alarmArmed = false;
      await this.storage.deleteAlarm();
    }
  }

  private async forwardPending(): Promise<void> {
    for (;;) {
      const batch = await forwardBatch(this.storage.sql, this.env, this.forwardedThrough);
      if (!batch) return;
      this.forwardedThrough = Math.max(this.forwardedThrough, batch.lastPos);
    }
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
