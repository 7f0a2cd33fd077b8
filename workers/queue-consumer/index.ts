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
import "../../src/shared/jobs/types/rewrap-tenant";
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

/**
 * Seconds one message may run before it is given up and retried. Locally, Miniflare's queue
 * broker sends the next batch only after this one's handler settles, so one promise that
 * never settles would stop the whole queue silently; in production the platform bounds a
 * consumer's wall time the same way. A copy that settles later is absorbed by the engine's
 * compare-and-set on the range's step.
 */
function deadlineMs(env: Env): number {
  const s = Number((env as { JOB_MESSAGE_DEADLINE_SECONDS?: string }).JOB_MESSAGE_DEADLINE_SECONDS ?? "60");
  return (Number.isFinite(s) && s > 0 ? s : 60) * 1000;
}

class MessageDeadlineError extends Error {
  override name = "MessageDeadlineError";
}

/** Settles with `work`, or rejects with MessageDeadlineError after `ms`; the timer never outlives the race. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MessageDeadlineError(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
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
        console.error(
          JSON.stringify({
            level: "error",
            msg: "unreadable queue message",
            id: message.id,
            issues: parsed.error.issues.length,
          }),
        );
        message.ack();
        return;
      }
      try {
        await withDeadline(dead ? deadLetter(env, parsed.data) : runJobMessage(env, parsed.data), deadlineMs(env));
        message.ack();
      } catch (err) {
        const stalled = err instanceof MessageDeadlineError;
        // Ids and counts only: never record content.
        console.error(
          JSON.stringify({
            level: "error",
            msg: stalled ? "job message did not settle before its deadline" : "job message failed",
            id: message.id,
            dead,
            attempts: message.attempts,
            job_id: parsed.data.job_id,
            range: parsed.data.type === "job.chunk" ? (parsed.data.range ?? null) : null,
            error: describeFailure(err),
          }),
        );
        if (!dead) await noteFailure(env, parsed.data, err).catch(() => undefined);
        message.retry({ delaySeconds: backoff(env, message.attempts) });
      }
    });
  },
} satisfies ExportedHandler<Env>;
