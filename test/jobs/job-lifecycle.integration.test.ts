// How dataset jobs end: a scan that finds SECRETS is audited (job.finish) like any other, and a
// finish whose details the audit refuses still writes its event; a retry that cannot change the
// outcome (the anonymize target is gone) answers 409, and a retried job with no failed range runs
// its finish again instead of staying `running`; a tenant suspended mid-job stops the job.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerKind } from "../../src/shared/jobs/run";
import { createJob } from "../../src/shared/jobs/service";
import { logs } from "../audit/helpers";
import { call, createDataset, expectProblem, newTenant, OPERATOR } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { postAll, runJob, startJob, userEmails } from "./helpers";

const jobOf = async (token: string, id: string) =>
  expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id } }), 200);
const scopeOf = (tenantId: string) => ({ tenantId, actor: "test", requestId: null, clientIp: null });

// A kind whose counter is named like a secret field: the audit refuses such details.
registerKind("test.secret-counter", {
  chunk: async () => ({ next: null, progress: { items: 1, password_resets: 2 } }),
});
// A kind whose finish fails until `finishHeals` is set: every range is done, only the finish failed.
let finishHeals = false;
registerKind("test.finish-fails", {
  chunk: async () => ({ next: null, progress: { items: 3 } }),
  finish: async () => (finishHeals ? { status: "succeeded" } : { status: "failed", error: "the commit failed" }),
});

describe("job lifecycle", () => {
  it("a scan that finds SECRETS writes its job.finish event, the counts by entity type as values", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, [{ t: "token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB" }, { e: "a@example.com" }]);
    const job = await waitForJob(token, (await startJob(token, ds.id, { type: "pii-scan" })).id);
    expect(job.status).toBe("succeeded");
    expect(job.progress["findings.SECRETS"]).toBeGreaterThanOrEqual(1);
    const finishes = await logs(token, { action: "job.finish", resource_id: job.id });
    expect(finishes.items).toHaveLength(1);
    const details = finishes.items[0].details as { by_type: { type: string; findings: number }[]; counters: object };
    expect(details.by_type).toContainEqual(
      expect.objectContaining({ type: "SECRETS", findings: job.progress["findings.SECRETS"] }),
    );
    expect(details.counters).toMatchObject({ records_scanned: 2 });
    expect(JSON.stringify(finishes.items[0])).not.toContain("ghp_");
  });

  it("a finish whose details the audit refuses still writes job.finish, without them, and says so", async () => {
    const { tenant, token } = await newTenant();
    const job = await runJob(tenant.id, { kind: "test.secret-counter", datasetId: null, params: {} }, "twice");
    expect((await jobOf(token, job.id)).status).toBe("succeeded");
    const finishes = await logs(token, { action: "job.finish", resource_id: job.id });
    expect(finishes.items).toHaveLength(1);
    expect(finishes.items[0].details).toMatchObject({ kind: "test.secret-counter", status: "succeeded" });
    expect(String(finishes.items[0].details.audit_note)).toMatch(/^details withheld: .*password_resets/);
  });

  it("a retry of a job whose anonymize target was deleted answers 409 and leaves the job failed", async () => {
    const { tenant, token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, userEmails(1200));
    const target = await createDataset(token);
    const params = {
      type: "anonymize",
      target: { dataset_name: target.name },
      target_dataset_id: target.id,
      operators: { EMAIL: { type: "redact" } },
    };
    const job = await runJob(
      tenant.id,
      { kind: "anonymize", datasetId: ds.id, params },
      "once",
      async (n) => {
        if (n === 2)
          expect((await call(`/api/v1/datasets/${target.id}`, { method: "DELETE", token })).status).toBe(204);
      },
      500,
    );
    const failed = await jobOf(token, job.id);
    expect(failed.status).toBe("failed");
    expect(failed.ranges.every((r) => r.status === "done")).toBe(true);
    const problem = await expectProblem(await call(`/api/v1/jobs/${job.id}/retry`, { method: "POST", token }), 409);
    expect(problem.detail).toContain(`target dataset ${target.id} was deleted`);
    expect((await jobOf(token, job.id)).status).toBe("failed");
    expect(await logs(token, { action: "job.retry", resource_id: job.id })).toMatchObject({ items: [] });
  });

  it("a retried job whose ranges all got through runs its finish again and ends, audited once per run", async () => {
    const { tenant, token } = await newTenant();
    finishHeals = false;
    const job = await createJob(env, scopeOf(tenant.id), { kind: "test.finish-fails" });
    const failed = await waitForJob(token, job.id);
    expect(failed.status).toBe("failed");
    expect(failed.ranges.map((r) => r.status)).toEqual(["done"]);
    finishHeals = true;
    await expectJson(await client(token).api.v1.jobs[":id"].retry.$post({ param: { id: job.id } }), 200);
    const done = await waitForJob(token, job.id);
    expect(done.status).toBe("succeeded");
    expect(done.progress.items).toBe(3);
    const finishes = await logs(token, { action: "job.finish", resource_id: job.id, order: "asc" });
    expect(finishes.items.map((e) => e.details.status)).toEqual(["failed", "succeeded"]);
  });

  it("a tenant suspended while an in-place anonymize runs stops the job at its next chunk", async () => {
    const { tenant, token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, userEmails(1000));
    const params = { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "redact" } } };
    let suspendedAt = 0;
    const job = await runJob(
      tenant.id,
      { kind: "anonymize", datasetId: ds.id, params },
      "once",
      async (n) => {
        if (n !== 2) return;
        suspendedAt = n;
        const res = await call(`/api/v1/tenants/${tenant.id}`, {
          method: "PATCH",
          headers: OPERATOR,
          body: { status: "suspended" },
        });
        expect(res.status).toBe(200);
      },
      100,
    );
    expect(suspendedAt).toBe(2);
    const row = await env.DB.prepare("SELECT status, error FROM jobs WHERE id = ?")
      .bind(job.id)
      .first<{ status: string; error: string }>();
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/^tenant-suspended: /);
    const reactivate = { method: "PATCH", headers: OPERATOR, body: { status: "active" } };
    expect((await call(`/api/v1/tenants/${tenant.id}`, reactivate)).status).toBe(200);
    // Only what landed before the suspension was written: the first chunk's 100 records.
    const versions = (await allRecords(token, ds.id)).map((r) => (r as unknown as { version: number }).version);
    expect(versions.filter((v) => v === 2)).toHaveLength(100);
    expect(versions.filter((v) => v === 1)).toHaveLength(900);
  });
});
