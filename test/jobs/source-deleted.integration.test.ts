// A dataset job whose source dataset is soft-deleted or purged while it runs, through the real queue: the job ends
// `failed` with a `dataset-deleted` problem saying so, writes nothing more (a scan keeps no report or part, an
// anonymize job writes no new version and removes the target it created, a re-encrypt retires no key), and
// delivering its messages again changes none of that; a retry, which would fail the same way, is refused (409).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scanPrefix } from "../../src/shared/jobs/types/pii-scan";
import { listKeys } from "../../src/shared/jobs/types/sealed-json";
import type { JobMessage } from "../../src/shared/queue/messages";
import { logs } from "../audit/helpers";
import { call, createDataset, expectProblem } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { deliver, keepingProducer } from "../helpers/queue";
import { inObject } from "../records/helpers";
import { runJob, sourceOfPeople } from "./helpers";

type Removal = "soft-delete" | "purge";

/**
 * A runJob hook that removes the dataset through the API under the third D1 batch, the first chunk's
 * compare-and-set (after that chunk did its work); `seen` then holds what `snapshot` returned at that moment.
 */
function removeUnderFirstChunk<T>(token: string, datasetId: string, how: Removal, snapshot?: () => Promise<T>) {
  const state: { removed: boolean; seen?: T } = { removed: false };
  return {
    state,
    async hook(n: number) {
      if (n !== 3 || state.removed) return;
      state.removed = true;
      const res = await call(`/api/v1/datasets/${datasetId}${how === "purge" ? "?purge=true" : ""}`, {
        method: "DELETE",
        token,
      });
      expect(res.status).toBe(how === "purge" ? 200 : 204);
      await res.body?.cancel();
      if (snapshot) state.seen = await snapshot();
    },
  };
}

/** GET /jobs/{id}: it failed, saying the dataset was deleted. */
async function expectDeletedFailure(token: string, jobId: string, datasetId: string) {
  const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  expect(done.status).toBe("failed");
  expect(done.error).toBe(
    `dataset-deleted: Dataset ${datasetId} was deleted while the job ran; the job stopped and wrote nothing more.`,
  );
  expect(done.ranges.every((r) => r.status === "failed" || r.status === "done")).toBe(true);
  return done;
}

/** Delivers a start, a chunk of range 0 and a finish message of the job again; the job must not change. */
async function redeliverAll(token: string, tenantId: string, jobId: string) {
  const before = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  const { JOBS } = keepingProducer();
  const e = { ...env, JOBS } as unknown as Env;
  const base = { job_id: jobId, tenant_id: tenantId };
  const msgs: JobMessage[] = [
    { type: "job.chunk", ...base, cursor: null },
    { type: "job.chunk", ...base, cursor: null, range: 0 },
    { type: "job.finish", ...base },
  ];
  for (const m of msgs) await deliver(e, m);
  const after = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  expect(after).toEqual(before);
  const finished = await logs(token, { action: "job.finish" });
  expect(finished.items.filter((ev) => ev.resource.job_id === jobId)).toHaveLength(1);
}

/** POST /jobs/{id}/retry: a retry would fail the same way, so it is refused with 409 saying why, and the job stays as it was. */
async function retryRefused(jobId: string, token: string, datasetId: string) {
  const before = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  const problem = await expectProblem(await call(`/api/v1/jobs/${jobId}/retry`, { method: "POST", token }), 409);
  expect(problem.detail).toContain(`dataset ${datasetId} was deleted`);
  const after = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  expect(after).toEqual(before);
  await expectDeletedFailure(token, jobId, datasetId);
}

