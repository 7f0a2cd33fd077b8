import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toEventInput } from "../../src/shared/audit/append";
import { enqueueOutbox } from "../../src/shared/audit/outbox";
import { call, createDataset, newTenant } from "../helpers/api";
import {
  auditEvents,
  datasetCounters,
  datasetStub,
  getRecord,
  inObject,
  listRecords,
  postBatch,
  postRecord,
  recordsPath,
  replaceRecord,
} from "./helpers";

/** Events waiting in the dataset object's audit outbox. */
const outboxSize = (tenantId: string, datasetId: string) =>
  inObject(tenantId, datasetId, (sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n);

describe("audit of record operations", () => {
  it("writes, deletes and reads each leave one event, with counts and ids but never content", async () => {
    const MARKER = `AUDIT-MARKER-${crypto.randomUUID()}`;
    const { token, tenant, key } = await newTenant();
    const ds = await createDataset(token);
    const one = await postRecord(token, ds.id, { m: MARKER });
    const batch = await postBatch(token, ds.id, [{ m: MARKER }, { m: MARKER }, { m: MARKER }]);
    await replaceRecord(token, ds.id, one.id, { m: `${MARKER}!` }, '"1"');
    await getRecord(token, ds.id, one.id);
    await listRecords(token, ds.id, { limit: "2" });
    expect((await call(`${recordsPath(ds.id)}/${batch[0].id}`, { method: "DELETE", token })).status).toBe(204);

    const events = (await auditEvents(tenant.id)).filter((e) => e.action.startsWith("record."));
    expect(events.map((e) => e.action)).toEqual([
      "record.create",
      "record.batch_create",
      "record.update",
      "record.read",
      "record.list",
      "record.delete",
    ]);
    for (const e of events)
      expect(e).toMatchObject({
        actor: key.id,
        outcome: "success",
        resource: { tenant_id: tenant.id, dataset_id: ds.id },
      });
    expect(events[0]).toMatchObject({ resource: { record_id: one.id }, details: { seq: 1, version: 1 } });
    expect(events[1].details).toMatchObject({
      count: 3,
      first_id: batch[0].id,
      last_id: batch[2].id,
      first_seq: 2,
      last_seq: 4,
    });
    expect(events[2]).toMatchObject({ resource: { record_id: one.id }, details: { version: 2 } });
    expect(events[3]).toMatchObject({ resource: { record_id: one.id }, details: { count: 1 } });
    expect(events[4].details).toEqual({ count: 2, first_seq: 1, last_seq: 2 });
    expect(events[5]).toMatchObject({ resource: { record_id: batch[0].id } });
    expect(JSON.stringify(events)).not.toContain(MARKER);
    // Forwarded: each reply waited for its event to reach the chain. The forwarded rows go with
    // the next change or with the alarm the last change armed; once it ran, nothing is left.
    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    expect(await outboxSize(tenant.id, ds.id)).toBe(0);
  });

  it("concurrent writes each answer once their own event is in the chain, stored once; forwarded rows leave with the next change", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const outbox = () => outboxSize(tenant.id, ds.id);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const rec = await postRecord(token, ds.id, { i });
        // This reply is out: its event must already be in the tenant's chain.
        const events = await auditEvents(tenant.id);
        expect(events.filter((e) => e.resource.record_id === rec.id).map((e) => e.action)).toEqual(["record.create"]);
        ids.push(rec.id);
      }),
    );
    const created = (await auditEvents(tenant.id)).filter((e) => e.action === "record.create");
    expect(created.map((e) => e.resource.record_id).sort()).toEqual([...ids].sort());
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 20 });
    const last = await postRecord(token, ds.id, { i: 20 });
    // Its transaction deleted every row forwarded before it; only its own awaits the next change.
    expect(await outbox()).toBe(1);
    expect((await auditEvents(tenant.id)).filter((e) => e.resource.record_id === last.id)).toHaveLength(1);
    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    expect(await outbox()).toBe(0);
  });

  it("the object's alarm forwards events left in its outbox and repairs D1 counters", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postBatch(token, ds.id, [{ a: 1 }, { a: 2 }]);
    const counters = await datasetCounters(ds.id);
    // Simulate a forward and a D1 write that failed after the change committed.
    const event = toEventInput(
      { tenantId: tenant.id, actor: "system", requestId: null, clientIp: null },
      { action: "record.test_pending", resource: { dataset_id: ds.id } },
    );
    await inObject(tenant.id, ds.id, async (sql, state) => {
      enqueueOutbox(sql, event);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await env.DB.prepare("UPDATE datasets SET record_count = 0, bytes = 0 WHERE id = ?").bind(ds.id).run();

    expect(await runDurableObjectAlarm(datasetStub(tenant.id, ds.id))).toBe(true);
    const events = await auditEvents(tenant.id);
    expect(events.filter((e) => e.action === "record.test_pending")).toHaveLength(1);
    expect(await datasetCounters(ds.id)).toEqual(counters);
    expect(await outboxSize(tenant.id, ds.id)).toBe(0);
  });
});
