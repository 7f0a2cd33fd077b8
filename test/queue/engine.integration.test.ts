// The job engine under at-least-once delivery: the same message twice, two copies at once,
// a crash at each step (before the compare-and-set, after it before the next send, after
// the send before the ack), parallel ranges, the dead-letter queue, retry and cancel.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerKind, type JobEnv } from "../../src/shared/jobs/run";
import { createJob } from "../../src/shared/jobs/service";
import type { JobMessage } from "../../src/shared/queue/messages";
import { call, expectProblem, newTenant } from "../helpers/api";
import { deliver, keepingProducer } from "../helpers/queue";
import { client, expectJson } from "../helpers/client";

const RANGES = 3;
const CHUNKS = 4;
const PER_CHUNK = 7;

/** How often each (job, range, cursor) chunk body ran: more than once is allowed, its counted effect is not. */
const runs = new Map<string, number>();
/** Chunks that throw once after running (a crash before the compare-and-set). */
const crashAfterEffect = new Set<string>();

registerKind("test.ranged", {
  plan: async () => ({
    ranges: Array.from({ length: RANGES }, (_, i) => ({ i })),
    itemsTotal: RANGES * CHUNKS * PER_CHUNK,
  }),
  chunk: async (_env, job, range) => {
    const step = range.cursor === null ? 0 : Number(range.cursor);
    const key = `${job.id}:${range.rangeNo}:${step}`;
    runs.set(key, (runs.get(key) ?? 0) + 1);
    if (crashAfterEffect.delete(key)) throw new Error("crash after the effect");
    if (barrier) await barrier.arrive();
    return { next: step + 1 < CHUNKS ? String(step + 1) : null, progress: { items: PER_CHUNK, bytes: 100 } };
  },
});

/** When set, chunks wait until two copies have run their body, so both read the same step before either writes. */
let barrier: { arrive: () => Promise<void> } | null = null;
function twoCopies() {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    arrive: async () => {
      if (++arrived >= 2) open();
      await Promise.race([gate, new Promise((r) => setTimeout(r, 500))]);
    },
  };
}

let poisonRuns = 0;
registerKind("test.poison", {
  plan: async () => ({ ranges: [{ ok: true }, { ok: false }] }),
  chunk: async (_env, _job, range) => {
    if (range.bounds.ok === false && !(globalThis as { healed?: boolean }).healed) {
      poisonRuns++;
      throw new Error("poison");
    }
    return { next: null, progress: { items: 1 } };
  },
});

registerKind("test.slow", {
  chunk: async (_env, _job, range) => {
    await new Promise((r) => setTimeout(r, 20));
    return { next: String(Number(range.cursor ?? 0) + 1), progress: { items: 1 } };
  },
});

const scopeOf = (tenantId: string) => ({ tenantId, actor: "test", requestId: null, clientIp: null });

/** An env whose queue producer records messages instead of sending them, so the test delivers them itself. */
function capturingEnv() {
  const producer = keepingProducer();
  return { ...producer, env: { ...env, JOBS: producer.JOBS } as unknown as Env };
}

async function insertQueuedJob(tenantId: string, kind: string) {
  const captured = capturingEnv();
  const job = await createJob(captured.env as unknown as JobEnv & Env, scopeOf(tenantId), { kind });
  return { job, start: captured.sent[0] };
}

const jobRow = (id: string) =>
  env.DB.prepare("SELECT status, progress, error FROM jobs WHERE id = ?")
    .bind(id)
    .first<{ status: string; progress: string; error: string | null }>();

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, tries = 200): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

type Mode = "twice" | "concurrent" | "crash-before-cas" | "crash-before-send" | "crash-before-ack";
const MODES: Mode[] = ["twice", "concurrent", "crash-before-cas", "crash-before-send", "crash-before-ack"];

/**
 * Delivers every message the job produces under one mode until nothing is left, and
 * returns how many messages were delivered (bounded: the chain must not fork).
 */
async function drive(start: JobMessage, mode: Mode) {
  const cap = capturingEnv();
  const pending: JobMessage[] = [start];
  let delivered = 0;
  while (pending.length) {
    const msg = pending.shift()!;
    delivered++;
    expect(delivered).toBeLessThan(200);
    cap.sent.length = 0;
    const key = async () => {
      if (msg.type !== "job.chunk" || msg.range === undefined) return null;
      const r = await env.DB.prepare("SELECT cursor, status FROM job_ranges WHERE job_id = ? AND range_no = ?")
        .bind(msg.job_id, msg.range)
        .first<{ cursor: string | null; status: string }>();
      if (r?.status === "done") return null;
      return `${msg.job_id}:${msg.range}:${r?.cursor === null || r?.cursor === undefined ? 0 : Number(r.cursor)}`;
    };
    if (mode === "twice") {
      await deliver(cap.env, msg);
      await deliver(cap.env, msg);
    } else if (mode === "concurrent") {
      barrier = twoCopies();
      await Promise.all([deliver(cap.env, msg), deliver(cap.env, msg)]);
      barrier = null;
      // Both copies ran the same chunk; only one landed, so only one continuation was sent.
      // (A copy for a finished range asks for the finish instead, which is idempotent.)
      const chunks = cap.sent.filter((m) => m.type === "job.chunk");
      expect(chunks.length).toBeLessThanOrEqual(msg.type === "job.chunk" && msg.range === undefined ? RANGES * 2 : 1);
    } else if (mode === "crash-before-cas") {
      const k = await key();
      if (k) crashAfterEffect.add(k);
      const first = await deliver(cap.env, msg);
      if (k) expect(first.retryMessages).toHaveLength(1);
      await deliver(cap.env, msg);
    } else if (mode === "crash-before-send") {
      cap.failNextSends(1);
      const first = await deliver(cap.env, msg);
      expect(first.retryMessages.length + first.explicitAcks.length).toBe(1);
      await deliver(cap.env, msg);
    } else {
      await deliver(cap.env, msg);
      await deliver(cap.env, msg); // the redelivery of a message whose ack was lost
    }
    pending.push(...cap.sent);
  }
  return delivered;
}

