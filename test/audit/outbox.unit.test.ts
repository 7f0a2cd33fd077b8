/**
 * The DatasetObject outbox mechanism, exercised on a real Durable Object's SQLite storage:
 * an AuditLogObject instance hosts the outbox (as a DatasetObject will) and forwards to a
 * second tenant's AuditLogObject.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditLogObject, toEventInput } from "../../src/shared/audit/append";
import {
  createOutboxTable,
  enqueueOutbox,
  flushOutbox,
  forwardOutbox,
  OUTBOX_RETRY_MS,
  outboxSize,
} from "../../src/shared/audit/outbox";
import { freshTenantId, withChainSql } from "./helpers";

/** A fresh outbox host: its own storage gets the outbox and a table standing in for records. */
function host() {
  const name = `outbox-host:${crypto.randomUUID()}`;
  // A new stub per call: stubs do not survive abortAllDurableObjects.
  const run = <R>(fn: (sql: SqlStorage, storage: DurableObjectStorage, instance: object) => R) =>
    runInDurableObject(env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(name)), (instance, state) =>
      fn(state.storage.sql, state.storage, instance),
    );
  return { run };
}

const scopeOf = (tenantId: string) => ({ tenantId, actor: "key_outbox", requestId: "req-1", clientIp: null });

/** The change and its events in one transaction, as a DatasetObject write does. */
function writeRecords(storage: DurableObjectStorage, tenantId: string, ids: string[]) {
  storage.transactionSync(() => {
    storage.sql.exec("CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY)");
    for (const id of ids) storage.sql.exec("INSERT INTO things (id) VALUES (?)", id);
    enqueueOutbox(
      storage.sql,
      toEventInput(scopeOf(tenantId), {
        action: "record.write",
        resource: { dataset_id: "ds_x" },
        details: { count: ids.length, first_id: ids[0] },
      }),
    );
  });
}

const chainRows = (tenantId: string) =>
  withChainSql(tenantId, (sql) =>
    sql
      .exec<{ seq: number; event_id: string; action: string }>(
        "SELECT seq, event_id, action FROM audit_events ORDER BY seq",
      )
      .toArray(),
  );

const chainOk = async (tenantId: string) => {
  const head = await auditLogObject(env, tenantId).chainHead();
  const v = await auditLogObject(env, tenantId).verify({ nextSeq: 1, prevHash: null, toSeq: head.seq, limit: 10_000 });
  return v.bad === undefined && v.checked === head.seq;
};