/** Record rows of the dataset's object at a version above 1 (written by an in-place anonymize). */
const rewritten = (tenantId: string, datasetId: string) =>
  inObject(
    tenantId,
    datasetId,
    (sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM records WHERE version > 1").one().n,
  );

describe("a dataset job whose dataset is deleted while it runs", () => {
  for (const how of ["soft-delete", "purge"] as const)
    it(`pii-scan (${how}): fails saying so, keeps no report or part, and redelivery changes nothing`, async () => {
      const { token, tenant, ds } = await sourceOfPeople();
      const removal = removeUnderFirstChunk(token, ds.id, how);
      const params = { type: "pii-scan", samples: 5 };
      const job = await runJob(tenant.id, { kind: "pii-scan", datasetId: ds.id, params }, "twice", removal.hook, 500);
      expect(removal.state.removed).toBe(true);
      await expectDeletedFailure(token, job.id, ds.id);
      // The dataset is gone, so is anything about its records: 404 like the dataset.
      await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token }), 404);
      expect(await listKeys(env.BLOBS, scanPrefix({ tenantId: tenant.id, datasetId: ds.id }, job.id))).toEqual([]);
      await redeliverAll(token, tenant.id, job.id);
      await retryRefused(job.id, token, ds.id);
    });

  it("anonymize in place (soft-delete): no record gets a new version after the delete", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const removal = removeUnderFirstChunk(token, ds.id, "soft-delete", () => rewritten(tenant.id, ds.id));
    const params = { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "redact" } } };
    const job = await runJob(tenant.id, { kind: "anonymize", datasetId: ds.id, params }, "twice", removal.hook, 500);
    expect(removal.state.removed).toBe(true);
    await expectDeletedFailure(token, job.id, ds.id);
    // The chunks before the delete wrote; nothing was written after it.
    const seen = removal.state.seen!;
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(1500);
    expect(await rewritten(tenant.id, ds.id)).toBe(seen);
    await redeliverAll(token, tenant.id, job.id);
    expect(await rewritten(tenant.id, ds.id)).toBe(seen);
  });

  it("anonymize into a target it created (purge): the target is removed as a cancel removes it, audited", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const target = await createDataset(token);
    const removal = removeUnderFirstChunk(token, ds.id, "purge");
    const params = {
      type: "anonymize",
      target: { dataset_name: target.name },
      target_dataset_id: target.id,
      created_dataset_id: target.id,
      operators: { EMAIL: { type: "redact" } },
    };
    const job = await runJob(tenant.id, { kind: "anonymize", datasetId: ds.id, params }, "twice", removal.hook, 500);
    expect(removal.state.removed).toBe(true);
    await expectDeletedFailure(token, job.id, ds.id);
    await expectProblem(await call(`/api/v1/datasets/${target.id}`, { token }), 404);
    // What the first chunk staged in the target was discarded; nothing was committed.
    const left = await inObject(tenant.id, target.id, (sql) => ({
      records: sql.exec<{ n: number }>("SELECT count(*) AS n FROM records").one().n,
      staged: sql.exec<{ n: number }>("SELECT count(*) AS n FROM import_staging").one().n,
    }));
    expect(left).toEqual({ records: 0, staged: 0 });
    const events = await logs(token, { action: "dataset.delete", dataset_id: target.id });
    expect(events.items.map((ev) => [ev.actor, ev.outcome, ev.details])).toEqual([
      ["system", "success", { reason: "job_failed", job_id: job.id }],
    ]);
    expect((await logs(token, { action: "record.anonymize", dataset_id: target.id })).items).toHaveLength(0);
    await redeliverAll(token, tenant.id, job.id);
  });

  it("re-encrypt (soft-delete): fails saying so and retires no key version", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const removal = removeUnderFirstChunk(token, ds.id, "soft-delete");
    const params = { type: "re-encrypt", destroy_retired: true };
    const job = await runJob(tenant.id, { kind: "re-encrypt", datasetId: ds.id, params }, "twice", removal.hook, 500);
    expect(removal.state.removed).toBe(true);
    await expectDeletedFailure(token, job.id, ds.id);
    const keys = await env.DB.prepare(
      "SELECT version, retired_at FROM dataset_keys WHERE dataset_id = ? ORDER BY version",
    )
      .bind(ds.id)
      .all<{ version: number; retired_at: string | null }>();
    expect(keys.results).toEqual([
      { version: 1, retired_at: null },
      { version: 2, retired_at: null },
    ]);
    await redeliverAll(token, tenant.id, job.id);
  });
});
