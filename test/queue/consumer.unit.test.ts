import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerJobKind } from "../../src/shared/jobs/run";
import consumer from "../../workers/queue-consumer/index";
import { createTenant } from "../helpers/api";

async function insertJob(tenantId: string, kind: string, status = "queued") {
  const id = `job_${crypto.randomUUID().replace(/-/g, "").slice(0, 26).toUpperCase()}`;
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO jobs (id, tenant_id, kind, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'operator', ?, ?)",
  )
    .bind(id, tenantId, kind, status, now, now)
    .run();
  return id;
}

const jobRow = (id: string) =>
  env.DB.prepare("SELECT status, progress, error FROM jobs WHERE id = ?")
    .bind(id)
    .first<{ status: string; progress: string; error: string | null }>();

async function deliver(body: unknown, attempts = 1, queue = "llm-data-vault-jobs") {
  const batch = createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await consumer.queue(batch, env);
  return getQueueResult(batch, ctx);
}

// Chunks of this kind count to 3 and then finish.
registerJobKind("test.count", async (_env, _job, cursor) => {
  const n = cursor === null ? 0 : Number(cursor);
  return { next: n + 1 < 3 ? String(n + 1) : null, progress: { chunks: 1 } };
});
registerJobKind("test.fail", async () => {
  throw new Error("boom");
});

describe("queue consumer", () => {
  it("acks a message it can never read instead of retrying it forever", async () => {
    const result = await deliver({ type: "nonsense" });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
  });

  it("marks a job of an unknown kind failed", async () => {
    const t = await createTenant();
    const id = await insertJob(t.id, "no.such.kind");
    const result = await deliver({ type: "job.chunk", job_id: id, tenant_id: t.id, cursor: null });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await jobRow(id)).toMatchObject({ status: "failed", error: "unknown job kind 'no.such.kind'" });
  });

  it("ignores a redelivered message of a finished job", async () => {
    const t = await createTenant();
    const id = await insertJob(t.id, "test.count", "succeeded");
    await deliver({ type: "job.chunk", job_id: id, tenant_id: t.id, cursor: null });
    expect(await jobRow(id)).toMatchObject({ status: "succeeded", progress: "{}" });
  });

  it("does not run another tenant's job named in a message", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const id = await insertJob(a.id, "test.count");
    await deliver({ type: "job.chunk", job_id: id, tenant_id: b.id, cursor: null });
    expect(await jobRow(id)).toMatchObject({ status: "queued" });
  });

  it("retries a chunk that throws, with backoff, and notes the failure on its range", async () => {
    const t = await createTenant();
    const id = await insertJob(t.id, "test.fail");
    // The start plans one range; its chunk then fails.
    await env.DB.prepare(
      "INSERT INTO job_ranges (job_id, range_no, status, bounds, updated_at) VALUES (?, 0, 'pending', '{}', '')",
    )
      .bind(id)
      .run();
    const result = await deliver({ type: "job.chunk", job_id: id, tenant_id: t.id, cursor: null, range: 0 }, 2);
    expect(result.retryMessages).toHaveLength(1);
    expect((await jobRow(id))!.status).toBe("queued");
    const range = await env.DB.prepare("SELECT attempts, error FROM job_ranges WHERE job_id = ?").bind(id).first();
    expect(range).toEqual({ attempts: 1, error: "Error" });
  });

  it("marks the range and then the job failed when its chunk arrives from the dead-letter queue", async () => {
    const t = await createTenant();
    const id = await insertJob(t.id, "test.fail", "running");
    await env.DB.prepare(
      "INSERT INTO job_ranges (job_id, range_no, status, bounds, updated_at) VALUES (?, 0, 'running', '{}', '')",
    )
      .bind(id)
      .run();
    const result = await deliver(
      { type: "job.chunk", job_id: id, tenant_id: t.id, cursor: null, range: 0 },
      1,
      "llm-data-vault-jobs-dlq",
    );
    expect(result.explicitAcks).toHaveLength(1);
    expect(await jobRow(id)).toMatchObject({ status: "failed" });
    expect((await jobRow(id))!.error).toMatch(/1 of 1 ranges failed/);
  });

  it("runs a job chunk by chunk through the real queue until it succeeds", async () => {
    const t = await createTenant();
    const id = await insertJob(t.id, "test.count");
    await env.JOBS.send({ type: "job.chunk", job_id: id, tenant_id: t.id, cursor: null });
    let row = await jobRow(id);
    for (let i = 0; i < 100 && row!.status !== "succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await jobRow(id);
    }
    expect(row).toMatchObject({ status: "succeeded" });
    expect(JSON.parse(row!.progress)).toEqual({ chunks: 3 });
  });
});
