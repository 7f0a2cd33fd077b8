import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { masterKeys } from "../../src/shared/crypto/master-keys";
import { forgetTenantKeks, kekAad, tenantKek } from "../../src/shared/crypto/tenant-kek";
import { rewrapKey, unwrapKey } from "../../src/shared/crypto/wrapping";
import { dekAad } from "../../src/shared/crypto/dataset-keys";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";
import { auditEvents, getRecord, listRecords, postRecord, rawRow, replaceRecord } from "./helpers";

const dekRows = (datasetId: string) =>
  env.DB.prepare("SELECT * FROM dataset_keys WHERE dataset_id = ? ORDER BY version")
    .bind(datasetId)
    .all<{ dataset_id: string; version: number; tenant_id: string; kek_version: number; wrapped: string }>()
    .then((r) => r.results);

describe("dataset keys", () => {
  it("a dataset gets a wrapped DEK at creation; racing creates of one name leave exactly one", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rows = await dekRows(ds.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 1, tenant_id: tenant.id, kek_version: 1 });
    // The wrapped DEK opens under the tenant KEK with its binding, and under nothing else.
    const kek = await tenantKek(env, tenant.id, 1);
    await expect(unwrapKey(kek.key, rows[0].wrapped, dekAad(tenant.id, ds.id, 1))).resolves.toBeDefined();
    await expect(unwrapKey(kek.key, rows[0].wrapped, dekAad(tenant.id, "ds_other", 1))).rejects.toThrow();

    const name = `race-${crypto.randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call("/api/v1/datasets", { token, body: { name } })),
    );
    const statuses = results.map((r) => r.status).sort();
    await Promise.all(results.map((r) => r.body?.cancel()));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    const keys = await env.DB.prepare(
      "SELECT count(*) AS n FROM dataset_keys k JOIN datasets d ON d.id = k.dataset_id WHERE d.tenant_id = ?",
    )
      .bind(tenant.id)
      .first<{ n: number }>();
    const orphans = await env.DB.prepare(
      "SELECT count(*) AS n FROM dataset_keys WHERE tenant_id = ? AND dataset_id NOT IN (SELECT id FROM datasets)",
    )
      .bind(tenant.id)
      .first<{ n: number }>();
    expect(keys!.n).toBe(2);
    expect(orphans!.n).toBe(0);
  });

  it("rotation adds a version for new writes; records under the old version still decrypt", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const before = await postRecord(token, ds.id, { when: "before" });
    const rotated = await expectJson(
      await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds.id } }),
      200,
    );
    expect(rotated).toMatchObject({ dataset_id: ds.id, key_version: 2 });
    const after = await postRecord(token, ds.id, { when: "after" });
    expect((await rawRow(tenant.id, ds.id, before.id)).key_version).toBe(1);
    expect((await rawRow(tenant.id, ds.id, after.id)).key_version).toBe(2);
    expect((await dekRows(ds.id)).map((r) => r.version)).toEqual([1, 2]);

    // A fresh object (caches gone) reads both, unwrapping each version from D1.
    await abortAllDurableObjects();
    const body = await listRecords(token, ds.id);
    expect(body.items.map((r) => r.data.when)).toEqual(["before", "after"]);
    // Replacing a record seals its new version under the newest key.
    await replaceRecord(token, ds.id, before.id, { when: "rewritten" }, "*");
    expect((await rawRow(tenant.id, ds.id, before.id)).key_version).toBe(2);

    const rotations = await Promise.all(
      [1, 2, 3].map(() => call(`/api/v1/datasets/${ds.id}/rotate-key`, { method: "POST", token })),
    );
    const versions = await Promise.all(
      rotations.filter((r) => r.status === 200).map(async (r) => (await r.json<{ key_version: number }>()).key_version),
    );
    await Promise.all(rotations.filter((r) => r.status !== 200).map((r) => expectProblem(r, 409)));
    expect(new Set(versions).size).toBe(versions.length);
    expect((await dekRows(ds.id)).map((r) => r.version)).toEqual(
      Array.from({ length: 2 + versions.length }, (_, i) => i + 1),
    );
    expect(
      (await auditEvents(tenant.id)).filter((e) => e.action === "dataset.rotate_key").length,
    ).toBeGreaterThanOrEqual(2);
  });
});

describe("master key rotation", () => {
  it("a tenant KEK unwraps from D1 in an isolate that did not create it (cache cleared)", async () => {
    const { tenant } = await newTenant();
    forgetTenantKeks(tenant.id);
    const kek = await tenantKek(env, tenant.id);
    expect(kek.version).toBe(1);
  });

  it("POST /tenants/{id}/rewrap-keys re-wraps KEKs under the newest master; everything still decrypts", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { v: "kept" });
    const master = await masterKeys(env.MASTER_KEYS);
    expect(master.current).toBe(2);

    // Put the tenant's KEK under master v1, as if the tenant predates the rotation.
    const row = await env.DB.prepare("SELECT wrapped FROM tenant_keys WHERE tenant_id = ? AND version = 1")
      .bind(tenant.id)
      .first<{ wrapped: string }>();
    const aad = kekAad(tenant.id, 1);
    const underV1 = await rewrapKey({ key: master.keys.get(2)!, aad }, { key: master.keys.get(1)!, aad }, row!.wrapped);
    await env.DB.prepare("UPDATE tenant_keys SET wrapped = ?, master_version = 1 WHERE tenant_id = ? AND version = 1")
      .bind(underV1, tenant.id)
      .run();
    forgetTenantKeks(tenant.id);
    await abortAllDurableObjects();
    expect((await getRecord(token, ds.id, rec.id)).body.data).toEqual({ v: "kept" });

    const rewrap = operator().api.v1.tenants[":id"]["rewrap-keys"];
    const first = await expectJson(await rewrap.$post({ param: { id: tenant.id } }), 200);
    expect(first).toEqual({ tenant_id: tenant.id, master_version: 2, rewrapped: 1, kek_versions: 1 });
    const now = await env.DB.prepare(
      "SELECT wrapped, master_version FROM tenant_keys WHERE tenant_id = ? AND version = 1",
    )
      .bind(tenant.id)
      .first<{ wrapped: string; master_version: number }>();
    expect(now!.master_version).toBe(2);
    await expect(unwrapKey(master.keys.get(2)!, now!.wrapped, aad)).resolves.toBeDefined();
    await expect(unwrapKey(master.keys.get(1)!, now!.wrapped, aad)).rejects.toThrow();

    forgetTenantKeks(tenant.id);
    await abortAllDurableObjects();
    expect((await getRecord(token, ds.id, rec.id)).body.data).toEqual({ v: "kept" });
    const again = await expectJson(await rewrap.$post({ param: { id: tenant.id } }), 200);
    expect(again.rewrapped).toBe(0);
    expect((await auditEvents(tenant.id)).filter((e) => e.action === "tenant.kek_rewrap")).toHaveLength(2);
  });

  it("is an operator endpoint: 401 without credentials, 403 for a tenant key, 404 for an unknown tenant", async () => {
    const { token, tenant } = await newTenant();
    await expectProblem(await call(`/api/v1/tenants/${tenant.id}/rewrap-keys`, { method: "POST" }), 401);
    await expectProblem(await call(`/api/v1/tenants/${tenant.id}/rewrap-keys`, { method: "POST", token }), 403);
    await expectProblem(
      await call("/api/v1/tenants/tnt_01JD0Z5W3K8Q4V2M7N6P5R4S3T/rewrap-keys", {
        method: "POST",
        token: env.OPERATOR_TOKEN,
      }),
      404,
    );
    await expectProblem(
      await call("/api/v1/tenants/bad/rewrap-keys", { method: "POST", token: env.OPERATOR_TOKEN }),
      422,
    );
  });
});