describe("job engine", () => {
  it("runs a job's ranges in parallel through the real queue and sums their progress", async () => {
    const { tenant, token } = await newTenant();
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.ranged" });
    const final = await waitFor(
      async () => await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200),
      (j) => j.status === "succeeded",
    );
    expect(final.progress).toMatchObject({ items: RANGES * CHUNKS * PER_CHUNK, bytes: RANGES * CHUNKS * 100 });
    expect(final.totals.items).toBe(RANGES * CHUNKS * PER_CHUNK);
    expect(final.ranges).toHaveLength(RANGES);
    expect(final.ranges.every((r: { status: string }) => r.status === "done")).toBe(true);
    expect(final.records_per_second).toBeGreaterThan(0);
    expect(final.eta_seconds).toBeNull();
  });

  for (const mode of MODES) {
    it(`counts every chunk once and finishes once when each message is delivered ${mode}`, async () => {
      const t = await newTenant();
      const { job, start } = await insertQueuedJob(t.tenant.id, "test.ranged");
      const delivered = await drive(start, mode);
      // Bounded: a duplicate either lands nothing or runs the range's next chunk, so the chain never forks.
      expect(delivered).toBeLessThanOrEqual(4 * (1 + RANGES * CHUNKS + RANGES));
      const row = await jobRow(job.id);
      expect(row?.status).toBe("succeeded");
      expect(JSON.parse(row!.progress)).toEqual({ items: RANGES * CHUNKS * PER_CHUNK, bytes: RANGES * CHUNKS * 100 });
      for (let r = 0; r < RANGES; r++)
        for (let c = 0; c < CHUNKS; c++) expect(runs.get(`${job.id}:${r}:${c}`)).toBeGreaterThanOrEqual(1);
      const steps = await env.DB.prepare("SELECT step FROM job_ranges WHERE job_id = ?")
        .bind(job.id)
        .all<{ step: number }>();
      expect(steps.results.map((r) => r.step)).toEqual(Array(RANGES).fill(CHUNKS));
      const query = { action: "job.finish", resource_id: job.id };
      const finishes = await expectJson(await client(t.token).api.v1.audit.logs.$get({ query }), 200);
      expect(finishes.items).toHaveLength(1);
    });
  }

  it("sends a chunk that fails every attempt to the dead-letter queue; the job is partially_failed, and retry resumes it", async () => {
    const { tenant, token } = await newTenant();
    (globalThis as { healed?: boolean }).healed = false;
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.poison" });
    const failed = await waitFor(
      async () => await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200),
      (j) => j.status === "partially_failed",
    );
    expect(failed.status).toBe("partially_failed");
    expect(failed.error).toMatch(/1 of 2 ranges failed/);
    expect(failed.ranges.map((r: { status: string }) => r.status)).toEqual(["done", "failed"]);
    expect(failed.ranges[1].error).toBe("Error");
    expect(poisonRuns).toBeGreaterThanOrEqual(3);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST", token }), 409);

    (globalThis as { healed?: boolean }).healed = true;
    const retried = await expectJson(
      await client(token).api.v1.jobs[":id"].retry.$post({ param: { id: job.id } }),
      200,
    );
    expect(retried.status).toBe("running");
    const done = await waitFor(
      async () => await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200),
      (j) => j.status === "succeeded",
    );
    expect(done.progress.items).toBe(2);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/retry`, { method: "POST", token }), 409);
  });

  it("stops a cancelled job within one chunk", async () => {
    const { tenant, token } = await newTenant();
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.slow" });
    await waitFor(
      async () => await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200),
      (j) => (j.progress.items ?? 0) >= 2,
    );
    await expectJson(await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id: job.id } }), 200);
    const at = (await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200)).progress
      .items;
    await new Promise((r) => setTimeout(r, 300));
    const later = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(later.status).toBe("cancelled");
    // At most the chunk that was in flight when the cancel landed.
    expect(later.progress.items).toBeLessThanOrEqual(at + 1);
  });

  it("streams progress as Server-Sent Events until the job ends", async () => {
    const { tenant, token } = await newTenant();
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.ranged" });
    const res = await call(`/api/v1/jobs/${job.id}/events`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({
      type: m[1],
      job: JSON.parse(m[2]),
    }));
    expect(events.length).toBeGreaterThanOrEqual(1);
    const last = events[events.length - 1];
    expect(last.type).toBe("end");
    expect(last.job).toMatchObject({ id: job.id, status: "succeeded" });
  });

  it("answers 404 for another tenant's job on every job route", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const job = await createJob(env, scopeOf(a.tenant.id), { kind: "test.ranged" });
    for (const [method, path] of [
      ["GET", `/api/v1/jobs/${job.id}`],
      ["GET", `/api/v1/jobs/${job.id}/events`],
      ["POST", `/api/v1/jobs/${job.id}/retry`],
      ["POST", `/api/v1/jobs/${job.id}/cancel`],
    ]) {
      await expectProblem(await call(path, { method, token: b.token }), 404);
    }
  });
});
