/**
 * The audit chain in an AuditLogObject's SQLite storage: append, filtered pages,
 * verification and export pages (the schema is durable-objects/migrations/audit-log-object.ts). Plain functions over DurableObjectStorage so the
 * object itself stays a thin RPC surface.
 */
import {
  canonicalFromParts,
  canonicalText,
  GENESIS_HASH,
  hashCanonical,
  InvalidAuditEvent,
  normalizeEventInput,
  OCCURRED_AT_SLACK_MS,
} from "./event";
import type { AuditEvent, AuditEventInput, AuditOutcome } from "./event";

/** The newest stored event, or seq 0 with the genesis hash. Always read from storage. */
export interface ChainHead {
  seq: number;
  hash: string;
  /** Chain time of the newest event; null for an empty chain. */
  time: string | null;
}

/** An audit event as its row in the AuditLogObject's SQLite storage. */
export interface EventRow {
  seq: number;
  event_id: string;
  time: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  request_id: string | null;
  client_ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  [key: string]: SqlStorageValue;
}

const COLUMNS =
  "seq, event_id, time, actor, action, resource, outcome, request_id, client_ip, details, prev_hash, hash";

export function getMeta(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ v: string }>("SELECT v FROM audit_meta WHERE k = ?", key).toArray()[0]?.v ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec("INSERT INTO audit_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, value);
}

/** The head as stored: never a cached copy, so it cannot drift from the rows. */
export function readHead(sql: SqlStorage): ChainHead {
  const row = sql
    .exec<{ seq: number; hash: string; time: string }>(
      "SELECT seq, hash, time FROM audit_events ORDER BY seq DESC LIMIT 1",
    )
    .toArray()[0];
  return row ? { seq: row.seq, hash: row.hash, time: row.time } : { seq: 0, hash: GENESIS_HASH, time: null };
}

/** The stored hash of one event, or null when there is no such seq. */
export function hashAt(sql: SqlStorage, seq: number): string | null {
  return sql.exec<{ hash: string }>("SELECT hash FROM audit_events WHERE seq = ?", seq).toArray()[0]?.hash ?? null;
}

