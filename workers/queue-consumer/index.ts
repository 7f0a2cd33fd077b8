/**
 * Queue consumer: runs bulk jobs one chunk per message. Delivery is at least once, so
 * every handler is idempotent: a chunk re-run after a crash redoes work without doubling it.
 */
import { JobMessageSchema, type JobMessage } from "../../src/shared/queue/messages";
import { failJob, MAX_ATTEMPTS, runJobChunk } from "../../src/shared/jobs/run";
// Job kinds register themselves on import.
import "../../src/shared/records/report";
import "../../src/shared/search/rebuild";

// A worker's main module may export only handlers and classes (workerd treats every
// named export as an entrypoint), so constants live in src/shared.

export default {
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    for (const message of batch.messages) {
      const parsed = JobMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        // A message no version of this consumer can read will never succeed: drop it loudly.
        console.error(JSON.stringify({ level: "error", msg: "unreadable queue message", id: message.id, issues: parsed.error.issues.length }));
        message.ack();
        continue;
      }
      try {
        await handle(parsed.data, env);
        message.ack();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        console.error(JSON.stringify({ level: "error", msg: "job chunk failed", id: message.id, attempts: message.attempts, error: reason }));
        if (message.attempts >= MAX_ATTEMPTS) {
          // Out of retries: record the failure so the job does not look queued forever.
          await failJob(env, parsed.data, reason).catch(() => undefined);
          message.ack();
        } else {
          message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        }
      }
    }
  },
} satisfies ExportedHandler<Env>;

async function handle(message: JobMessage, env: Env): Promise<void> {
  switch (message.type) {
    case "job.chunk":
      await runJobChunk(env, message);
      return;
  }
}
