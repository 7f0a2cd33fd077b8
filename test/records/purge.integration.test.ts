import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { open } from "../../src/shared/crypto/aes-gcm";
import { masterKeys } from "../../src/shared/crypto/master-keys";
import { tenantKek } from "../../src/shared/crypto/tenant-kek";
import { recordAad } from "../../src/shared/records/cipher";
import { datasetKeyRow, unwrapDatasetKey } from "../../src/shared/crypto/dataset-keys";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import {
  auditEvents,
  datasetCounters,
  inObject,
  listRecords,
  postBatch,
  postRecord,
  rawRow,
  recordsPath,
} from "./helpers";

interface Copy {
  recordId: string;
  version: number;
  keyVersion: number;
  sealed: Uint8Array;
}

/** Every way to decrypt a copied ciphertext with what D1 and the master key set still hold. */
async function decryptWithWhatIsLeft(tenantId: string, datasetId: string, copy: Copy): Promise<string[]> {
  const binding = recordAad({ tenantId, datasetId, recordId: copy.recordId, version: copy.version });
  const opened: string[] = [];
  const attempt = async (how: string, key: Promise<CryptoKey>) => {
    try {
      await open(await key, copy.sealed, binding);
      opened.push(how);
    } catch {
      // expected after purge
    }
  };
  // The dataset's own DEK, looked up the way the object does.
  await attempt(
    "dataset DEK",
    datasetKeyRow(env.DB, tenantId, datasetId, copy.keyVersion).then((row) => unwrapDatasetKey(env, row)),
  );
  // Every DEK left in D1 for this tenant, under any dataset.
  const rows = await env.DB.prepare("SELECT * FROM dataset_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .all<Record<string, unknown>>();
  for (const r of rows.results) {
    const row = {
      datasetId: r.dataset_id as string,
      version: r.version as number,
      tenantId,
      kekVersion: r.kek_version as number,
      wrapped: r.wrapped as string,
      createdAt: "",
    };
    await attempt(`DEK ${row.datasetId} v${row.version}`, unwrapDatasetKey(env, row));
  }
  // The tenant KEK and every master key.
  await attempt(
    "tenant KEK",
    tenantKek(env, tenantId).then((k) => k.key),
  );
  for (const [v, key] of (await masterKeys(env.MASTER_KEYS)).keys) await attempt(`master v${v}`, Promise.resolve(key));
  return opened;
}

describe("deleting datasets", () => {
  it("a soft-deleted dataset hides its records on every record route, but keeps them", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { v: 1 });
    expect((await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token })).status).toBe(204);
    await expectProblem(await call(recordsPath(ds.id), { token }), 404);
    await expectProblem(await call(`${recordsPath(ds.id)}/${rec.id}`, { token }), 404);
    await expectProblem(await call(recordsPath(ds.id), { token, body: { data: { v: 2 } } }), 404);
    await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, { token, body: { records: [{ data: { v: 2 } }] } }),
      404,
    );
    await expectProblem(
      await call(`${recordsPath(ds.id)}/${rec.id}`, {
        method: "PUT",
        token,
        body: { data: { v: 2 } },
        headers: { "If-Match": "*" },
      }),
      404,
    );
    await expectProblem(await call(`${recordsPath(ds.id)}/${rec.id}`, { method: "DELETE", token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/rotate-key`, { method: "POST", token }), 404);
    await expectProblem(await call("/api/v1/validate", { token, body: { dataset_id: ds.id, records: [{}] } }), 404);
    // Still stored: soft delete is not destruction.
    expect((await rawRow(tenant.id, ds.id, rec.id)).version).toBe(1);
  });

  it("purge shreds the DEKs, wipes the object and the R2 blobs; a ciphertext copied before stays unreadable", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const neighbour = await createDataset(token);
    await postRecord(token, neighbour.id, { n: 1 });
    const small = await postRecord(token, ds.id, { secret: "small secret" });
    const large = await postRecord(token, ds.id, { secret: "large secret", pad: "p".repeat(300_000) });
    await expectJson(await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }), 200);
    const after = await postBatch(token, ds.id, [{ secret: "sealed under v2" }]);

    const copies: Copy[] = [];
    for (const id of [small.id, large.id, after[0].id]) {
      const row = await rawRow(tenant.id, ds.id, id);
      const sealed = row.ciphertext
        ? new Uint8Array(row.ciphertext.slice(0))
        : new Uint8Array(await (await env.BLOBS.get(row.blob_key!))!.arrayBuffer());
      copies.push({ recordId: id, version: row.version, keyVersion: row.key_version, sealed });
    }
    expect(copies.map((c) => c.keyVersion)).toEqual([1, 1, 2]);
    // Control: before purge, the dataset's DEK opens every copy (and nothing else does).
    for (const c of copies)
      expect(await decryptWithWhatIsLeft(tenant.id, ds.id, c)).toEqual([
        `dataset DEK`,
        `DEK ${ds.id} v${c.keyVersion}`,
      ]);

    expect((await call(`/api/v1/datasets/${ds.id}?purge=true`, { method: "DELETE", token })).status).toBe(204);

    for (const c of copies) expect(await decryptWithWhatIsLeft(tenant.id, ds.id, c)).toEqual([]);
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM dataset_keys WHERE dataset_id = ?")
      .bind(ds.id)
      .first<{ n: number }>();
    expect(keys!.n).toBe(0);
    expect((await env.BLOBS.list({ prefix: `records/${tenant.id}/${ds.id}/` })).objects).toHaveLength(0);
    const leftovers = await inObject(tenant.id, ds.id, (sql) => {
      const tables = sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .toArray();
      return tables
        .map((t) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`).one().n)
        .reduce((a, b) => a + b, 0);
    });
    expect(leftovers).toBe(0);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token }), 404);
    await expectProblem(await call(recordsPath(ds.id), { token }), 404);
    // Purged once: a second purge finds nothing.
    await expectProblem(await call(`/api/v1/datasets/${ds.id}?purge=true`, { method: "DELETE", token }), 404);
    // The neighbour is untouched.
    expect((await listRecords(token, neighbour.id)).items).toHaveLength(1);

    const purge = (await auditEvents(tenant.id)).filter((e) => e.action === "dataset.purge");
    expect(purge).toHaveLength(1);
    expect(purge[0]).toMatchObject({ outcome: "success", resource: { dataset_id: ds.id }, details: { records: 3 } });
  });

  it("a soft-deleted dataset can still be purged, and its name reused", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postRecord(token, ds.id, { v: 1 });
    expect((await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/v1/datasets/${ds.id}?purge=true`, { method: "DELETE", token })).status).toBe(204);
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM dataset_keys WHERE dataset_id = ?")
      .bind(ds.id)
      .first<{ n: number }>();
    expect(keys!.n).toBe(0);
    const again = await createDataset(token, { name: ds.name });
    const rec = await postRecord(token, again.id, { v: 2 });
    expect(rec.seq).toBe(1);
    expect((await rawRow(tenant.id, again.id, rec.id)).key_version).toBe(1);
  });

  it("another tenant cannot purge", async () => {
    const owner = await newTenant();
    const other = await newTenant();
    const ds = await createDataset(owner.token);
    await postRecord(owner.token, ds.id, { v: 1 });
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}?purge=true`, { method: "DELETE", token: other.token }),
      404,
    );
    expect((await listRecords(owner.token, ds.id)).items).toHaveLength(1);
  });
});
