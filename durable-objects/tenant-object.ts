/**
 * TenantObject: one per tenant. Sequences the tenant's audit events into a hash chain in
 * its SQLite storage; every append is durable before the call returns.
 */
import { DurableObject } from "cloudflare:workers";
import { chainHash, GENESIS_HASH, type AuditEvent, type AuditEventInput } from "../src/shared/audit/event";

interface Head {
  seq: number;
  hash: string;
}

export class TenantObject extends DurableObject<Env> {
  private head: Head = { seq: 0, hash: GENESIS_HASH };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.migrate();
      const row = this.sql.exec<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").toArray()[0];
      if (row) this.head = { seq: row.seq, hash: row.hash };
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  private migrate(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS audit_events (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        time TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        outcome TEXT NOT NULL,
        request_id TEXT,
        client_ip TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_events_action_idx ON audit_events(action, seq);
      CREATE INDEX IF NOT EXISTS audit_events_actor_idx ON audit_events(actor, seq);
      CREATE INDEX IF NOT EXISTS audit_events_time_idx ON audit_events(time, seq);
    `);
  }

  /**
   * Appends events in order, in one transaction. An event whose event_id is already stored
   * is skipped, so forwarding the same event twice stores it once. Returns the stored
   * events (new or existing) in input order.
   */
  async append(events: AuditEventInput[]): Promise<AuditEvent[]> {
    return this.ctx.storage.transactionSync(() => {
      let head = this.head;
      const out: AuditEvent[] = [];
      for (const input of events) {
        const existing = this.sql
          .exec<{ seq: number; prev_hash: string; hash: string }>("SELECT seq, prev_hash, hash FROM audit_events WHERE event_id = ?", input.event_id)
          .toArray()[0];
        if (existing) {
          out.push({ ...input, ...existing });
          continue;
        }
        const seq = head.seq + 1;
        const hash = chainHash(head.hash, { ...input, seq });
        this.sql.exec(
          `INSERT INTO audit_events (seq, event_id, time, actor, action, resource, outcome, request_id, client_ip, details, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          seq,
          input.event_id,
          input.time,
          input.actor,
          input.action,
          JSON.stringify(input.resource),
          input.outcome,
          input.request_id,
          input.client_ip,
          JSON.stringify(input.details),
          head.hash,
          hash,
        );
        out.push({ ...input, seq, prev_hash: head.hash, hash });
        head = { seq, hash };
      }
      // Only move the in-memory head once the transaction body has succeeded.
      this.head = head;
      return out;
    });
  }

  /** The newest seq and hash. */
  async chainHead(): Promise<Head> {
    return this.head;
  }
}
