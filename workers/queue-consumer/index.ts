/**
 * Queue consumer: runs bulk jobs one chunk per message (src/shared/jobs/run.ts). Delivery
 * is at least once, and every step is keyed, so a chunk re-run after a crash or run twice
 * at once changes things once. A failed chunk is retried with exponential backoff; after
 * its last attempt the queue moves it to the dead-letter queue, which this worker also
 * consumes to mark the chunk's range failed.
 */
import { DEAD_LETTER_QUEUE, JobMessageSchema } from "../../src/shared/queue/messages";
import { deadLetter, describeFailure, noteFailure, runJobMessage } from "../../src/shared/jobs/run";
// Job kinds register themselves on import.
import "../../src/shared/imports/job";
import "../../src/shared/exports/job";
import "../../src/shared/records/report";
import "../../src/shared/jobs/types/pii-scan";
import "../../src/shared/jobs/types/anonymize";
import "../../src/shared/jobs/types/re-encrypt";
import "../../src/shared/search/rebuild";

// A worker's main module may export only handlers and classes (workerd treats every
// named export as an entrypoint), so constants live in src/shared.

/** Messages of one batch handled at once. */
const MESSAGE_CONCURRENCY = 4;

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Seconds before the n-th retry: base * 2^(n-1), at most 5 minutes. */
function backoff(env: Env, attempts: number): number {
  const base = Number((env as { JOB_RETRY_BASE_SECONDS?: string }).JOB_RETRY_BASE_SECONDS ?? "2");
  return Math.min(300, Math.max(0, base) * 2 ** Math.max(0, attempts - 1));
}

export default {
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    const dead = batch.queue === DEAD_LETTER_QUEUE;
    // Messages of one batch run concurrently (they are usually chunks of different ranges),
    // at most MESSAGE_CONCURRENCY at a time: locally, `wrangler dev` stalled with 8 at once.
    await eachLimited(batch.messages, MESSAGE_CONCURRENCY, async (message) => {
        const parsed = JobMessageSchema.safeParse(message.body);
        if (!parsed.success) {
          // A message no version of this consumer can read will never succeed: drop it loudly.
          console.error(JSON.stringify({ level: "error", msg: "unreadable queue message", id: message.id, issues: parsed.error.issues.length }));
          message.ack();
          return;
        }
        try {
          if (dead) await deadLetter(env, parsed.data);
          else await runJobMessage(env, parsed.data);
          message.ack();
        } catch (err) {
          console.error(JSON.stringify({ level: "error", msg: "job message failed", id: message.id, dead, attempts: message.attempts, error: describeFailure(err) }));
          if (!dead) await noteFailure(env, parsed.data, err).catch(() => undefined);
          message.retry({ delaySeconds: backoff(env, message.attempts) });
        }
    });
  },
} satisfies ExportedHandler<Env>;