function toEvent(r: EventRow): AuditEvent {
  return {
    seq: r.seq,
    event_id: r.event_id,
    time: r.time,
    actor: r.actor,
    action: r.action,
    resource: JSON.parse(r.resource) as Record<string, string>,
    outcome: r.outcome as AuditOutcome,
    request_id: r.request_id,
    client_ip: r.client_ip,
    details: JSON.parse(r.details) as AuditEvent["details"],
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

/** Local SQLite accepts more, but production caps bound parameters per statement at 100. */
const MAX_PARAMS = 100;
const EVENT_COLUMNS = 12;
const EVENTS_PER_INSERT = Math.floor(MAX_PARAMS / EVENT_COLUMNS);
const RESOURCES_PER_INSERT = Math.floor(MAX_PARAMS / 3);

/** Stored events among `ids`, by event_id (one query per 100 ids). */
function storedByEventId(sql: SqlStorage, ids: string[]): Map<string, AuditEvent> {
  const found = new Map<string, AuditEvent>();
  for (let i = 0; i < ids.length; i += MAX_PARAMS) {
    const chunk = ids.slice(i, i + MAX_PARAMS);
    const rows = sql.exec<EventRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE event_id IN (${chunk.map(() => "?").join(",")})`,
      ...chunk,
    );
    for (const r of rows) found.set(r.event_id, toEvent(r));
  }
  return found;
}

/** Multi-row INSERTs, chunked to the parameter limit: far fewer calls into SQLite than one per row. */
function insertRows(
  sql: SqlStorage,
  head: string,
  columns: number,
  perStatement: number,
  values: SqlStorageValue[],
): void {
  const rows = values.length / columns;
  const tuple = `(${Array(columns).fill("?").join(",")})`;
  for (let i = 0; i < rows; i += perStatement) {
    const n = Math.min(perStatement, rows - i);
    sql.exec(`${head} VALUES ${Array(n).fill(tuple).join(",")}`, ...values.slice(i * columns, (i + n) * columns));
  }
}

/**
 * Appends events in order inside one transaction, so a batch is stored whole or not at
 * all. The head is read from storage inside the transaction. An event whose event_id is
 * already stored is returned as stored and not appended again (idempotent forwarding).
 * `time` is the chain's clock: max(now, previous time), so it never goes backwards.
 * The object is bound to the tenant of its first event; events for another tenant are
 * refused, so a misrouted event cannot enter the wrong chain.
 */
export function appendEvents(
  storage: DurableObjectStorage,
  inputs: AuditEventInput[],
  nowMs = Date.now(),
): AuditEvent[] {
  // Validate and hash-normalize everything before touching storage.
  const events = inputs.map(normalizeEventInput);
  const sql = storage.sql;
  return storage.transactionSync(() => {
    let tenantId = getMeta(sql, "tenant_id");
    for (const input of events) {
      const owner = input.resource.tenant_id;
      if (tenantId === null) {
        tenantId = owner;
        setMeta(sql, "tenant_id", owner);
      } else if (owner !== tenantId) {
        throw new InvalidAuditEvent(`event for tenant ${owner} sent to the chain of ${tenantId}`);
      }
    }
    const stored = storedByEventId(
      sql,
      events.map((e) => e.event_id),
    );
    const head = readHead(sql);
    let { seq, hash } = head;
    let lastMs = head.time ? Date.parse(head.time) : 0;
    const eventValues: SqlStorageValue[] = [];
    const resourceValues: SqlStorageValue[] = [];
    const out: AuditEvent[] = [];
    for (const input of events) {
      const existing = stored.get(input.event_id);
      if (existing) {
        out.push(existing);
        continue;
      }
      const timeMs = Math.max(nowMs, lastMs);
      const time = new Date(timeMs).toISOString();
      const details = (
        Date.parse(input.time) < timeMs - OCCURRED_AT_SLACK_MS
          ? { ...input.details, occurred_at: input.time }
          : input.details
      ) as AuditEvent["details"]; // normalized: plain JSON
      const event = { ...input, time, details, seq: seq + 1 };
      // Stored as canonical text: what is hashed is byte for byte what is stored.
      const resourceText = canonicalText(event.resource);
      const detailsText = canonicalText(details);
      const next = hashCanonical(hash, canonicalFromParts(event, resourceText, detailsText));
      eventValues.push(
        event.seq,
        event.event_id,
        time,
        event.actor,
        event.action,
        resourceText,
        event.outcome,
        event.request_id,
        event.client_ip,
        detailsText,
        hash,
        next,
      );
      for (const [kind, id] of Object.entries(event.resource)) {
        if (kind !== "tenant_id") resourceValues.push(id, event.seq, kind);
      }
      const appended: AuditEvent = { ...event, prev_hash: hash, hash: next };
      out.push(appended);
      // The same event id twice in one batch is stored once.
      stored.set(event.event_id, appended);
      seq = event.seq;
      hash = next;
      lastMs = timeMs;
    }
    insertRows(sql, `INSERT INTO audit_events (${COLUMNS})`, EVENT_COLUMNS, EVENTS_PER_INSERT, eventValues);
    insertRows(sql, "INSERT OR IGNORE INTO audit_resources (id, seq, kind)", 3, RESOURCES_PER_INSERT, resourceValues);
    return out;
  });
}

/** Filters of GET /audit/logs, already validated; times are ISO 8601 UTC. */
export interface AuditFilter {
  action?: string;
  actor?: string;
  outcome?: AuditOutcome;
  resourceId?: string;
  datasetId?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
}

export interface AuditPageRequest {
  filter: AuditFilter;
  order: "asc" | "desc";
  limit: number;
  /** Continue after this seq (exclusive, in `order`). */
  afterSeq?: number;
}

/** Resolves a time range to the seq range it covers; null when no event can match. */
function seqRange(sql: SqlStorage, from?: string, to?: string): [number, number] | null {
  let lo = 1;
  let hi = Number.MAX_SAFE_INTEGER;
  if (from) {
    const r = sql
      .exec<{ seq: number }>("SELECT seq FROM audit_events WHERE time >= ? ORDER BY time, seq LIMIT 1", from)
      .toArray()[0];
    if (!r) return null;
    lo = r.seq;
  }
  if (to) {
    const r = sql
      .exec<{ seq: number }>("SELECT seq FROM audit_events WHERE time < ? ORDER BY time DESC, seq DESC LIMIT 1", to)
      .toArray()[0];
    if (!r) return null;
    hi = r.seq;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The SQL of one logs page over a seq range. Each filter is served by an index already
 * in seq order ((column, seq) or audit_resources (id, seq)), so SQLite walks it and
 * stops after limit + 1 rows: no scan, no sort, whatever the log size. Combined filters
 * walk one index and test the others row by row. Exported for the query-plan test.
 */
export function logsQuery(req: AuditPageRequest, range: [number, number]): { sql: string; params: SqlStorageValue[] } {
  const f = req.filter;
  // With a resource filter, walk audit_resources (id, seq) and join the events.
  const byResource = f.datasetId ?? f.resourceId;
  const s = byResource ? "r.seq" : "e.seq";
  const where: string[] = [`${s} >= ?`, `${s} <= ?`];
  const params: SqlStorageValue[] = [range[0], range[1]];
  let from = "audit_events e";
  if (byResource) {
    from = "audit_resources r JOIN audit_events e ON e.seq = r.seq";
    where.push("r.id = ?");
    params.push(byResource);
    if (f.datasetId) where.push("r.kind = 'dataset_id'");
    if (f.datasetId && f.resourceId) {
      where.push("EXISTS (SELECT 1 FROM audit_resources x WHERE x.id = ? AND x.seq = e.seq)");
      params.push(f.resourceId);
    }
  }
  if (req.afterSeq !== undefined) {
    where.push(req.order === "asc" ? `${s} > ?` : `${s} < ?`);
    params.push(req.afterSeq);
  }
  for (const [col, value] of [
    ["action", f.action],
    ["actor", f.actor],
    ["outcome", f.outcome],
  ] as const) {
    if (value !== undefined) {
      where.push(`e.${col} = ?`);
      params.push(value);
    }
  }
  const cols = COLUMNS.split(", ")
    .map((c) => `e.${c}`)
    .join(", ");
  params.push(req.limit + 1);
  return {
    sql: `SELECT ${cols} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${s} ${req.order === "asc" ? "ASC" : "DESC"} LIMIT ?`,
    params,
  };
}

/** One page of events matching `filter`, in seq order, and whether more follow. */
export function queryEvents(sql: SqlStorage, req: AuditPageRequest): { events: AuditEvent[]; more: boolean } {
  const range = seqRange(sql, req.filter.from, req.filter.to);
  if (!range) return { events: [], more: false };
  const q = logsQuery(req, range);
  const rows = sql.exec<EventRow>(q.sql, ...q.params).toArray();
  const more = rows.length > req.limit;
  return { events: (more ? rows.slice(0, req.limit) : rows).map(toEvent), more };
}

/** Events with seq in [fromSeq, toSeq], oldest first, at most `limit` (export pages). */
export function eventsBetween(sql: SqlStorage, fromSeq: number, toSeq: number, limit: number): AuditEvent[] {
  return sql
    .exec<EventRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
      fromSeq,
      toSeq,
      limit,
    )
    .toArray()
    .map(toEvent);
}

/** Why a chain fails verification, at `first_bad_seq`. */
export type ChainFault =
  /** No event stored at this seq (deleted, or the chain was reordered around a gap). */
  | "missing"
  /** The event's prev_hash is not the previous event's hash (reordered, inserted, or a predecessor changed). */
  | "prev_hash_mismatch"
  /** The stored hash is not SHA-256(prev_hash || canonical event): the event was modified. */
  | "hash_mismatch"
  /** The chain ends below the last checkpoint: its tail was deleted. */
  | "truncated"
  /** The event at the checkpoint's seq does not have the checkpointed hash: history was rewritten. */
  | "checkpoint_mismatch";

/** State carried from one verification page to the next. */
export interface VerifyProgress {
  /** The next seq to check. */
  nextSeq: number;
  /** The hash the next event must link to; null to accept the first event's prev_hash as given. */
  prevHash: string | null;
  checked: number;
  done: boolean;
  bad?: { seq: number; reason: ChainFault };
}

/**
 * Verifies up to `limit` events from `nextSeq` to `toSeq`: every seq present and in
 * order, every prev_hash equal to the previous hash, every hash recomputed. Stops at the
 * first fault. Call again with the returned progress until `done`.
 */
export function verifyPage(
  sql: SqlStorage,
  start: { nextSeq: number; prevHash: string | null; toSeq: number; limit: number },
): VerifyProgress {
  let expected = start.nextSeq;
  let prevHash = start.prevHash;
  if (prevHash === null && expected === 1) prevHash = GENESIS_HASH;
  if (prevHash === null && expected > 1) prevHash = hashAt(sql, expected - 1);
  let checked = 0;
  const fault = (seq: number, reason: ChainFault): VerifyProgress => ({
    nextSeq: seq,
    prevHash,
    checked,
    done: true,
    bad: { seq, reason },
  });
  const cursor = sql.exec<EventRow>(
    `SELECT ${COLUMNS} FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
    expected,
    start.toSeq,
    start.limit,
  );
  let rows = 0;
  for (const row of cursor) {
    rows++;
    if (row.seq !== expected) return fault(expected, "missing");
    if (prevHash !== null && row.prev_hash !== prevHash) return fault(row.seq, "prev_hash_mismatch");
    // resource and details are stored as the canonical text that was hashed.
    if (hashCanonical(row.prev_hash, canonicalFromParts(row, row.resource, row.details)) !== row.hash)
      return fault(row.seq, "hash_mismatch");
    prevHash = row.hash;
    expected++;
    checked++;
  }
  const done = expected > start.toSeq || rows < start.limit;
  if (done && expected <= start.toSeq) return fault(expected, "missing");
  return { nextSeq: expected, prevHash, checked, done };
}
