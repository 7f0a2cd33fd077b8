// Statuses are chosen where errors become responses (workers/api/middleware/errors.ts): a
// ciphertext the client sent that does not open is its 400 (test/transit), a stored record that
// does not open is our 500, and the status-less errors thrown inside the DatasetObject cross RPC
// as their own classes, so the edge can tell them apart.
import { describe, expect, it } from "vitest";
import { DecryptionError } from "../../src/shared/crypto/aes-gcm";
import { RecordIntegrityError } from "../../src/shared/records/integrity-error";
import { unwrap } from "../../src/shared/records/wire";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { env } from "cloudflare:workers";
import { datasetStub, inObject, postRecord, rawRow, recordsPath } from "../records/helpers";

/** Deletes the R2 blob of a record too large to be stored inline. */
async function lostBlob(tenantId: string, datasetId: string, recordId: string) {
  const { blob_key } = await rawRow(tenantId, datasetId, recordId);
  if (!blob_key) throw new Error("expected the record in R2");
  await env.BLOBS.delete(blob_key);
}

const scope = (tenantId: string) => ({ tenantId, actor: "test", requestId: null, clientIp: null });

describe("decryption failures raised in the DatasetObject", () => {
  it("a stored record that does not open is a 500, from a RecordIntegrityError raised in the object", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { big: "x".repeat(300_000) });
    await lostBlob(tenant.id, ds.id, rec.id);
    const ref = { tenantId: tenant.id, datasetId: ds.id };
    const outcome = await datasetStub(tenant.id, ds.id).get(ref, scope(tenant.id), rec.id);
    expect(() => unwrap(outcome)).toThrow(RecordIntegrityError);
    const p = await expectProblem(await call(`${recordsPath(ds.id)}/${rec.id}`, { token }), 500);
    expect(p.type).toMatch(/decryption-failed$/);
    expect(p.detail).toContain(rec.id);
  });

  it("a DecryptionError thrown inside the DatasetObject comes back across RPC as a DecryptionError", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { big: "x".repeat(300_000) });
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    // Re-sealing cannot read a record whose blob is gone.
    await lostBlob(tenant.id, ds.id, rec.id);
    const ref = { tenantId: tenant.id, datasetId: ds.id };
    const outcome = await datasetStub(tenant.id, ds.id).reencryptBatch(ref, scope(tenant.id), {
      key: "b1",
      afterSeq: 0,
      throughSeq: 1,
      target: 2,
      limit: 10,
    });
    expect(outcome.ok).toBe(false);
    expect(() => unwrap(outcome)).toThrow(DecryptionError);
    // Nothing was re-sealed.
    const row = await inObject(tenant.id, ds.id, (sql) =>
      sql.exec<{ key_version: number }>("SELECT key_version FROM records WHERE id = ?", rec.id).one(),
    );
    expect(row.key_version).toBe(1);
  });
});
