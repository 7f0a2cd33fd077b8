/**
 * The audit outbox of a Durable Object: events raised inside the object are written to
 * its own SQLite storage in the same transaction as the change they describe, then
 * forwarded to the TenantObject. Forwarding is idempotent (the TenantObject skips event
 * ids it already holds), so a restart between the two steps loses and duplicates nothing.
 * The owning object calls `flushOutbox` after each change and from its alarm until empty.
 */
import type { AuditEventInput } from "./event";
import type { AuditEnv } from "./append";
import { tenantObject } from "./append";

const MAX_FORWARD_BATCH = 200;
/** Delay before an alarm retries a failed forward. */
export const OUTBOX_RETRY_MS = 5_000;

export function createOutboxTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS audit_outbox (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL,
    event TEXT NOT NULL
  )`);
}

/** Call inside the transaction that makes the change. */
export function enqueueOutbox(sql: SqlStorage, event: AuditEventInput): void {
  const tenantId = event.resource.tenant_id;
  if (!tenantId) throw new Error("audit event without resource.tenant_id");
  sql.exec("INSERT INTO audit_outbox (event_id, tenant_id, event) VALUES (?, ?, ?)", event.event_id, tenantId, JSON.stringify(event));
}

export function outboxSize(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n;
}

/**
 * Forwards pending events in order and deletes them once the TenantObject has stored
 * them. Returns the number forwarded; throws if forwarding failed (the rows stay).
 */
export async function flushOutbox(sql: SqlStorage, env: AuditEnv): Promise<number> {
  let forwarded = 0;
  for (;;) {
    const rows = sql
      .exec<{ pos: number; tenant_id: string; event: string }>("SELECT pos, tenant_id, event FROM audit_outbox ORDER BY pos LIMIT ?", MAX_FORWARD_BATCH)
      .toArray();
    if (rows.length === 0) return forwarded;
    // One object serves one tenant, but group anyway so a mixed outbox cannot misroute.
    const tenantId = rows[0].tenant_id;
    const batch = rows.filter((r) => r.tenant_id === tenantId);
    await tenantObject(env, tenantId).append(batch.map((r) => JSON.parse(r.event) as AuditEventInput));
    const last = batch[batch.length - 1].pos;
    sql.exec("DELETE FROM audit_outbox WHERE tenant_id = ? AND pos <= ?", tenantId, last);
    forwarded += batch.length;
  }
}
