/** GET /audit/export: the chain as NDJSON, streamed page by page from the AuditLogObject. */
import { auditLogObject, type AuditEnv } from "./append";
import { latestCheckpoint } from "./checkpoint";
import type { VerifyEnv } from "./verify";

/** Events per AuditLogObject call while exporting. */
export const EXPORT_PAGE = 1000;

const encoder = new TextEncoder();

/**
 * One stored event per line, oldest first, seqs [fromSeq, toSeq]. Pages are fetched as
 * the client reads (backpressure), so memory stays at one page whatever the chain length.
 */
export function exportStream(
  env: AuditEnv,
  tenantId: string,
  fromSeq: number,
  toSeq: number,
): ReadableStream<Uint8Array> {
  const stub = auditLogObject(env, tenantId);
  let next = fromSeq;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next > toSeq) {
          controller.close();
          return;
        }
        const events = await stub.exportPage(next, toSeq, EXPORT_PAGE);
        if (events.length === 0) {
          // A gap to the end of the range: what is stored was sent; verification will say what is missing.
          controller.close();
          return;
        }
        next = events[events.length - 1].seq + 1;
        controller.enqueue(encoder.encode(events.map((e) => JSON.stringify(e)).join("\n") + "\n"));
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * An export of seqs [fromSeq, toSeq] (default: the whole chain as of now) with headers
 * naming the head at the start and the newest D1 checkpoint, which an offline verifier
 * can be given to detect truncation (scripts/verify-audit-export.mjs --checkpoint).
 */
export async function auditExport(env: VerifyEnv, tenantId: string, range: { fromSeq?: number; toSeq?: number }) {
  const checkpoint = await latestCheckpoint(env.DB, tenantId);
  const head = await auditLogObject(env, tenantId).chainHead();
  const fromSeq = range.fromSeq ?? 1;
  const toSeq = Math.min(range.toSeq ?? head.seq, head.seq);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-ndjson",
    "Content-Disposition": `attachment; filename="audit-${tenantId}-${fromSeq}-${toSeq}.ndjson"`,
    "X-Audit-Head-Seq": String(head.seq),
    "X-Audit-Head-Hash": head.hash,
  };
  if (checkpoint) {
    headers["X-Audit-Checkpoint-Seq"] = String(checkpoint.seq);
    headers["X-Audit-Checkpoint-Hash"] = checkpoint.hash;
  }
  return { body: exportStream(env, tenantId, fromSeq, toSeq), headers };
}
