// What a fresh user's attack pass on 2026-11-30 found, each kept fixed through the real API and queue: a pii-scan
// after re-encrypt with destroy_retired still runs and compares; a tenant key cannot cancel the operator's
// rewrap-tenant job; a scan report names no PII held in member names; DELETE /datasets/{id} honours If-Match; a
// scope a job's type needs is refused with an audited auth.scope_denied, like a route's.
import { describe, expect, it } from "vitest";
import { call, createDataset, createKey, expectProblem, newTenant, OPERATOR } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { waitForJob } from "../imports/helpers";
import { auditEvents } from "../records/helpers";

const startJob = (token: string, datasetId: string, body: Record<string, unknown>) =>
  call(`/api/v1/datasets/${datasetId}/jobs`, { token, body });

async function runToEnd(token: string, datasetId: string, body: Record<string, unknown>) {
  const res = await startJob(token, datasetId, body);
  expect(res.status).toBe(202);
  const job = (await res.json()) as { id: string };
  return waitForJob(token, job.id);
}

const result = async (token: string, jobId: string) =>
  expectJson(await client(token).api.v1.jobs[":id"].result.$get({ param: { id: jobId } }), 200);

describe("findings of the new-user pass", () => {
  it("a pii-scan after re-encrypt with destroy_retired succeeds and compares with the scan before it", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: { email: "a.person@example.com" } } });
    const first = await runToEnd(token, ds.id, { type: "pii-scan" });
    expect(first.status).toBe("succeeded");
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const reenc = await runToEnd(token, ds.id, { type: "re-encrypt", destroy_retired: true });
    expect(reenc.status).toBe("succeeded");
    expect(reenc.progress).toMatchObject({ destroyed_versions: 1, resealed_documents: 1 });
    // The first scan's report was re-sealed under the new key before the old one was destroyed.
    expect((await result(token, first.id)).result.records_scanned).toBe(1);
    const second = await runToEnd(token, ds.id, { type: "pii-scan" });
    expect(second.status).toBe("succeeded");
    const report = (await result(token, second.id)).result;
    expect(report.compared_with).toMatchObject({ job_id: first.id });
  });

  it("only the operator cancels a rewrap-tenant job: a tenant key gets 403, the operator's cancel works", async () => {
    const { tenant, token } = await newTenant();
    const started = await call(`/api/v1/tenants/${tenant.id}/jobs`, {
      headers: OPERATOR,
      body: { type: "rewrap-tenant", rotate_kek: true },
    });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string };
    await expectProblem(await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST", token }), 403);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/retry`, { method: "POST", token }), 403);
    const cancel = await call(`/api/v1/tenants/${tenant.id}/jobs/${job.id}/cancel`, {
      method: "POST",
      headers: OPERATOR,
    });
    // Queued or running: cancelled; already finished (the queue is fast): 409. Never the tenant's doing.
    expect([200, 409]).toContain(cancel.status);
    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/tenants/${other.tenant.id}/jobs/${job.id}/cancel`, { method: "POST", headers: OPERATOR }),
      404,
    );
    const denied = (await auditEvents(tenant.id)).filter((e) => e.action === "job.cancel");
    expect(denied.every((e) => e.actor === "operator")).toBe(true);
  });

  it("a scan report names no PII that a record holds in its member names", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const data = { by_email: { "alice.smith@corp.com": { ssn: "536-22-8471" } }, by_phone: { "4155550132": "call" } };
    await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data } });
    const job = await runToEnd(token, ds.id, { type: "pii-scan" });
    expect(job.status).toBe("succeeded");
    const text = JSON.stringify(await result(token, job.id));
    expect(text).toContain("$.by_email[<key>].ssn");
    for (const value of ["alice.smith@corp.com", "alice", "4155550132", "536-22-8471"])
      expect(text).not.toContain(value);
  });

  it("DELETE /datasets/{id} with a stale or wrong If-Match is 412 and deletes nothing; the current ETag deletes", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const got = await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } });
    await expectJson(got, 200);
    const etag = got.headers.get("etag")!;
    const del = (ifMatch: string, purge = false) =>
      call(`/api/v1/datasets/${ds.id}${purge ? "?purge=true" : ""}`, {
        method: "DELETE",
        token,
        headers: { "If-Match": ifMatch },
      });
    await expectProblem(await del('"definitely-wrong"'), 412);
    await expectProblem(await del('"definitely-wrong"', true), 412);
    await call(`/api/v1/datasets/${ds.id}`, {
      method: "PUT",
      token,
      headers: { "If-Match": etag },
      body: { description: "changed" },
    });
    await expectProblem(await del(etag), 412);
    expect((await call(`/api/v1/datasets/${ds.id}`, { token })).status).toBe(200);
    const now = (await call(`/api/v1/datasets/${ds.id}`, { token })).headers.get("etag")!;
    // Another tenant's key with the right ETag: 404, like a missing dataset; nothing is deleted.
    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token: other.token, headers: { "If-Match": now } }),
      404,
    );
    expect((await del(now)).status).toBe(204);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token }), 404);
    // A soft-deleted dataset has no ETag left: a purge with the old If-Match still goes through.
    expect((await del(now, true)).status).toBe(204);
  });

  it("a job type's scope is refused with 403 and an audited auth.scope_denied, like a route's scope", async () => {
    const { tenant, token } = await newTenant();
    const ds = await createDataset(token);
    const limited = await createKey(tenant.id, ["jobs:write", "datasets:write"]);
    await expectProblem(await startJob(limited.key, ds.id, { type: "re-encrypt" }), 403);
    await expectProblem(await startJob(limited.key, ds.id, { type: "pii-scan" }), 403);
    const denied = (await auditEvents(tenant.id)).filter((e) => e.action === "auth.scope_denied");
    expect(denied.map((e) => [e.outcome, e.details])).toEqual([
      ["denied", { scope: "crypto:admin", job_type: "re-encrypt" }],
      ["denied", { scope: "pii:detect", job_type: "pii-scan" }],
    ]);
  });
});
