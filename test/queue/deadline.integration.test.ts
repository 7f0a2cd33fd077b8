/**
 * A message whose handler never settles is given up after JOB_MESSAGE_DEADLINE_SECONDS and
 * retried, with the failure on its range, instead of holding the batch (and, locally, the
 * whole queue) forever.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerKind } from "../../src/shared/jobs/run";
import type { JobMessage } from "../../src/shared/queue/messages";
import { newTenant } from "../helpers/api";
import { deliver, keepingProducer } from "../helpers/queue";

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
    const { JOBS } = keepingProducer();
    const e = { ...env, JOBS, JOB_MESSAGE_DEADLINE_SECONDS: "0.3" } as unknown as Env;
    const chunk = (range: number): JobMessage => ({
      type: "job.chunk",
      job_id: jobId,
      tenant_id: tenant.id,
      cursor: null,
      range,
    });

    const started = Date.now();
    const first = await deliver(e, chunk(0), chunk(1));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(first.explicitAcks).toEqual([first.ids[0]]);
    expect(first.retryMessages.map((r) => r.msgId)).toEqual([first.ids[1]]);
    const hung = await env.DB.prepare(
      "SELECT status, attempts, error FROM job_ranges WHERE job_id = ? AND range_no = 1",
    )
      .bind(jobId)
      .first();
    expect(hung).toEqual({ status: "pending", attempts: 1, error: "MessageDeadlineError" });

    // The retry runs the range from its stored cursor and the job can finish.
    const again = await deliver(e, chunk(1));
    expect(again.explicitAcks).toEqual(again.ids);
    const ranges = await env.DB.prepare("SELECT status FROM job_ranges WHERE job_id = ? ORDER BY range_no")
      .bind(jobId)
      .all();
    expect(ranges.results.map((r) => r.status)).toEqual(["done", "done"]);
  });
});
