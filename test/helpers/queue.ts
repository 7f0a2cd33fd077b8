/** Jobs-queue test helpers: a producer that keeps what it is sent, and delivery of messages to the real consumer. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { JobMessage } from "../../src/shared/queue/messages";
import consumer from "../../workers/queue-consumer/index";

/**
 * A `JOBS` producer that keeps each message in `sent` instead of queueing it, so the test delivers them itself.
 * After `failNextSends(n)` the next n sends throw, as a crash just before the send would.
 */
export function keepingProducer() {
  const sent: JobMessage[] = [];
  let failures = 0;
  const JOBS = {
    async send(body: JobMessage) {
      if (failures > 0) {
        failures--;
        throw new Error("crash before the send");
      }
      sent.push(body);
    },
    async sendBatch(messages: { body: JobMessage }[]) {
      for (const m of messages) await JOBS.send(m.body);
    },
  };
  return {
    JOBS,
    sent,
    failNextSends(n: number) {
      failures = n;
    },
  };
}

/**
 * Delivers `bodies` as one batch (first attempt each) to the real queue consumer under `e`; returns the batch's
 * result (`explicitAcks`, `retryMessages`, …, from `getQueueResult`) and the ids its messages were given.
 */
export async function deliver(e: Env, ...bodies: JobMessage[]) {
  const batch = createMessageBatch(
    "llm-data-vault-jobs",
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumer.queue(batch, e);
  return { ...(await getQueueResult(batch, ctx)), ids: batch.messages.map((m) => m.id) };
}