describe("audit outbox", () => {
  it("an event is written with its change, or neither is", async () => {
    const t = freshTenantId();
    const h = host();
    await h.run((sql, storage) => {
      createOutboxTable(sql);
      writeRecords(storage, t, ["r1"]);
      expect(() =>
        storage.transactionSync(() => {
          sql.exec("INSERT INTO things (id) VALUES ('r2')");
          enqueueOutbox(sql, toEventInput(scopeOf(t), { action: "record.write" }));
          throw new Error("the change fails after queuing its event");
        }),
      ).toThrow(/change fails/);
      // An invalid event aborts its change too, rather than blocking the outbox later.
      expect(() =>
        storage.transactionSync(() => {
          sql.exec("INSERT INTO things (id) VALUES ('r3')");
          enqueueOutbox(sql, toEventInput(scopeOf(t), { action: "record.write", details: { password: "p" } }));
        }),
      ).toThrow(/named like a secret/);
      expect(
        sql
          .exec<{ id: string }>("SELECT id FROM things ORDER BY id")
          .toArray()
          .map((r) => r.id),
      ).toEqual(["r1"]);
      expect(outboxSize(sql)).toBe(1);
    });
  });

  it("a restart of both objects between the change and the forward loses nothing", async () => {
    const t = freshTenantId();
    const h = host();
    await h.run((sql, storage, instance) => {
      createOutboxTable(sql);
      writeRecords(storage, t, ["a", "b"]);
      writeRecords(storage, t, ["c"]);
      (instance as { marker?: number }).marker = 1;
    });
    await abortAllDurableObjects();
    const forwarded = await h.run(async (sql, _storage, instance) => {
      // A new instance: in-memory state is gone, storage is not.
      expect((instance as { marker?: number }).marker).toBeUndefined();
      expect(outboxSize(sql)).toBe(2);
      return flushOutbox(sql, env);
    });
    expect(forwarded).toBe(2);
    expect((await chainRows(t)).map((r) => [r.seq, r.action])).toEqual([
      [1, "record.write"],
      [2, "record.write"],
    ]);
    expect(await h.run((sql) => outboxSize(sql))).toBe(0);
    expect(await chainOk(t)).toBe(true);
  });

  it("a crash after the AuditLogObject stored the events but before the outbox rows were deleted duplicates nothing", async () => {
    const t = freshTenantId();
    const h = host();
    const pending = await h.run((sql, storage) => {
      createOutboxTable(sql);
      writeRecords(storage, t, ["a"]);
      writeRecords(storage, t, ["b"]);
      return sql
        .exec<{ event: string }>("SELECT event FROM audit_outbox ORDER BY pos")
        .toArray()
        .map((r) => JSON.parse(r.event));
    });
    // First half of a flush: the AuditLogObject stores the events...
    await auditLogObject(env, t).append(pending);
    // ...then both objects die before the outbox rows are deleted.
    await abortAllDurableObjects();
    expect(await h.run((sql) => outboxSize(sql))).toBe(2);
    expect(await h.run((sql) => flushOutbox(sql, env))).toBe(2);
    const rows = await chainRows(t);
    expect(rows.map((r) => r.event_id)).toEqual(pending.map((e) => e.event_id));
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(await chainOk(t)).toBe(true);
  });

  it("flushing twice, one after the other or concurrently, stores each event once", async () => {
    const t = freshTenantId();
    const h = host();
    await h.run(async (sql, storage) => {
      createOutboxTable(sql);
      for (let i = 0; i < 5; i++) writeRecords(storage, t, [`r${i}`]);
      const [a, b] = await Promise.all([flushOutbox(sql, env), flushOutbox(sql, env)]);
      expect(a + b).toBeGreaterThanOrEqual(5);
      expect(await flushOutbox(sql, env)).toBe(0);
      writeRecords(storage, t, ["late"]);
      expect(await flushOutbox(sql, env)).toBe(1);
    });
    const rows = await chainRows(t);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(6);
    expect(await chainOk(t)).toBe(true);
  });

  it("forwards many events in order across batches", async () => {
    const t = freshTenantId();
    const h = host();
    const ids = await h.run(async (sql, storage) => {
      createOutboxTable(sql);
      for (let i = 0; i < 450; i++) writeRecords(storage, t, [`r${i}`]);
      const queued = sql
        .exec<{ event_id: string }>("SELECT event_id FROM audit_outbox ORDER BY pos")
        .toArray()
        .map((r) => r.event_id);
      expect(await flushOutbox(sql, env)).toBe(450);
      return queued;
    });
    expect((await chainRows(t)).map((r) => r.event_id)).toEqual(ids);
  });

  it("when the AuditLogObject refuses, the rows stay, an alarm is set, and the retry forwards them once", async () => {
    const t = freshTenantId();
    await auditLogObject(env, t).append([toEventInput(scopeOf(t), { action: "test.first" })]);
    await withChainSql(t, (sql) =>
      sql.exec("CREATE TRIGGER refuse_appends BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'down'); END"),
    );
    const h = host();
    await h.run(async (sql, storage) => {
      createOutboxTable(sql);
      writeRecords(storage, t, ["a"]);
      writeRecords(storage, t, ["b"]);
      await storage.deleteAlarm();
      const before = Date.now();
      expect(await forwardOutbox(storage, env)).toBeNull();
      expect(outboxSize(sql)).toBe(2);
      const alarm = await storage.getAlarm();
      expect(alarm).not.toBeNull();
      expect(alarm!).toBeGreaterThanOrEqual(before + OUTBOX_RETRY_MS);
      expect(alarm!).toBeLessThanOrEqual(Date.now() + OUTBOX_RETRY_MS);
      // An earlier alarm (other work of the owner) is not pushed back.
      await storage.setAlarm(before + 1000);
      expect(await forwardOutbox(storage, env)).toBeNull();
      expect(await storage.getAlarm()).toBe(before + 1000);
    });
    await withChainSql(t, (sql) => sql.exec("DROP TRIGGER refuse_appends"));
    await abortAllDurableObjects();
    // What the owner's alarm() runs:
    expect(await h.run((_sql, storage) => forwardOutbox(storage, env))).toBe(2);
    expect(await h.run((sql) => outboxSize(sql))).toBe(0);
    expect((await chainRows(t)).map((r) => [r.seq, r.action])).toEqual([
      [1, "test.first"],
      [2, "record.write"],
      [3, "record.write"],
    ]);
    expect(await chainOk(t)).toBe(true);
  });
});
