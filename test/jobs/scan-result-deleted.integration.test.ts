// A PII scan's report names the dataset's records and where they hold PII, so it lives and dies with the dataset:
// after a soft DELETE, GET /jobs/{id}/result answers 404 like the dataset; a purge deletes the sealed reports (and
// their parts) from R2 together with the record blobs.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { reportKey } from "../../src/shared/jobs/types/pii-scan";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { waitForJob } from "../imports/helpers";
import { postAll, startJob } from "./helpers";

const keysUnder = async (prefix: string) => (await env.BLOBS.list({ prefix })).objects.map((o) => o.key);

describe("a scan's result once its dataset is deleted", () => {
  it("answers 404 after a soft delete, and the purge deletes the sealed report from R2", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const other = await createDataset(token);
    await postAll(token, ds.id, [{ email: "maria.garcia@example.com", big: "x".repeat(300_000) }, { n: 1 }]);
    await postAll(token, other.id, [{ email: "john@example.org" }]);
    const scanned = await Promise.all(
      [ds.id, other.id].map(async (id) => waitForJob(token, (await startJob(token, id, { type: "pii-scan" })).id)),
    );
    expect(scanned.map((j) => j.status)).toEqual(["succeeded", "succeeded"]);
    const [job, otherJob] = scanned;
    const ref = { tenantId: tenant.id, datasetId: ds.id };
    expect((await call(`/api/v1/jobs/${job.id}/result`, { token })).status).toBe(200);
    expect(await env.BLOBS.head(reportKey(ref, job.id))).not.toBeNull();

    expect((await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token })).status).toBe(204);
    const gone = await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token }), 404);
    expect(JSON.stringify(gone)).not.toContain("rec_");
    // Another dataset's scan is untouched.
    expect((await call(`/api/v1/jobs/${otherJob.id}/result`, { token })).status).toBe(200);

    expect((await call(`/api/v1/datasets/${ds.id}?purge=true`, { method: "DELETE", token })).status).toBe(204);
    expect(await keysUnder(`pii-scans/${tenant.id}/${ds.id}/`)).toEqual([]);
    expect(await keysUnder(`records/${tenant.id}/${ds.id}/`)).toEqual([]);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token }), 404);
    // The other dataset's report stays.
    expect(await env.BLOBS.head(reportKey({ tenantId: tenant.id, datasetId: other.id }, otherJob.id))).not.toBeNull();
    expect((await call(`/api/v1/jobs/${otherJob.id}/result`, { token })).status).toBe(200);
  });
});
