/** Verifying a tenant's chain from a Worker: page by page through the AuditLogObject, then against the D1 checkpoint. */
import type { AuditVerifyResult } from "../schema/audit";
import { auditLogObject, type AuditEnv } from "./append";
import { checkpointFault, latestCheckpoint } from "./checkpoint";
import type { VerifyProgress } from "./store";

/** Events per AuditLogObject call: bounds each call's CPU time and lets appends interleave. */
export const VERIFY_PAGE = 10_000;

export interface VerifyEnv extends AuditEnv {
  DB: D1Database;
}

/**
 * Verifies seqs [fromSeq, toSeq] (default: the whole chain as of the start) and compares
 * the chain with its newest checkpoint. The first chain fault wins; with none, a head
 * below the checkpoint is `truncated` and a different hash at its seq is `checkpoint_mismatch`.
 */
export async function verifyChain(
  env: VerifyEnv,
  tenantId: string,
  range: { fromSeq?: number; toSeq?: number } = {},
): Promise<AuditVerifyResult> {
  const stub = auditLogObject(env, tenantId);
  // Checkpoint before head: a checkpoint is never above the head it was taken from,
  // so reading in this order cannot mistake a fresh checkpoint for a truncation.
  const checkpoint = await latestCheckpoint(env.DB, tenantId);
  const head = await stub.chainHead();
  const fromSeq = range.fromSeq ?? 1;
  const toSeq = Math.min(range.toSeq ?? head.seq, head.seq);
  let progress: VerifyProgress = { nextSeq: fromSeq, prevHash: null, checked: 0, done: fromSeq > toSeq };
  let checked = 0;
  while (!progress.done) {
    progress = await stub.verify({ nextSeq: progress.nextSeq, prevHash: progress.prevHash, toSeq, limit: VERIFY_PAGE });
    checked += progress.checked;
  }
  const bad = progress.bad ?? checkpointFault(head, checkpoint ? await stub.hashAt(checkpoint.seq) : null, checkpoint);
  return {
    ok: !bad,
    checked,
    head_seq: head.seq,
    head_hash: head.hash,
    ...(bad ? { first_bad_seq: bad.seq, reason: bad.reason } : {}),
    checkpoint,
  };
}
