// Writers racing on one record whose ciphertext lives in R2 (> 256 KiB): two re-encrypt
// batches (two jobs, or one chunk delivered twice at once), two anonymize write-backs, a
// write-back against a PUT, two PUTs. Whoever loses must delete only its own blob, never
// the one the record points at: afterwards the record reads back byte for byte and every
// blob_key a row holds exists in R2.
import { env } from "cloudflare:workers";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { call, createDataset, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords } from "../imports/helpers";
import { preparedWrite as prepared, runJob } from "../jobs/helpers";
import { datasetStub, getRecord, inObject, postBatch, rawRow, recordsPath } from "./helpers";

const scopeOf = (tenantId: string) => ({ tenantId, actor: "test", requestId: null, clientIp: null });

/** A dataset with one small and one large (R2) record, its DEK rotated once so both are stale. */
async function largeRecordDataset(rotate: boolean) {
  const { token, tenant } = await newTenant();
  const ds = await createDataset(token);
  const big = { big: "x".repeat(300_000), n: 1 };
  const recs = await postBatch(token, ds.id, [{ small: true }, big]);
  if (rotate)
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
  const ref = { tenantId: tenant.id, datasetId: ds.id };
  return { token, tenant, ds, ref, big, bigId: recs[1].id, stub: datasetStub(tenant.id, ds.id) };
}

/** The one blob a row points at is in R2 and is the dataset's only one, and the record reads back as `data`. */
async function expectIntact(token: string, tenantId: string, datasetId: string, recordId: string, data: unknown) {
  const keys = await inObject(tenantId, datasetId, (sql) =>
    sql
      .exec<{ blob_key: string }>("SELECT blob_key FROM records WHERE blob_key IS NOT NULL")
      .toArray()
      .map((r) => r.blob_key),
  );
  expect(keys.length).toBe(1);
  // The live blob is there, and nothing else under the dataset's prefix: losers removed their own.
  const listed = await env.BLOBS.list({ prefix: `records/${tenantId}/${datasetId}/` });
  expect(listed.objects.map((o) => o.key)).toEqual(keys);
  const { body } = await getRecord(token, datasetId, recordId);
  expect(canonicalize(body.data)).toBe(canonicalize(data));
}

/** PUT a record's data at version 1 (If-Match: "1"); the response, whatever its status. */
const putAtV1 = (token: string, datasetId: string, recordId: string, data: unknown) =>
  call(`${recordsPath(datasetId)}/${recordId}`, {
    method: "PUT",
    token,
    body: { data },
    headers: { "If-Match": '"1"' },
  });

