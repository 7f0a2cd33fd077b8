/**
 * Issue 9 §4: a record committed by an object that dies before forwarding its audit event
 * and copying its counters still gets both, from the alarm armed in the write's own
 * transaction, with no further write to the dataset.
 */
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toEventInput, type AuditScope } from "../../src/shared/audit/append";
import { enqueueOutbox, OUTBOX_RETRY_MS } from "../../src/shared/audit/outbox";
import { AfterCommit } from "../../src/shared/records/after-commit";
import { CounterSync } from "../../src/shared/records/counters";
import { DekCache } from "../../src/shared/records/dek-cache";
import { prepareRecords } from "../../src/shared/records/ingest";
import type { DatasetObjectContext } from "../../src/shared/records/object-context";
import { createRecords } from "../../src/shared/records/writes";
import { DatasetSearch } from "../../src/shared/search/dataset-search";
import { deriveSearchKey } from "../../src/shared/search/keys";
import { verify } from "../audit/helpers";
import { createDataset, newTenant } from "../helpers/api";
import { auditEvents, datasetCounters, datasetStub, inObject, listRecords, postRecord } from "./helpers";

/** The instance dies right after the commit: nothing that follows it runs. */
class DiesAfterCommit extends AfterCommit {
  override async run(): Promise<void> {
    throw new Error("object killed between commit and forward");
  }
}

const outboxRows = (sql: SqlStorage) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n;
const alarmOf = (tenantId: string, datasetId: string) =>
  inObject(tenantId, datasetId, (_sql, state) => state.storage.getAlarm());

async function seed() {
  const { token, tenant, key } = await newTenant();
  const ds = await createDataset(token);
  const first = await postRecord(token, ds.id, { n: 1 });
  // A completed write has its event in the chain and leaves its alarm armed, due within
  // OUTBOX_RETRY_MS, to delete the forwarded outbox row; run now, it leaves nothing behind.
  expect(await alarmOf(tenant.id, ds.id)).toBeLessThanOrEqual(Date.now() + OUTBOX_RETRY_MS);
  expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
  expect(await inObject(tenant.id, ds.id, (sql) => outboxRows(sql))).toBe(0);
  return { token, tenant, key, ds, first };
}

