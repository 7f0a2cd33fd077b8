/**
 * Chain checkpoints: the head seq and hash of a tenant's chain copied into D1
 * (`audit_checkpoints`), outside the AuditLogObject, so that deleting the tail of the chain
 * or rewriting its history is detectable even though the remaining chain is consistent.
 *
 * Cadence (AuditLogObject alarm): a checkpoint is due CHECKPOINT_EVERY_MS after the first
 * event it does not cover, and at once when CHECKPOINT_EVERY_EVENTS events are pending.
 * Events newer than the last checkpoint (at most about that many events or seconds)
 * can be cut from the tail undetected; everything older cannot.
 */
import { desc, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import type { ChainFault } from "./store";

/** N: a checkpoint is taken once this many events are not covered by one. */
export const CHECKPOINT_EVERY_EVENTS = 1000;
/** T: and at the latest this long after the first uncovered event. */
export const CHECKPOINT_EVERY_MS = 5_000;

export interface Checkpoint {
  seq: number;
  hash: string;
  created_at: string;
}

/** The newest checkpoint of a tenant's chain, or null before the first. One indexed D1 read. */
export async function latestCheckpoint(d1: D1Database, tenantId: string): Promise<Checkpoint | null> {
  const t = schema.auditCheckpoints;
  const row = await db(d1)
    .select({ seq: t.seq, hash: t.hash, created_at: t.createdAt })
    .from(t)
    .where(eq(t.tenantId, tenantId))
    .orderBy(desc(t.seq))
    .limit(1)
    .get();
  return row ?? null;
}

/** Records a head; writing the same seq twice keeps the first row. */
export async function writeCheckpoint(
  d1: D1Database,
  tenantId: string,
  head: { seq: number; hash: string },
  now = new Date(),
): Promise<void> {
  await db(d1)
    .insert(schema.auditCheckpoints)
    .values({ tenantId, seq: head.seq, hash: head.hash, createdAt: now.toISOString() })
    .onConflictDoNothing();
}

/**
 * Compares the stored chain with a checkpoint: a head below it means the tail was
 * deleted; a different hash at its seq means history up to it was rewritten.
 */
export function checkpointFault(
  head: { seq: number },
  storedHashAtCheckpoint: string | null,
  cp: Checkpoint | null,
): { seq: number; reason: ChainFault } | null {
  if (!cp) return null;
  if (head.seq < cp.seq) return { seq: head.seq + 1, reason: "truncated" };
  if (storedHashAtCheckpoint !== cp.hash) return { seq: cp.seq, reason: "checkpoint_mismatch" };
  return null;
}
