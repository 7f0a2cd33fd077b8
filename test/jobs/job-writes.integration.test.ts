// A dataset job's write-back through the DatasetObject's RPC (records/job-writes.ts): each
// record gets its new version only if it is still at the version the job read, small and
// large (R2) records alike, in one transaction per batch key; a replayed key writes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDataset, newTenant } from "../helpers/api";
import { allRecords } from "../imports/helpers";
import { datasetStub, postBatch, rawRow } from "../records/helpers";
import { preparedWrite as prepared } from "./helpers";

describe("job write-back (applyJobWrites)", () => {
  it("writes records still at the version read, leaves the others, and replays a batch key as a no-op", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    // Forty small records (several multi-row statements) and one whose new version goes to R2.
    const recs = await postBatch(
      token,
      ds.id,
      Array.from({ length: 41 }, (_, i) => ({ i })),
    );
    const ref = { tenantId: tenant.id, datasetId: ds.id };
    const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
    const big = { i: 40, pad: "y".repeat(300_000) };
    const items = await Promise.all(recs.map((r, i) => prepared(r.id, 1, i === 40 ? big : { i, done: true })));
    // Record 3 is read at a version it is not at: a conflict, left as it is.
    items[3] = await prepared(recs[3].id, 7, { i: 3, done: true });
    const audit = { action: "record.anonymize", resource: { dataset_id: ds.id, job_id: "job_test" }, details: {} };
    const stub = datasetStub(tenant.id, ds.id);
    const first = await stub.applyJobWrites(ref, scope, { key: "job_test:0:0", audit, items, counts: { items: 41 } });
    expect(first).toMatchObject({ ok: true, value: { written: 40, conflicts: 1, replayed: false } });
    const again = await stub.applyJobWrites(ref, scope, { key: "job_test:0:0", audit, items, counts: { items: 41 } });
    expect(again).toMatchObject({ ok: true, value: { written: 40, conflicts: 1, replayed: true } });

    const after = await allRecords(token, ds.id);
    for (const [i, r] of after.entries()) {
      const version = (r as unknown as { version: number }).version;
      if (i === 3) {
        expect(r.data).toEqual({ i: 3 });
        expect(version).toBe(1);
      } else {
        expect(r.data).toEqual(i === 40 ? big : { i, done: true });
        expect(version).toBe(2);
        expect(r.sha256).toBe(items[i].sha256);
      }
    }
    const large = await rawRow(tenant.id, ds.id, recs[40].id);
    expect(large.blob_key).not.toBeNull();
    expect(large.ciphertext).toBeNull();
    await (await env.BLOBS.get(large.blob_key!))?.arrayBuffer();
  });
});