describe("a crash between commit and forward", () => {
  it("the alarm armed with the write delivers its record.create event and its count, with no other write", async () => {
    const { token, tenant, key, ds } = await seed();
    expect(await alarmOf(tenant.id, ds.id)).toBeNull(); // and once its alarm ran, none is left
    const scope: AuditScope = { tenantId: tenant.id, actor: key.id, requestId: "req-crash", clientIp: null };
    const ref = { tenantId: tenant.id, datasetId: ds.id };
    const dataset = { id: ds.id, tenantId: tenant.id, schema: null, piiPolicy: null };
    const [prepared] = await prepareRecords(env, dataset, [{ data: { n: 2 } }], { batch: false });

    // The real write path on the real object's storage; only the after-commit step is cut off.
    const committed = await runInDurableObject(datasetStub(tenant.id, ds.id), async (_i, state) => {
      const counters = new CounterSync(state.storage.sql, env.DB, () => ref);
      const keys = new DekCache(env);
      const ctx: DatasetObjectContext = {
        storage: state.storage,
        env,
        keys,
        counters,
        afterCommit: new DiesAfterCommit(state.storage, env, counters),
        search: new DatasetSearch({
          sql: state.storage.sql,
          searchKey: (version) => deriveSearchKey(env, ref, version),
          currentKeyVersion: async () => (await keys.current(ref)).version,
          transaction: (fn) => state.storage.transactionSync(fn),
        }),
      };
      const before = Date.now();
      await expect(createRecords(ctx, ref, scope, [prepared], false, null)).rejects.toThrow(/killed/);
      const armed = await state.storage.getAlarm();
      // Due within the retry delay of the commit. Moved later so that the test, not the clock, runs it.
      expect(armed).toBeGreaterThanOrEqual(before);
      expect(armed).toBeLessThanOrEqual(Date.now() + OUTBOX_RETRY_MS);
      await state.storage.setAlarm(Date.now() + 60_000);
      return {
        id: state.storage.sql.exec<{ id: string }>("SELECT id FROM records ORDER BY seq DESC LIMIT 1").one().id,
        pending: outboxRows(state.storage.sql),
        alarm: await state.storage.getAlarm(),
      };
    });
    expect(committed.pending).toBe(1);
    await abortAllDurableObjects();

    // Committed and readable, but neither in the chain nor in the count yet.
    expect((await auditEvents(tenant.id)).filter((e) => e.resource.record_id === committed.id)).toEqual([]);
    expect((await datasetCounters(ds.id))?.record_count).toBe(1);
    expect(await alarmOf(tenant.id, ds.id)).toBe(committed.alarm);

    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    const created = (await auditEvents(tenant.id)).filter((e) => e.resource.record_id === committed.id);
    expect(created.map((e) => [e.action, e.actor, e.details.seq])).toEqual([["record.create", key.id, 2]]);
    const bytes = prepared.size + (await listRecords(token, ds.id, { limit: "1" })).items[0].size;
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 2, bytes });
    expect(await inObject(tenant.id, ds.id, (sql) => outboxRows(sql))).toBe(0);
    expect(await alarmOf(tenant.id, ds.id)).toBeNull();
    expect(await verify(token)).toMatchObject({ ok: true });
  });

  it("every committed write has an armed alarm until its event is out, also when an earlier write armed it", async () => {
    const { token, tenant, ds } = await seed();
    expect(await alarmOf(tenant.id, ds.id)).toBeNull();
    await postRecord(token, ds.id, { n: 2 });
    const armed = await alarmOf(tenant.id, ds.id);
    expect(armed).not.toBeNull();
    // The next write finds that alarm armed and keeps it rather than writing it again.
    await postRecord(token, ds.id, { n: 3 });
    expect(await alarmOf(tenant.id, ds.id)).toBe(armed);
    // Once the alarm has fired it is used up: the next write arms a new one.
    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    expect(await alarmOf(tenant.id, ds.id)).toBeNull();
    await postRecord(token, ds.id, { n: 4 });
    expect(await alarmOf(tenant.id, ds.id)).not.toBeNull();
    // Killed before its alarm fires, the object still has it; it forwards nothing twice.
    await abortAllDurableObjects();
    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    expect(await inObject(tenant.id, ds.id, (sql) => outboxRows(sql))).toBe(0);
    const created = (await auditEvents(tenant.id)).filter((e) => e.action === "record.create");
    expect(created.map((e) => e.details.seq)).toEqual([1, 2, 3, 4]);
    expect(await alarmOf(tenant.id, ds.id)).toBeNull();
    expect(await verify(token)).toMatchObject({ ok: true });
  });

  it("the alarm commits and rolls back with the change it belongs to", async () => {
    const { tenant, key, ds } = await seed();
    const scope: AuditScope = { tenantId: tenant.id, actor: key.id, requestId: null, clientIp: null };
    const alarm = await runInDurableObject(datasetStub(tenant.id, ds.id), async (_i, state) => {
      const counters = new CounterSync(state.storage.sql, env.DB, () => null);
      const after = new AfterCommit(state.storage, env, counters);
      expect(() =>
        state.storage.transactionSync(() => {
          after.auditInTransaction(scope, { action: "record.create", resource: { dataset_id: ds.id } });
          throw new Error("the change fails after queuing its event");
        }),
      ).toThrow(/change fails/);
      return { alarm: await state.storage.getAlarm(), pending: outboxRows(state.storage.sql) };
    });
    expect(alarm).toEqual({ alarm: null, pending: 0 });
  });

  it("events an earlier instance left without an alarm are armed when the object starts", async () => {
    const { tenant, ds } = await seed();
    const scope: AuditScope = { tenantId: tenant.id, actor: "system", requestId: null, clientIp: null };
    // What code before the in-transaction alarm could leave behind: a pending event, no alarm.
    await inObject(tenant.id, ds.id, async (sql, state) => {
      enqueueOutbox(sql, toEventInput(scope, { action: "record.test_left_behind", resource: { dataset_id: ds.id } }));
      await state.storage.deleteAlarm();
    });
    await abortAllDurableObjects();
    // Starting the object (any call) arms an alarm due now, and the runtime runs it: no test hook.
    const started = Date.now();
    const armed = await alarmOf(tenant.id, ds.id);
    if (armed !== null) expect(armed).toBeLessThanOrEqual(Date.now());
    let delivered: unknown[] = [];
    while (!delivered.length && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      delivered = (await auditEvents(tenant.id)).filter((e) => e.action === "record.test_left_behind");
    }
    expect(delivered).toHaveLength(1);
    expect(await alarmOf(tenant.id, ds.id)).toBeNull();
  });
});
