import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJob } from "../../src/shared/jobs/service";
import { registerJobKind } from "../../src/shared/jobs/run";
import { call, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

// A kind that never finishes on its own, so there is something to cancel.
registerJobKind("test.forever", async (_env, _job, cursor) => ({
  next: String(Number(cursor ?? 0) + 1),
  progress: { chunks: 1 },
}));
registerJobKind("test.once", async () => ({ next: null, progress: { items: 5 } }));

const scopeOf = (tenantId: string) => ({ tenantId, actor: "test", requestId: null, clientIp: null });

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 100 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

describe("jobs API", () => {
  it("shows a job run to completion by the consumer, with its progress and a finish event", async () => {
    const { tenant, token } = await newTenant();
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.once", params: { note: "n" } });
    const final = await waitFor(
      async () => await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200),
      (j) => j.status === "succeeded",
    );
    expect(final).toMatchObject({
      id: job.id,
      kind: "test.once",
      status: "succeeded",
      params: { note: "n" },
      progress: { items: 5 },
    });
    expect(final.finished_at).not.toBeNull();
    const head = await env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenant.id}`)).chainHead();
    expect(head.seq).toBeGreaterThanOrEqual(4); // tenant.create, key.create, job.create, job.finish
  });

  it("cancels a running job; the consumer stops, and a second cancel is a 409", async () => {
    const { tenant, token } = await newTenant();
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.forever" });
    const cancelled = await expectJson(
      await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id: job.id } }),
      200,
    );
    expect(cancelled.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 200));
    expect((await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200)).status).toBe(
      "cancelled",
    );
    await expectProblem(await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST", token }), 409);
  });

  it("lists newest first with a cursor", async () => {
    const { tenant, token } = await newTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createJob(env, scopeOf(tenant.id), { kind: "test.once" })).id);
    const jobs = client(token).api.v1.jobs;
    const first = await expectJson(await jobs.$get({ query: { limit: "2" } }), 200);
    const second = await expectJson(await jobs.$get({ query: { limit: "2", cursor: first.next_cursor! } }), 200);
    expect([...first.items, ...second.items].map((j) => j.id)).toEqual(ids.reverse());
    expect(second.next_cursor).toBeNull();
  });

  it("isolates tenants and checks scopes", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const job = await createJob(env, scopeOf(a.tenant.id), { kind: "test.once" });
    await expectProblem(await call(`/api/v1/jobs/${job.id}`, { token: b.token }), 404);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST", token: b.token }), 404);
    expect((await expectJson(await client(b.token).api.v1.jobs.$get({ query: {} }), 200)).items).toHaveLength(0);
    const reader = await createKey(a.tenant.id, ["jobs:read"]);
    await expectJson(await client(reader.key).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST", token: reader.key }), 403);
    await expectProblem(await call(`/api/v1/jobs/${job.id}`), 401);
    await expectProblem(await call(`/api/v1/jobs/not-a-job`, { token: a.token }), 422);
    await expectProblem(await call(`/api/v1/jobs?cursor=zzz`, { token: a.token }), 400);
  });
});
