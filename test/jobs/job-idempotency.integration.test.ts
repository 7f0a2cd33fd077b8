// Idempotency-Key on POST /datasets/{id}/jobs, as on record POSTs: a retried request gets the job the first one
// created (Idempotent-Replayed: true) and creates nothing; concurrent copies create one job; the same key with
// another request is a 422; a request that was refused gives its key up, so a later retry starts the job.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJob } from "../../src/shared/jobs/service";
import { logs } from "../audit/helpers";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { keepingProducer } from "../helpers/queue";

const jobsPath = (datasetId: string) => `/api/v1/datasets/${datasetId}/jobs`;

/** The dataset's jobs, straight from D1. */
async function jobIds(datasetId: string) {
  const rows = await env.DB.prepare("SELECT id FROM jobs WHERE dataset_id = ? ORDER BY id").bind(datasetId).all();
  return rows.results.map((r) => r.id as string);
}

describe("Idempotency-Key on POST /datasets/{id}/jobs", () => {
  it("a retried request returns the first job and creates no other", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const first = await call(jobsPath(ds.id), { token, headers, body: { type: "pii-scan", samples: 3 } });
    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const job = (await first.json()) as { id: string };
    // The same request, members in another order.
    const again = await call(jobsPath(ds.id), { token, headers, body: { samples: 3, type: "pii-scan" } });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    expect(((await again.json()) as { id: string }).id).toBe(job.id);
    expect(await jobIds(ds.id)).toEqual([job.id]);
    const created = await logs(token, { action: "job.create", dataset_id: ds.id });
    expect(created.items).toHaveLength(1);

    const reused = await expectProblem(
      await call(jobsPath(ds.id), { token, headers, body: { type: "pii-scan", samples: 4 } }),
      422,
    );
    expect(reused.type).toBe("https://llm-data-vault.dev/problems/idempotency-key-reused");
    expect(await jobIds(ds.id)).toEqual([job.id]);
  });

  it("concurrent copies of a request create one job", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": "scan-" + crypto.randomUUID() };
    const answers = await Promise.all(
      [1, 2, 3].map(() => call(jobsPath(ds.id), { token, headers, body: { type: "pii-scan" } })),
    );
    const ids = await jobIds(ds.id);
    expect(ids).toHaveLength(1);
    for (const res of answers) {
      // A copy that arrives while the first is still creating its job is told to retry (409), never given another.
      if (res.status === 409) await expectProblem(res, 409);
      else {
        expect(res.status).toBe(202);
        expect(((await res.json()) as { id: string }).id).toBe(ids[0]);
      }
    }
    expect(answers.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
  });

  it("a request refused with job-conflict gives its key up: the retry after the conflict starts the job", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const e = { ...env, JOBS: keepingProducer().JOBS } as unknown as Env;
    const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
    const held = await createJob(e, scope, { kind: "re-encrypt", datasetId: ds.id, params: { type: "re-encrypt" } });
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    await expectProblem(await call(jobsPath(ds.id), { token, headers, body: { type: "re-encrypt" } }), 409);
    expect((await call(`/api/v1/jobs/${held.id}/cancel`, { token, method: "POST" })).status).toBe(200);
    const retried = await call(jobsPath(ds.id), { token, headers, body: { type: "re-encrypt" } });
    expect(retried.status).toBe(202);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    const job = (await retried.json()) as { id: string };
    expect(job.id).not.toBe(held.id);
    expect(await jobIds(ds.id)).toEqual([held.id, job.id].sort());
  });
});