describe("concurrent writers of an R2-held record", () => {
  it("two re-encrypt jobs' batches over the same window at once leave the record readable", async () => {
    const { token, tenant, ds, ref, big, bigId, stub } = await largeRecordDataset(true);
    const window = (job: string) => ({ key: `${job}:0:0`, afterSeq: 0, throughSeq: 10, target: 2, limit: 100 });
    const [a, b] = await Promise.all([
      stub.reencryptBatch(ref, scopeOf(tenant.id), window("job_a")),
      stub.reencryptBatch(ref, scopeOf(tenant.id), window("job_b")),
    ]);
    expect(a.ok && b.ok).toBe(true);
    // Each record re-sealed exactly once between the two.
    if (a.ok && b.ok) expect(a.value.reencrypted + b.value.reencrypted).toBe(2);
    expect((await rawRow(tenant.id, ds.id, bigId)).key_version).toBe(2);
    await expectIntact(token, tenant.id, ds.id, bigId, big);
  });

  it("one re-encrypt chunk delivered twice at once leaves the record readable", async () => {
    const { token, tenant, ds, ref, big, bigId, stub } = await largeRecordDataset(true);
    const window = { key: "job_c:0:0", afterSeq: 0, throughSeq: 10, target: 2, limit: 100 };
    const results = await Promise.all([
      stub.reencryptBatch(ref, scopeOf(tenant.id), window),
      stub.reencryptBatch(ref, scopeOf(tenant.id), window),
    ]);
    expect(results.map((r) => r.ok && r.value.reencrypted)).toEqual([2, 2]);
    await expectIntact(token, tenant.id, ds.id, bigId, big);
  });

  it("a re-encrypt job whose every message is delivered twice at once keeps the large record", async () => {
    const { token, tenant, ds, big, bigId } = await largeRecordDataset(true);
    const before = await allRecords(token, ds.id);
    const job = await runJob(
      tenant.id,
      { kind: "re-encrypt", datasetId: ds.id, params: { type: "re-encrypt", destroy_retired: true } },
      "concurrent",
    );
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("succeeded");
    expect(await allRecords(token, ds.id)).toEqual(before);
    await expectIntact(token, tenant.id, ds.id, bigId, big);
  });

  it("two anonymize write-backs from the same version at once: one wins, its blob stays", async () => {
    const { token, tenant, ds, ref, bigId, stub } = await largeRecordDataset(false);
    const audit = { action: "record.anonymize", resource: { dataset_id: ds.id, job_id: "job_x" }, details: {} };
    const outA = { big: "a".repeat(300_000) };
    const outB = { big: "b".repeat(300_000) };
    const batch = async (key: string, data: unknown) => ({
      key,
      audit,
      items: [await prepared(bigId, 1, data)],
      counts: {},
    });
    const [a, b] = await Promise.all([
      stub.applyJobWrites(ref, scopeOf(tenant.id), await batch("job_a:0:0", outA)),
      stub.applyJobWrites(ref, scopeOf(tenant.id), await batch("job_b:0:0", outB)),
    ]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.value.written + b.value.written).toBe(1);
    await expectIntact(token, tenant.id, ds.id, bigId, a.value.written ? outA : outB);

    // The same batch key twice at once: applied once, the record keeps the blob it points at.
    const outC = { big: "c".repeat(300_000) };
    const same = await batch("job_c:0:0", outC);
    same.items[0].from_version = 2;
    const twice = await Promise.all([
      stub.applyJobWrites(ref, scopeOf(tenant.id), same),
      stub.applyJobWrites(ref, scopeOf(tenant.id), same),
    ]);
    expect(twice.map((r) => r.ok && r.value.written)).toEqual([1, 1]);
    await expectIntact(token, tenant.id, ds.id, bigId, outC);
  });

  it("a write-back and a PUT from the same version at once: the winner's blob stays", async () => {
    const { token, tenant, ds, ref, bigId, stub } = await largeRecordDataset(false);
    const audit = { action: "record.anonymize", resource: { dataset_id: ds.id, job_id: "job_y" }, details: {} };
    const job = { big: "j".repeat(300_000) };
    const put = { big: "p".repeat(300_000) };
    const [w, res] = await Promise.all([
      stub.applyJobWrites(ref, scopeOf(tenant.id), {
        key: "job_y:0:0",
        audit,
        items: [await prepared(bigId, 1, job)],
        counts: {},
      }),
      putAtV1(token, ds.id, bigId, put),
    ]);
    expect(w.ok).toBe(true);
    const jobWon = w.ok && w.value.written === 1;
    expect(res.status).toBe(jobWon ? 412 : 200);
    await expectIntact(token, tenant.id, ds.id, bigId, jobWon ? job : put);
  });

  it("two PUTs of the same version at once: the loser gets 412, the winner's blob stays", async () => {
    const { token, tenant, ds, bigId } = await largeRecordDataset(false);
    const a = { big: "a".repeat(300_000) };
    const b = { big: "b".repeat(300_000) };
    const [ra, rb] = await Promise.all([putAtV1(token, ds.id, bigId, a), putAtV1(token, ds.id, bigId, b)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 412]);
    await expectIntact(token, tenant.id, ds.id, bigId, ra.status === 200 ? a : b);
  });
});
