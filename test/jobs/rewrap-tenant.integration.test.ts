// The rewrap-tenant operator job through the real queue: with two master versions configured
// (vitest.config.mts), a tenant whose KEK is under master 1 ends with every KEK under master 2
// and, with rotate_kek, every DEK version, tenant secret and transit key version under a new
// KEK; the old KEK is retired or destroyed; everything still opens with master 1 removed from
// MASTER_KEYS; records written before, during and after read back; every message delivered
// twice (one after the other, and both at once) changes nothing twice; another tenant is untouched;
// only the operator can start or poll it.
import { abortAllDurableObjects, createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { masterKeys } from "../../src/shared/crypto/master-keys";
import { forgetTenantKeks, kekAad } from "../../src/shared/crypto/tenant-kek";
import { forgetTenantSecrets, secretAad } from "../../src/shared/crypto/tenant-secrets";
import { rewrapKey, unwrapKey, unwrapRawKey } from "../../src/shared/crypto/wrapping";
import { createJob } from "../../src/shared/jobs/service";
import type { JobMessage } from "../../src/shared/queue/messages";
import { openRecord } from "../../src/shared/records/cipher";
import { rotateDatasetKey, unwrapDatasetKey } from "../../src/shared/crypto/dataset-keys";
import { versionAad } from "../../src/shared/transit/material";
import consumer from "../../workers/queue-consumer/index";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";
import { waitForJob } from "../imports/helpers";
import { auditEvents, getRecord, postBatch, rawRow } from "../records/helpers";
import { single } from "../transit/helpers";
import { startJob } from "./helpers";

const OP = env.OPERATOR_TOKEN;

type TenantJobRequest = { type: "rewrap-tenant"; rotate_kek?: boolean; destroy_retired?: boolean };

/** POST /tenants/{id}/jobs as the operator; fails unless 202. The response is returned too, for its headers. */
async function startTenantJob(tenantId: string, json: TenantJobRequest) {
  const res = await operator().api.v1.tenants[":id"].jobs.$post({ param: { id: tenantId }, json });
  return { body: await expectJson(res, 202), res };
}

/** GET /tenants/{id}/jobs/{job_id} as the operator; fails unless 200. */
async function tenantJob(tenantId: string, jobId: string) {
  return expectJson(
    await operator().api.v1.tenants[":id"].jobs[":job_id"].$get({ param: { id: tenantId, job_id: jobId } }),
    200,
  );
}
/** MASTER_KEYS with version 1 dropped, as the operator leaves it after the rotation. */
const ONLY_NEWEST = env.MASTER_KEYS!.split(",").filter((e) => e.startsWith("2:"))[0];

/** Puts every KEK of the tenant under master version 1, as if the tenant predated master version 2. */
async function underMaster1(tenantId: string) {
  const master = await masterKeys(env.MASTER_KEYS);
  const rows = await env.DB.prepare("SELECT version, wrapped FROM tenant_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ version: number; wrapped: string }>();
  for (const row of rows.results) {
    const aad = kekAad(tenantId, row.version);
    const wrapped = await rewrapKey({ key: master.keys.get(2)!, aad }, { key: master.keys.get(1)!, aad }, row.wrapped);
    await env.DB.prepare("UPDATE tenant_keys SET wrapped = ?, master_version = 1 WHERE tenant_id = ? AND version = ?")
      .bind(wrapped, tenantId, row.version)
      .run();
  }
  forgetTenantKeks(tenantId);
}

interface Wrapped {
  name: string;
  version: number;
  kek_version: number;
  wrapped: string;
}

/** Every wrapped row of the tenant, by table. */
async function wrappedRows(tenantId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(tenantId);
  const [keks, deks, secrets, transit] = await env.DB.batch([
    q("SELECT version, master_version, wrapped, retired_at FROM tenant_keys WHERE tenant_id = ? ORDER BY version"),
    q("SELECT dataset_id AS name, version, kek_version, wrapped FROM dataset_keys WHERE tenant_id = ? ORDER BY 1, 2"),
    q("SELECT purpose AS name, version, kek_version, wrapped FROM tenant_secrets WHERE tenant_id = ? ORDER BY 1, 2"),
    q("SELECT name, version, kek_version, wrapped FROM transit_key_versions WHERE tenant_id = ? ORDER BY 1, 2"),
  ]);
  return {
    keks: keks.results as { version: number; master_version: number; wrapped: string; retired_at: string | null }[],
    deks: deks.results as unknown as Wrapped[],
    secrets: secrets.results as unknown as Wrapped[],
    transit: transit.results as unknown as Wrapped[],
  };
}

/**
 * Opens every wrapped key of the tenant, and a record of each dataset, from D1 alone with only
 * master version 2 configured: proof that master version 1 can be dropped from the secret.
 */
async function opensWithNewestMasterOnly(
  tenantId: string,
  records: { datasetId: string; id: string; data: unknown }[],
) {
  const e = { DB: env.DB, MASTER_KEYS: ONLY_NEWEST };
  forgetTenantKeks(tenantId);
  forgetTenantSecrets(tenantId);
  const master = await masterKeys(ONLY_NEWEST);
  expect([...master.keys.keys()]).toEqual([2]);
  const rows = await wrappedRows(tenantId);
  const keks = new Map<number, CryptoKey>();
  for (const k of rows.keks)
    keks.set(k.version, await unwrapKey(master.keys.get(2)!, k.wrapped, kekAad(tenantId, k.version)));
  for (const s of rows.secrets)
    await expect(
      unwrapRawKey(keks.get(s.kek_version)!, s.wrapped, secretAad(tenantId, s.name, s.version)),
    ).resolves.toHaveLength(32);
  for (const t of rows.transit)
    await expect(
      unwrapRawKey(keks.get(t.kek_version)!, t.wrapped, versionAad(tenantId, t.name, t.version)),
    ).resolves.toHaveLength(32);
  for (const r of records) {
    const raw = await rawRow(tenantId, r.datasetId, r.id);
    const dek = rows.deks.find((d) => d.name === r.datasetId && d.version === raw.key_version)!;
    const key = await unwrapDatasetKey(e, {
      datasetId: dek.name,
      tenantId,
      version: dek.version,
      kekVersion: dek.kek_version,
      wrapped: dek.wrapped,
      createdAt: "",
    });
    const plain = await openRecord(
      key,
      { tenantId, datasetId: r.datasetId, recordId: r.id, version: raw.version },
      new Uint8Array(raw.ciphertext!),
    );
    expect(JSON.parse(plain)).toEqual(r.data);
  }
  forgetTenantKeks(tenantId);
}

/** A tenant under master 1 with datasets (one with two DEK versions), a transit key, and tenant secrets in use. */
async function seededTenant(datasets = 3) {
  const { token, tenant } = await newTenant();
  const ds: { id: string }[] = [];
  const written: { datasetId: string; id: string; data: unknown }[] = [];
  for (let i = 0; i < datasets; i++) {
    const d = await createDataset(token);
    ds.push(d);
    const data = [{ i, text: `before ${i}` }];
    const [rec] = await postBatch(token, d.id, data);
    written.push({ datasetId: d.id, id: rec.id, data: data[0] });
  }
  const api = client(token).api.v1;
  await expectJson(await api.datasets[":id"]["rotate-key"].$post({ param: { id: ds[0].id } }), 200);
  const transitKey = `k-${crypto.randomUUID().slice(0, 8)}`;
  await expectJson(await api.keys.$post({ json: { name: transitKey, type: "aes256-gcm" } }), 201);
  const sealed = single(
    await expectJson(await api.encrypt.$post({ json: { key: transitKey, data: { s: "transit" } } }), 200),
  ).ciphertext;
  const text = "jane.roe@example.com";
  const anonymized = (
    await expectJson(await api.anonymize.$post({ json: { text, operators: { DEFAULT: { type: "tokenize" } } } }), 200)
  ).text as string;
  expect(anonymized).not.toContain("jane.roe");
  // A second purpose key (the hash salt), so secrets of more than one purpose are re-wrapped.
  await expectJson(await api.anonymize.$post({ json: { text, operators: { DEFAULT: { type: "hash" } } } }), 200);
  await underMaster1(tenant.id);
  await abortAllDurableObjects();
  return { token, tenant, ds, written, transitKey, sealed, text, anonymized };
}

/** Everything the tenant had still works through the API. */
async function stillWorks(s: Awaited<ReturnType<typeof seededTenant>>) {
  forgetTenantKeks(s.tenant.id);
  forgetTenantSecrets(s.tenant.id);
  await abortAllDurableObjects();
  for (const w of s.written) {
    const got = await getRecord(s.token, w.datasetId, w.id);
    expect(got.body.data).toEqual(w.data);
  }
  const api = client(s.token).api.v1;
  const opened = single(
    await expectJson(await api.decrypt.$post({ json: { key: s.transitKey, ciphertext: s.sealed } }), 200),
  );
  expect(opened.data).toEqual({ s: "transit" });
  const restored = await expectJson(await api.deanonymize.$post({ json: { text: s.anonymized } }), 200);
  expect(restored.text).toBe(s.text);
}

/** Runs a job through the real consumer code with every message delivered twice: one copy after the other, or both at once. */
async function driveTwice(
  tenantId: string,
  params: Record<string, unknown>,
  between: () => Promise<void>,
  together = false,
  overrides: Partial<Env> = {},
  /** Let a failed delivery be retried (redelivered later), as the queue does, instead of failing the test. */
  allowRetries = false,
) {
  const sent: JobMessage[] = [];
  const JOBS = {
    async send(body: JobMessage) {
      sent.push(body);
    },
    async sendBatch(messages: { body: JobMessage }[]) {
      for (const m of messages) sent.push(m.body);
    },
  };
  const e = { ...env, ...overrides, JOBS } as unknown as Env;
  const job = await createJob(
    e,
    { tenantId, actor: "operator", requestId: null, clientIp: null },
    { kind: "rewrap-tenant", params },
  );
  const deliver = async (msg: JobMessage) => {
    const batch = createMessageBatch("llm-data-vault-jobs", [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: msg },
    ]);
    const ctx = createExecutionContext();
    await consumer.queue(batch, e);
    const result = await getQueueResult(batch, ctx);
    if (!allowRetries) expect(result.retryMessages).toEqual([]);
    else if (result.retryMessages.length) sent.push(msg);
  };
  let n = 0;
  while (sent.length && n++ < 500) {
    const msg = sent.shift()!;
    if (together) await Promise.all([deliver(msg), deliver(msg)]);
    else for (let k = 0; k < 2; k++) await deliver(msg);
    await between();
  }
  return job;
}

describe("rewrap-tenant job", () => {
  it("rotates master and KEK across the tenant; the old KEK is destroyed and master 1 is no longer needed", async () => {
    const s = await seededTenant();
    const before = await wrappedRows(s.tenant.id);
    expect(before.keks.map((k) => [k.version, k.master_version])).toEqual([[1, 1]]);
    expect(before.deks).toHaveLength(4);
    expect(before.secrets.length).toBeGreaterThanOrEqual(2);
    expect(before.transit).toHaveLength(1);

    const started = await startTenantJob(s.tenant.id, {
      type: "rewrap-tenant",
      rotate_kek: true,
      destroy_retired: true,
    });
    expect(started.res.headers.get("location")).toBe(`/api/v1/tenants/${s.tenant.id}/jobs/${started.body.id}`);
    expect(started.body).toMatchObject({ kind: "rewrap-tenant", dataset_id: null, status: "queued" });
    // Records written while it is queued or running.
    const during = [{ during: true }];
    const [duringRec] = await postBatch(s.token, s.ds[1].id, during);
    s.written.push({ datasetId: s.ds[1].id, id: duringRec.id, data: during[0] });

    const job = await waitForJob(s.token, started.body.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({
      master_version: 2,
      target_kek_version: 2,
      kek_versions: 2,
      keks_rewrapped: 1,
      datasets: 3,
      deks: 4,
      deks_rewrapped: 4,
      purpose_keys: before.secrets.length,
      purpose_keys_rewrapped: before.secrets.length,
      transit_versions: 1,
      transit_rewrapped: 1,
      retired_kek_versions: 1,
      destroyed_kek_versions: 1,
    });
    // The operator polls the same job; no key material in it.
    const polled = await tenantJob(s.tenant.id, job.id);
    expect(polled).toMatchObject({ id: job.id, status: "succeeded", progress: job.progress });
    expect(JSON.stringify(polled)).not.toMatch(/[A-Za-z0-9+/]{40,}/);

    const after = await wrappedRows(s.tenant.id);
    expect(after.keks.map((k) => [k.version, k.master_version, k.retired_at])).toEqual([[2, 2, null]]);
    for (const rows of [after.deks, after.secrets, after.transit])
      expect(rows.every((r) => r.kek_version === 2)).toBe(true);
    // The DEKs are the same keys, re-wrapped: the records were not touched.
    expect(after.deks.map((d) => [d.name, d.version])).toEqual(before.deks.map((d) => [d.name, d.version]));
    expect(after.deks.every((d, i) => d.wrapped !== before.deks[i].wrapped)).toBe(true);

    const status = await expectJson(
      await operator().api.v1.tenants[":id"]["key-status"].$get({ param: { id: s.tenant.id } }),
      200,
    );
    expect(status).toMatchObject({ tenant_id: s.tenant.id, master_version: 2, master_versions_in_use: [2] });
    expect(status.kek_versions).toEqual([
      {
        version: 2,
        master_version: 2,
        created_at: expect.any(String),
        retired_at: null,
        wrapped_keys: { deks: 4, purpose_keys: before.secrets.length, transit: 1 },
      },
    ]);

    const later = [{ after: true }];
    const [laterRec] = await postBatch(s.token, s.ds[2].id, later);
    s.written.push({ datasetId: s.ds[2].id, id: laterRec.id, data: later[0] });
    await stillWorks(s);
    await opensWithNewestMasterOnly(s.tenant.id, s.written);

    const events = await auditEvents(s.tenant.id);
    const mine = events.filter((e) => e.resource.job_id === job.id);
    expect(mine.map((e) => [e.action, e.actor])).toEqual([
      ["job.create", "operator"],
      ["job.finish", "system"],
    ]);
    expect(mine[0].details).toEqual({
      kind: "rewrap-tenant",
      type: "rewrap-tenant",
      rotate_kek: true,
      destroy_retired: true,
    });
  });

  it("without rotate_kek re-wraps only the KEKs under master 1; the DEKs stay as they were", async () => {
    const s = await seededTenant(2);
    const before = await wrappedRows(s.tenant.id);
    const started = await startTenantJob(s.tenant.id, { type: "rewrap-tenant" });
    const job = await waitForJob(s.token, started.body.id);
    expect(job.progress).toMatchObject({
      target_kek_version: 1,
      keks_rewrapped: 1,
      deks_rewrapped: 0,
      purpose_keys_rewrapped: 0,
      transit_rewrapped: 0,
      datasets: 2,
      retired_kek_versions: 0,
      destroyed_kek_versions: 0,
    });
    const after = await wrappedRows(s.tenant.id);
    expect(after.keks.map((k) => k.master_version)).toEqual([2]);
    expect(after.deks).toEqual(before.deks);
    expect(after.secrets).toEqual(before.secrets);
    await stillWorks(s);
    await opensWithNewestMasterOnly(s.tenant.id, s.written);
  });

  it("retires without destroying, and a later run with destroy_retired deletes the retired KEK", async () => {
    const s = await seededTenant(1);
    const first = await startTenantJob(s.tenant.id, { type: "rewrap-tenant", rotate_kek: true });
    expect((await waitForJob(s.token, first.body.id)).progress).toMatchObject({
      retired_kek_versions: 1,
      destroyed_kek_versions: 0,
    });
    const kept = await wrappedRows(s.tenant.id);
    expect(kept.keks.map((k) => [k.version, k.master_version, k.retired_at !== null])).toEqual([
      [1, 2, true],
      [2, 2, false],
    ]);
    await stillWorks(s);
    const second = await startTenantJob(s.tenant.id, { type: "rewrap-tenant", destroy_retired: true });
    expect((await waitForJob(s.token, second.body.id)).progress).toMatchObject({
      target_kek_version: 2,
      keks_rewrapped: 0,
      deks_rewrapped: 0,
      retired_kek_versions: 0,
      destroyed_kek_versions: 1,
    });
    expect((await wrappedRows(s.tenant.id)).keks.map((k) => k.version)).toEqual([2]);
    await stillWorks(s);
  });

  for (const together of [false, true]) {
    it(`every message delivered twice (${together ? "both copies at once" : "one after the other"}) changes nothing twice, across ranges and pages`, async () => {
      const s = await seededTenant(24);
      // One dataset with 250 DEK versions, so its range takes more than one page.
      for (let v = 0; v < 249; v++) await rotateDatasetKey(env, s.tenant.id, s.ds[5].id);
      const before = await wrappedRows(s.tenant.id);
      expect(before.deks).toHaveLength(24 + 1 + 249);
      // Between deliveries: read every record written so far, and write one more.
      let i = 0;
      const between = async () => {
        const ds = s.ds[i++ % s.ds.length];
        const data = [{ during: i }];
        const [rec] = await postBatch(s.token, ds.id, data);
        s.written.push({ datasetId: ds.id, id: rec.id, data: data[0] });
        for (const w of s.written.filter((x) => x.datasetId === ds.id))
          expect((await getRecord(s.token, ds.id, w.id)).body.data).toEqual(w.data);
      };
      const job = await driveTwice(
        s.tenant.id,
        { type: "rewrap-tenant", rotate_kek: true, destroy_retired: true },
        between,
        together,
      );
      const done = await tenantJob(s.tenant.id, job.id);
      expect(done.status).toBe("succeeded");
      // Two dataset ranges besides the tenant's own.
      expect(done.ranges).toHaveLength(3);
      expect(done.progress).toMatchObject({
        keks_rewrapped: 1,
        datasets: 24,
        deks: before.deks.length,
        deks_rewrapped: before.deks.length,
        purpose_keys_rewrapped: before.secrets.length,
        transit_rewrapped: 1,
        retired_kek_versions: 1,
        destroyed_kek_versions: 1,
      });
      const after = await wrappedRows(s.tenant.id);
      expect(after.keks.map((k) => [k.version, k.master_version])).toEqual([[2, 2]]);
      for (const rows of [after.deks, after.secrets, after.transit])
        expect(rows.every((r) => r.kek_version === 2)).toBe(true);
      const events = (await auditEvents(s.tenant.id)).filter((e) => e.resource.job_id === job.id);
      expect(events.map((e) => e.action)).toEqual(["job.create", "job.finish"]);
      // Nothing of the chunks' bookkeeping outlives the job but the finish's own row.
      const left = await env.DB.prepare("SELECT range_no FROM job_chunk_results WHERE job_id = ?")
        .bind(job.id)
        .all<{ range_no: number }>();
      expect(left.results.map((r) => r.range_no)).toEqual([-1]);
      await stillWorks(s);
      await opensWithNewestMasterOnly(s.tenant.id, s.written);
    });
  }

  it("a copy that dies after its chunk's transaction, before the range moves, is redelivered and counted once", async () => {
    const s = await seededTenant(3);
    const before = await wrappedRows(s.tenant.id);
    // The engine moves a range with a batch of two statements, right after the chunk's own batch of three:
    // fail that move, as a consumer dying between the two would; the chunk that runs next (the redelivery,
    // or the range's next chunk) is let through, so the job always gets on.
    let armed = false;
    let spare = false;
    let crashes = 0;
    const DB = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch")
          return async (stmts: D1PreparedStatement[]) => {
            if (stmts.length === 2 && armed) {
              armed = false;
              spare = true;
              crashes++;
              throw new Error("simulated crash");
            }
            const res = await target.batch(stmts);
            if (stmts.length === 3) {
              if (spare) spare = false;
              else armed = true;
            }
            return res;
          };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const job = await driveTwice(
      s.tenant.id,
      { type: "rewrap-tenant", rotate_kek: true, destroy_retired: false },
      async () => undefined,
      false,
      { DB },
      true,
    );
    expect(crashes).toBeGreaterThanOrEqual(2);
    const done = await tenantJob(s.tenant.id, job.id);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({
      keks_rewrapped: 1,
      datasets: 3,
      deks: 4,
      deks_rewrapped: 4,
      purpose_keys_rewrapped: before.secrets.length,
      transit_rewrapped: 1,
      retired_kek_versions: 1,
      destroyed_kek_versions: 0,
    });
    await stillWorks(s);
  });

  it("fails, saying why, when the consumer's MASTER_KEYS lacks the version the API worker has", async () => {
    const s = await seededTenant(1);
    const before = await wrappedRows(s.tenant.id);
    const onlyOldest = env.MASTER_KEYS!.split(",").filter((e) => e.startsWith("1:"))[0];
    const job = await driveTwice(
      s.tenant.id,
      { type: "rewrap-tenant", rotate_kek: false, destroy_retired: true, requested_master_version: 2 },
      async () => undefined,
      false,
      { MASTER_KEYS: onlyOldest },
    );
    const done = await tenantJob(s.tenant.id, job.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/consumer's MASTER_KEYS has no version 2/);
    expect(await wrappedRows(s.tenant.id)).toEqual(before);
    forgetTenantKeks(s.tenant.id);
  });

  it("leaves another tenant untouched, and only the operator can start or poll it", async () => {
    const s = await seededTenant(1);
    const other = await seededTenant(2);
    const otherBefore = await wrappedRows(other.tenant.id);

    // A tenant API key (even with every scope) is not the operator.
    await expectProblem(
      await call(`/api/v1/tenants/${s.tenant.id}/jobs`, { token: s.token, body: { type: "rewrap-tenant" } }),
      403,
    );
    await expectProblem(await call(`/api/v1/tenants/${s.tenant.id}/jobs`, { body: { type: "rewrap-tenant" } }), 401);
    await expectProblem(
      await call(`/api/v1/tenants/tnt_01JD0Z5W3K8Q4V2M7N6P5R4S3T/jobs`, { token: OP, body: { type: "rewrap-tenant" } }),
      404,
    );
    await expectProblem(
      await call(`/api/v1/tenants/${s.tenant.id}/jobs`, {
        token: OP,
        body: { type: "rewrap-tenant", rotate_kek: "yes" },
      }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/tenants/${s.tenant.id}/jobs`, { token: OP, body: { type: "rewrap-tenant", extra: 1 } }),
      422,
    );
    await expectProblem(await call(`/api/v1/tenants/${s.tenant.id}/key-status`, { token: s.token }), 403);

    const started = await startTenantJob(s.tenant.id, {
      type: "rewrap-tenant",
      rotate_kek: true,
      destroy_retired: true,
    });
    await expectProblem(await call(`/api/v1/tenants/${s.tenant.id}/jobs/${started.body.id}`, { token: s.token }), 403);
    const job = await waitForJob(s.token, started.body.id);
    expect(job.status).toBe("succeeded");
    // The job is the tenant's: readable with jobs:read, and 404 to another tenant and under another tenant's path.
    const reader = await createKey(s.tenant.id, ["jobs:read"]);
    await expectJson(await client(reader.key).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    await expectProblem(await call(`/api/v1/jobs/${job.id}`, { token: other.token }), 404);
    await expectProblem(await call(`/api/v1/tenants/${other.tenant.id}/jobs/${job.id}`, { token: OP }), 404);
    // A tenant's own job of another kind is not the operator's to read here.
    const ds = s.ds[0];
    const scan = await startJob(s.token, ds.id, { type: "pii-scan" });
    await expectProblem(await call(`/api/v1/tenants/${s.tenant.id}/jobs/${scan.id}`, { token: OP }), 404);

    expect(await wrappedRows(other.tenant.id)).toEqual(otherBefore);
    expect(otherBefore.keks.map((k) => k.master_version)).toEqual([1]);
    await stillWorks(other);
    await stillWorks(s);
  });
});
