/**
 * A message whose handler never settles is given up after JOB_MESSAGE_DEADLINE_SECONDS and
 * retried, with the failure on its range, instead of holding the batch (and, locally, the
 * whole queue) forever.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerKind } from "../../src/shared/jobs/run";
import type { JobMessage } from "../../src/shared/queue/messages";
import consumer from "../../workers/queue-consumer/index";
import { newTenant } from "../helpers/api";

/** Ranges whose chunk never settles on its first run. */
const hangs = new Set<string>();
registerKind("test.hang", {
  plan: async () => ({ ranges: [{}, {}] }),
  chunk: async (_env, job, range) => {
    const key = `${job.id}:${range.rangeNo}`;
    if (!hangs.has(key)) {
      hangs.add(key);
      if (range.rangeNo === 1) await new Promise(() => undefined);
    }
    return { next: null, progress: { items: 1 } };
  },
});

async function deliver(e: Env, ...bodies: JobMessage[]) {
  const batch = createMessageBatch(
    "llm-data-vault-jobs",
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumer.queue(batch, e);
  return { result: await getQueueResult(batch, ctx), ids: batch.messages.map((m) => m.id) };
}

describe("a queue message that never settles", () => {
  it("is retried after its deadline, with the failure on its range, while the rest of the batch is acked", async () => {
    const { tenant } = await newTenant();
    const jobId = `job_hang_${crypto.randomUUID()}`;
    const at = new Date().toISOString();
    await env.DB.prepare(
      `INSERT INTO jobs (id, tenant_id, kind, status, params, progress, created_by, created_at, updated_at)
       VALUES (?, ?, 'test.hang', 'running', '{}', '{}', 'test', ?, ?)`,
    )
      .bind(jobId, tenant.id, at, at)
      .run();
    await env.DB.batch(
      [0, 1].map((i) =>
        env.DB.prepare(
          "INSERT INTO job_ranges (job_id, range_no, status, bounds, updated_at) VALUES (?, ?, 'pending', '{}', ?)",
        ).bind(jobId, i, at),
      ),
    );
    const sent: JobMessage[] = [];
    const JOBS = {
      send: async (b: JobMessage) => void sent.push(b),
      sendBatch: async (m: { body: JobMessage }[]) => void sent.push(...m.map((x) => x.body)),
    };
    const e = { ...env, JOBS, JOB_MESSAGE_DEADLINE_SECONDS: "0.3" } as unknown as Env;
    const chunk = (range: number): JobMessage => ({
      type: "job.chunk",
      job_id: jobId,
      tenant_id: tenant.id,
      cursor: null,
      range,
    });

    const started = Date.now();
    const { result, ids } = await deliver(e, chunk(0), chunk(1));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.explicitAcks).toEqual([ids[0]]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual([ids[1]]);
    const hung = await env.DB.prepare(
      "SELECT status, attempts, error FROM job_ranges WHERE job_id = ? AND range_no = 1",
    )
      .bind(jobId)
      .first();
    expect(hung).toEqual({ status: "pending", attempts: 1, error: "MessageDeadlineError" });

    // The retry runs the range from its stored cursor and the job can finish.
    const again = await deliver(e, chunk(1));
    expect(again.result.explicitAcks).toEqual(again.ids);
    const ranges = await env.DB.prepare("SELECT status FROM job_ranges WHERE job_id = ? ORDER BY range_no")
      .bind(jobId)
      .all();
    expect(ranges.results.map((r) => r.status)).toEqual(["done", "done"]);
  });
});
