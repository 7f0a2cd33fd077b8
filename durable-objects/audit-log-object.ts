/**
 * AuditLogObject: one per tenant. Sequences the tenant's audit events into a hash chain in
 * its SQLite storage (every append is durable before the call returns), serves pages,
 * verification and export of the chain, and checkpoints the chain head into D1 from its
 * alarm. The chain logic lives in src/shared/audit/store.ts.
 */
import { DurableObject } from "cloudflare:workers";
import {
  CHECKPOINT_EVERY_EVENTS,
  CHECKPOINT_EVERY_MS,
  checkpointFault,
  latestCheckpoint,
  writeCheckpoint,
} from "../src/shared/audit/checkpoint";
import type { AuditEvent, AuditEventInput } from "../src/shared/audit/event";
import {
  eventsBetween,
  getMeta,
  hashAt,
  queryEvents,
  readHead,
  setMeta,
  verifyPage,
  type AuditPageRequest,
  type ChainHead,
  type VerifyProgress,
} from "../src/shared/audit/store";
import type { AuditLogRpc } from "../src/shared/audit/rpc";
import { GroupAppend } from "../src/shared/audit/group-append";
import { migrateObject } from "../src/shared/db/object-migrations";
import { AUDIT_LOG_OBJECT_MIGRATIONS } from "./migrations/audit-log-object";

export class AuditLogObject extends DurableObject<Env> implements AuditLogRpc {
  /** Highest seq written to D1 as a checkpoint: only decides when the alarm is due. */
  private checkpointedSeq = 0;
  /** Concurrent appends share a transaction and a commit (group-append.ts). */
  private readonly appends: GroupAppend;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.appends = new GroupAppend(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      migrateObject(ctx.storage, AUDIT_LOG_OBJECT_MIGRATIONS);
      this.checkpointedSeq = Number(getMeta(this.sql, "checkpoint_seq") ?? 0);
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  /**
   * Appends events in order, in one transaction; an event_id already stored is not
   * stored again. Returns the stored events (new or existing) in input order.
   */
  async append(events: AuditEventInput[]): Promise<AuditEvent[]> {
    const stored = await this.appends.append(events);
    await this.scheduleCheckpoint();
    return stored;
  }

  /** The newest seq and hash, read from storage. */
  async chainHead(): Promise<ChainHead> {
    return readHead(this.sql);
  }

  /** One page of GET /audit/logs. */
  async logs(req: AuditPageRequest): Promise<{ events: AuditEvent[]; more: boolean }> {
    return queryEvents(this.sql, req);
  }

  /** One page of verification; the Worker carries the progress between pages. */
  async verify(start: {
    nextSeq: number;
    prevHash: string | null;
    toSeq: number;
    limit: number;
  }): Promise<VerifyProgress> {
    return verifyPage(this.sql, start);
  }

  /** The stored hash at one seq (compared with a checkpoint). */
  async hashAt(seq: number): Promise<string | null> {
    return hashAt(this.sql, seq);
  }

  /** Events with seq in [fromSeq, toSeq], oldest first (export pages). */
  async exportPage(fromSeq: number, toSeq: number, limit: number): Promise<AuditEvent[]> {
    return eventsBetween(this.sql, fromSeq, toSeq, limit);
  }

  /** Writes the head to D1 `audit_checkpoints`, unless the chain contradicts the last checkpoint. */
  override async alarm(): Promise<void> {
    const tenantId = getMeta(this.sql, "tenant_id");
    if (!tenantId) return;
    const head = readHead(this.sql);
    try {
      const cp = await latestCheckpoint(this.env.DB, tenantId);
      const fault = checkpointFault(head, cp ? hashAt(this.sql, cp.seq) : null, cp);
      if (fault) {
        // Never attest a chain that contradicts what was attested before; verify reports it.
        console.error(
          JSON.stringify({
            level: "error",
            message: "audit chain contradicts its checkpoint",
            tenant_id: tenantId,
            ...fault,
          }),
        );
        return;
      }
      if (!cp || cp.seq < head.seq) await writeCheckpoint(this.env.DB, tenantId, head);
      this.checkpointedSeq = head.seq;
      setMeta(this.sql, "checkpoint_seq", String(head.seq));
    } catch (err) {
      console.error(
        JSON.stringify({ level: "error", message: "audit checkpoint failed", tenant_id: tenantId, error: String(err) }),
      );
      await this.ctx.storage.setAlarm(Date.now() + CHECKPOINT_EVERY_MS);
      return;
    }
    // Events appended while D1 was being written.
    await this.scheduleCheckpoint();
  }

  /** Due in T, or now once N events are uncovered; never pushes an earlier alarm later. */
  private async scheduleCheckpoint(): Promise<void> {
    const pending = readHead(this.sql).seq - this.checkpointedSeq;
    if (pending <= 0) return;
    const now = Date.now();
    const due = pending >= CHECKPOINT_EVERY_EVENTS ? now : now + CHECKPOINT_EVERY_MS;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
  }
}
