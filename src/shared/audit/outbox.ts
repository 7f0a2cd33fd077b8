/**
 * The audit outbox of a Durable Object: events raised inside the object are written to
 * its own SQLite storage in the same transaction as the change they describe, then
 * forwarded to the AuditLogObject. Forwarding is idempotent (the AuditLogObject skips event
 * ids it already holds), so a restart between the two steps loses and duplicates nothing.
 *
 * Wiring in the owning object:
 * - in the change's transactionSync: `enqueueOutbox(sql, toEventInput(scope, entry))`;
 * - after the change: `await forwardOutbox(ctx.storage, env)` (forwards now, or leaves
 *   the rows and schedules an alarm when the AuditLogObject cannot be reached);
 * - in `alarm()`: `await forwardOutbox(ctx.storage, env)` (it reschedules itself while
 *   rows remain). An object with other alarm work runs both from its one alarm.
 */
import { normalizeEventInput, type AuditEventInput } from "./event";
import type { AuditEnv } from "./append";
import { auditLogObject } from "./append";

const MAX_FORWARD_BATCH = 200;
/** Delay before an alarm retries a failed forward. */
export const OUTBOX_RETRY_MS = 5_000;

/**
 * Creates the outbox table in its current shape (idempotent), for a host without schema
 * migrations. An owner with migrations (DatasetObject) creates it in its own migration list,
 * which must end in this same shape.
 */
export function createOutboxTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS audit_outbox (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL,
    event TEXT NOT NULL,
    enqueued_at INTEGER
  )`);
}

/**
 * Stores an event; call inside the transaction that makes the change. The event is
 * validated here (InvalidAuditEvent aborts the change), so a bad event can never sit in
 * the outbox blocking the ones behind it.
 */
export function enqueueOutbox(sql: SqlStorage, input: AuditEventInput): void {
  const event = normalizeEventInput(input);
  const tenantId = event.resource.tenant_id;
  sql.exec(
    "INSERT INTO audit_outbox (event_id, tenant_id, event, enqueued_at) VALUES (?, ?, ?, ?)",
    event.event_id,
    tenantId,
    JSON.stringify(event),
    Date.now(),
  );
}

/** Events not yet forwarded. */
export function outboxSize(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n;
}

/**
 * Events not yet forwarded and when the oldest was enqueued (ms since the epoch; null when
 * none is pending, or when it predates the `enqueued_at` column).
 */
export function outboxBacklog(sql: SqlStorage): { pending: number; oldest_enqueued_at: number | null } {
  const row = sql
    .exec<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(enqueued_at) AS oldest FROM audit_outbox")
    .one();
  return { pending: row.n, oldest_enqueued_at: row.oldest };
}

/**
 * Forwards pending events in order and deletes them once the AuditLogObject has stored
 * them. Returns the number forwarded; throws if forwarding failed (the rows stay).
 */
export async function flushOutbox(sql: SqlStorage, env: AuditEnv): Promise<number> {
  let forwarded = 0;
  for (;;) {
    const batch = await forwardBatch(sql, env, 0);
    if (!batch) return forwarded;
    deleteForwarded(sql, batch.lastPos);
    forwarded += batch.count;
  }
}

/**
 * Sends the oldest pending events after outbox position `afterPos` (at most one batch: a
 * run of consecutive rows of one tenant) to the AuditLogObject and resolves once it has stored
 * them, with the position of the last one; every row up to it is then forwarded. Deletes
 * nothing, so a caller can answer before the delete commits (`deleteForwarded`). Null when
 * nothing is pending; throws if forwarding failed.
 */
export async function forwardBatch(
  sql: SqlStorage,
  env: AuditEnv,
  afterPos: number,
): Promise<{ lastPos: number; count: number } | null> {
  const rows = sql
    .exec<{ pos: number; tenant_id: string; event: string }>(
      "SELECT pos, tenant_id, event FROM audit_outbox WHERE pos > ? ORDER BY pos LIMIT ?",
      afterPos,
      MAX_FORWARD_BATCH,
    )
    .toArray();
  if (rows.length === 0) return null;
  // One object serves one tenant, but stop at another tenant's row so a mixed outbox cannot
  // misroute, and forwarded rows stay a prefix of the outbox.
  const tenantId = rows[0].tenant_id;
  const other = rows.findIndex((r) => r.tenant_id !== tenantId);
  const batch = other < 0 ? rows : rows.slice(0, other);
  await auditLogObject(env, tenantId).append(batch.map((r) => JSON.parse(r.event) as AuditEventInput));
  return { lastPos: batch[batch.length - 1].pos, count: batch.length };
}

/** Deletes the outbox rows up to `throughPos`, once forwardBatch has forwarded them all. */
export function deleteForwarded(sql: SqlStorage, throughPos: number): void {
  sql.exec("DELETE FROM audit_outbox WHERE pos <= ?", throughPos);
}

/**
 * Forwards what is pending; when the AuditLogObject cannot take it, keeps the rows and
 * makes sure an alarm retries within OUTBOX_RETRY_MS (an earlier alarm is left alone).
 * Returns the number forwarded, or null when a retry was scheduled. Never throws for a
 * forwarding failure: the change it follows is already committed with its event.
 */
export async function forwardOutbox(storage: DurableObjectStorage, env: AuditEnv): Promise<number | null> {
  try {
    return await flushOutbox(storage.sql, env);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "warn",
        message: "audit outbox forward failed; retrying from the alarm",
        pending: outboxSize(storage.sql),
        error: String(err),
      }),
    );
    const due = Date.now() + OUTBOX_RETRY_MS;
    const current = await storage.getAlarm();
    if (current === null || current > due) await storage.setAlarm(due);
    return null;
  }
}
