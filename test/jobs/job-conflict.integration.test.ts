// Jobs that rewrite their dataset (re-encrypt, anonymize in place) do not run two at once: while one is queued or
// running, POST /datasets/{id}/jobs refuses another with 409 `job-conflict` naming it. Scans and anonymizing into
// another dataset only read the source and start freely; other datasets and a finished job do not block.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REWRITES_DATASET } from "../../src/shared/jobs/dataset-jobs";
import { createJob } from "../../src/shared/jobs/service";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { keepingProducer } from "../helpers/queue";
import { postAll } from "./helpers";

const jobsPath = (datasetId: string) => `/api/v1/datasets/${datasetId}/jobs`;
const REENCRYPT = { type: "re-encrypt" };
const IN_PLACE = { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "redact" } } };

/** Creates a job whose messages are kept, never delivered: it stays queued until cancelled. */
async function heldJob(tenantId: string, datasetId: string, params: Record<string, unknown>) {
  const e = { ...env, JOBS: keepingProducer().JOBS } as unknown as Env;
  const kind = params.type as string;
  return createJob(e, { tenantId, actor: "test", requestId: null, clientIp: null }, { kind, datasetId, params });
}

async function expectJobConflict(res: Response, runningId: string) {
  const problem = await expectProblem(res, 409);
  expect(problem.type).toBe("https://llm-data-vault.dev/problems/job-conflict");
  expect(problem.running_job_id).toBe(runningId);
  expect(problem.detail).toContain(runningId);
}

describe("rewriting jobs of one dataset", () => {
  it("a queued re-encrypt refuses another re-encrypt and an in-place anonymize, not a scan or a copy", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const other = await createDataset(token);
    await postAll(token, ds.id, [{ email: "a@example.com" }]);
    const held = await heldJob(tenant.id, ds.id, { type: "re-encrypt", destroy_retired: false });

    await expectJobConflict(await call(jobsPath(ds.id), { token, body: REENCRYPT }), held.id);
    await expectJobConflict(await call(jobsPath(ds.id), { token, body: IN_PLACE }), held.id);
    // Nothing was created for the refused requests.
    const listed = (await (await call(jobsPath(ds.id), { token })).json()) as { items: { id: string }[] };
    expect(listed.items.map((j) => j.id)).toEqual([held.id]);

    expect((await call(jobsPath(ds.id), { token, body: { type: "pii-scan" } })).status).toBe(202);
    const copy = { ...IN_PLACE, target: { dataset_name: `copy-${crypto.randomUUID().slice(0, 8)}` } };
    expect((await call(jobsPath(ds.id), { token, body: copy })).status).toBe(202);
    expect((await call(jobsPath(other.id), { token, body: REENCRYPT })).status).toBe(202);

    // Once the held job is cancelled the dataset takes a rewriting job again.
    expect((await call(`/api/v1/jobs/${held.id}/cancel`, { token, method: "POST" })).status).toBe(200);
    expect((await call(jobsPath(ds.id), { token, body: REENCRYPT })).status).toBe(202);
  });

  it("a queued in-place anonymize refuses a re-encrypt and another in-place anonymize", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const held = await heldJob(tenant.id, ds.id, { ...IN_PLACE });
    await expectJobConflict(await call(jobsPath(ds.id), { token, body: REENCRYPT }), held.id);
    await expectJobConflict(await call(jobsPath(ds.id), { token, body: IN_PLACE }), held.id);
  });

  it("a failed re-encrypt is not retried while an in-place anonymize is queued on the dataset", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const failed = await heldJob(tenant.id, ds.id, { type: "re-encrypt", destroy_retired: false });
    // As the consumer leaves a job whose chunk failed for good.
    await env.DB.prepare("UPDATE jobs SET status = 'failed', error = 'x', finished_at = updated_at WHERE id = ?")
      .bind(failed.id)
      .run();
    const held = await heldJob(tenant.id, ds.id, { ...IN_PLACE });
    await expectJobConflict(await call(`/api/v1/jobs/${failed.id}/retry`, { token, method: "POST" }), held.id);
    const still = await env.DB.prepare("SELECT status FROM jobs WHERE id = ?")
      .bind(failed.id)
      .first<{ status: string }>();
    expect(still?.status).toBe("failed");
    // Once the other job is cancelled the retry goes ahead.
    expect((await call(`/api/v1/jobs/${held.id}/cancel`, { token, method: "POST" })).status).toBe(200);
    expect((await call(`/api/v1/jobs/${failed.id}/retry`, { token, method: "POST" })).status).toBe(200);
  });

  it("of three rewriting jobs created at once, exactly one is created; the others get job-conflict", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    // Kept messages: every created job stays queued, so a second one could only come from a lost race.
    const e = { ...env, JOBS: keepingProducer().JOBS } as unknown as Env;
    const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
    const create = (params: Record<string, unknown>) =>
      createJob(e, scope, {
        kind: params.type as string,
        datasetId: ds.id,
        params,
        exclusiveWith: REWRITES_DATASET,
      });
    const settled = await Promise.allSettled([create(REENCRYPT), create(IN_PLACE), create(REENCRYPT)]);
    const created = settled.filter((s) => s.status === "fulfilled").map((s) => s.value);
    expect(created.length).toBe(1);
    for (const s of settled.filter((s) => s.status === "rejected"))
      expect(s.reason).toMatchObject({
        status: 409,
        slug: "job-conflict",
        extensions: { running_job_id: created[0].id },
      });
    const rows = await env.DB.prepare("SELECT id FROM jobs WHERE dataset_id = ?").bind(ds.id).all<{ id: string }>();
    expect(rows.results.map((r) => r.id)).toEqual([created[0].id]);
    expect((await call(jobsPath(ds.id), { token })).status).toBe(200);
  });
});
