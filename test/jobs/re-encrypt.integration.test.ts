// The re-encrypt dataset job through the real queue: every record (R2 blobs too) moves to
// the newest DEK with its content byte for byte; older versions are retired and, with
// destroy_retired, their wrapped keys deleted, so a ciphertext copied before cannot be
// opened with what is left; redelivery writes each batch once; scopes and tenants hold.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { datasetKeyRow, unwrapDatasetKey } from "../../src/shared/crypto/dataset-keys";
import { openRecord } from "../../src/shared/records/cipher";
import { logs } from "../audit/helpers";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { inObject, postBatch, rawRow } from "../records/helpers";
import { runJob, startJob } from "./helpers";

describe("re-encrypt job", () => {
  it("moves every record and blob to the newest DEK, retires and destroys the older ones", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const recs = await postBatch(token, ds.id, [{ a: 1 }, { b: "two" }, { big: "x".repeat(300_000) }]);
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    await postBatch(token, ds.id, [{ c: "after rotation" }]);
    const before = await allRecords(token, ds.id);

    // Copies of ciphertexts sealed under version 1, taken before the job.
    const small = await rawRow(tenant.id, ds.id, recs[0].id);
    const large = await rawRow(tenant.id, ds.id, recs[2].id);
    expect(small.key_version).toBe(1);
    expect(large.blob_key).not.toBeNull();
    const smallCopy = new Uint8Array(small.ciphertext!.slice(0));
    const largeCopy = new Uint8Array(await (await env.BLOBS.get(large.blob_key!))!.arrayBuffer());

    const started = await startJob(token, ds.id, { type: "re-encrypt", destroy_retired: true });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({
      items: 4,
      reencrypted: 3,
      already_current: 1,
      skipped: 0,
      target_version: 2,
      retired_versions: 1,
      destroyed_versions: 1,
    });

    // Same records, same bytes, all under version 2; the old blob is gone.
    expect(await allRecords(token, ds.id)).toEqual(before);
    const rows = await inObject(tenant.id, ds.id, (sql) =>
      sql.exec<{ key_version: number; version: number }>("SELECT key_version, version FROM records").toArray(),
    );
    expect(rows.every((r) => r.key_version === 2 && r.version === 1)).toBe(true);
    expect(await env.BLOBS.head(large.blob_key!)).toBeNull();
    const keys = await env.DB.prepare("SELECT version FROM dataset_keys WHERE dataset_id = ?")
      .bind(ds.id)
      .all<{ version: number }>();
    expect(keys.results.map((k) => k.version)).toEqual([2]);

    // What is left cannot open the copies: version 1 is gone, version 2 does not fit.
    await expect(datasetKeyRow(env.DB, tenant.id, ds.id, 1)).rejects.toMatchObject({ status: 404 });
    const v2 = await unwrapDatasetKey(env, await datasetKeyRow(env.DB, tenant.id, ds.id, 2));
    for (const [copy, id] of [
      [smallCopy, recs[0].id],
      [largeCopy, recs[2].id],
    ] as const) {
      await expect(
        openRecord(v2, { tenantId: tenant.id, datasetId: ds.id, recordId: id, version: 1 }, copy),
      ).rejects.toMatchObject({ slug: "decryption-failed" });
    }
    const audit = await logs(token, { action: "record.reencrypt", dataset_id: ds.id });
    expect(audit.items.map((e) => e.details.reencrypted)).toEqual([3]);
  });

  it("without destroy_retired keeps the retired keys, and a ciphertext copied before still opens", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const [rec] = await postBatch(token, ds.id, [{ keep: true }]);
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const copy = new Uint8Array((await rawRow(tenant.id, ds.id, rec.id)).ciphertext!.slice(0));
    const started = await startJob(token, ds.id, { type: "re-encrypt" });
    const job = await waitForJob(token, started.id);
    expect(job.progress).toMatchObject({ reencrypted: 1, retired_versions: 1, destroyed_versions: 0 });
    const keys = await env.DB.prepare(
      "SELECT version, retired_at FROM dataset_keys WHERE dataset_id = ? ORDER BY version",
    )
      .bind(ds.id)
      .all<{ version: number; retired_at: string | null }>();
    expect(keys.results.map((k) => [k.version, k.retired_at !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
    const v1 = await unwrapDatasetKey(env, await datasetKeyRow(env.DB, tenant.id, ds.id, 1));
    expect(await openRecord(v1, { tenantId: tenant.id, datasetId: ds.id, recordId: rec.id, version: 1 }, copy)).toBe(
      '{"keep":true}',
    );
  });

  it("delivering every message twice re-seals each batch once with one audit event each", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    for (let i = 0; i < 3; i++)
      await postBatch(
        token,
        ds.id,
        Array.from({ length: 500 }, (_, j) => ({ i, j })),
      );
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const job = await runJob(
      tenant.id,
      { kind: "re-encrypt", datasetId: ds.id, params: { type: "re-encrypt", destroy_retired: false } },
      "twice",
      undefined,
      1000,
    );
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ items: 1500, reencrypted: 1500, already_current: 0 });
    const audit = await logs(token, { action: "record.reencrypt", dataset_id: ds.id, limit: 100 });
    expect(audit.items.map((e) => e.details.reencrypted).sort()).toEqual([1000, 500]);
  });

  it("bounds a chunk by bytes: 12 records of 1 MB re-seal in chunks of at most 8 MiB", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    for (let i = 0; i < 3; i++)
      await postBatch(
        token,
        ds.id,
        Array.from({ length: 4 }, (_, j) => ({ n: i * 4 + j, pad: "x".repeat(1_000_000) })),
      );
    const before = await allRecords(token, ds.id);
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const started = await startJob(token, ds.id, { type: "re-encrypt" });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({ items: 12, reencrypted: 12, skipped: 0 });
    expect(await allRecords(token, ds.id)).toEqual(before);
    // 8 records of ~1,000,020 bytes fit in 8 MiB, a ninth does not.
    const audit = await logs(token, { action: "record.reencrypt", dataset_id: ds.id });
    expect(audit.items.map((e) => e.details.reencrypted).sort()).toEqual([4, 8]);
  });

  it("needs crypto:admin and answers another tenant with 404", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const limited = await createKey(tenant.id, ["jobs:write", "jobs:read", "datasets:write"]);
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token: limited.key, body: { type: "re-encrypt" } }),
      403,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "re-encrypt", destroy_retired: "yes" } }),
      422,
    );
    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token: other.token, body: { type: "re-encrypt" } }),
      404,
    );
  });
});
