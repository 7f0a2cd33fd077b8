import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { chainHash } from "../../src/shared/audit/event";
import type { EventRow } from "../../src/shared/audit/store";
import { call, createDataset, createKey, newTenant } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";
import { allEvents, stubOf, verify, withChainSql } from "./helpers";

/** A tenant with a chain of a known length: tenant.create, key.create, then `datasets` dataset.create events. */
async function chainOf(datasets: number) {
  const t = await newTenant();
  for (let i = 0; i < datasets; i++) await createDataset(t.token);
  const v = await verify(t.token);
  expect(v).toMatchObject({ ok: true, head_seq: 2 + datasets, checked: 2 + datasets });
  return t;
}

type Row = EventRow;

const rowEvent = (r: Row) => ({
  ...r,
  resource: JSON.parse(r.resource),
  details: JSON.parse(r.details),
  outcome: r.outcome as "success",
});

/** Moves every row with seq >= from up by one, leaving `from` free. */
function shiftUp(sql: SqlStorage, from: number) {
  sql.exec("UPDATE audit_events SET seq = -seq WHERE seq >= ?", from);
  sql.exec("UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0");
}

const forgedRow = (seq: number, prevHash: string) => ({
  seq,
  event_id: `evt_forged_${seq}`,
  time: new Date().toISOString(),
  actor: "operator",
  action: "dataset.delete",
  resource: JSON.stringify({ tenant_id: "tnt_x" }),
  outcome: "success",
  request_id: null,
  client_ip: null,
  details: "{}",
  prev_hash: prevHash,
  hash: "",
});

function insertRow(sql: SqlStorage, r: ReturnType<typeof forgedRow>) {
  sql.exec(
    "INSERT INTO audit_events (seq, event_id, time, actor, action, resource, outcome, request_id, client_ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    r.seq,
    r.event_id,
    r.time,
    r.actor,
    r.action,
    r.resource,
    r.outcome,
    r.request_id,
    r.client_ip,
    r.details,
    r.prev_hash,
    r.hash,
  );
}

describe("audit chain verification", () => {
  it("verifies after a mix of operations from several keys, and records who did what", async () => {
    const { tenant, key: adminKey, token: admin } = await newTenant();
    const writer = await createKey(tenant.id, ["datasets:read", "datasets:write"], "writer");
    const reader = await createKey(tenant.id, ["datasets:read"], "reader");
    const ds = await createDataset(admin);
    const ds2 = await createDataset(writer.key);
    const dataset = client(writer.key).api.v1.datasets[":id"];
    const got = await dataset.$get({ param: { id: ds2.id } });
    await expectJson(got, 200);
    const etag = got.headers.get("etag")!;
    await expectJson(
      await dataset.$put({ param: { id: ds2.id }, header: { "if-match": etag }, json: { description: "d" } }),
      200,
    );
    expect((await call(`/api/v1/datasets/${ds.id}`, { token: reader.key, method: "DELETE" })).status).toBe(403);
    expect((await call("/api/v1/datasets", { token: `ldv.${reader.id}.${"A".repeat(43)}` })).status).toBe(401);
    expect((await call(`/api/v1/datasets/${ds.id}`, { token: writer.key, method: "DELETE" })).status).toBe(204);
    const key = operator().api.v1.tenants[":id"].keys[":keyId"];
    await expectJson(await key.$delete({ param: { id: tenant.id, keyId: reader.id } }), 200);

    const v = await verify(admin);
    expect(v).toMatchObject({ ok: true });
    const events = await allEvents(admin);
    expect(v.checked).toBe(events.length);
    expect(v.head_seq).toBe(events.length);
    expect(v.head_hash).toBe(events[events.length - 1].hash);
    expect(events.map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ["tenant.create", "operator", "success"],
      ["key.create", "operator", "success"],
      ["key.create", "operator", "success"],
      ["key.create", "operator", "success"],
      ["dataset.create", adminKey.id, "success"],
      ["dataset.create", writer.id, "success"],
      ["dataset.update", writer.id, "success"],
      ["auth.scope_denied", reader.id, "denied"],
      ["auth.failure", reader.id, "denied"],
      ["dataset.delete", writer.id, "success"],
      ["key.revoke", "operator", "success"],
    ]);
  });

  it("modifying one event's content is reported at its seq", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) =>
      sql.exec(`UPDATE audit_events SET details = '{"name":"innocent"}' WHERE seq = 4`),
    );
    expect(await verify(token)).toMatchObject({ ok: false, first_bad_seq: 4, reason: "hash_mismatch", checked: 3 });
  });

  it("modifying one event's actor, outcome or hash is reported at its seq", async () => {
    for (const [col, value] of [
      ["actor", "key_someoneelse"],
      ["outcome", "denied"],
      ["time", "2020-01-01T00:00:00.000Z"],
      ["hash", "0".repeat(64)],
    ]) {
      const { token, tenant } = await chainOf(3);
      await withChainSql(tenant.id, (sql) => sql.exec(`UPDATE audit_events SET ${col} = ? WHERE seq = 3`, value));
      expect(await verify(token), col).toMatchObject({ ok: false, first_bad_seq: 3, reason: "hash_mismatch" });
    }
  });

  it("deleting one event is reported at its seq", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) => sql.exec("DELETE FROM audit_events WHERE seq = 4"));
    expect(await verify(token)).toMatchObject({ ok: false, first_bad_seq: 4, reason: "missing", checked: 3 });
  });

  it("deleting the first event is reported at seq 1", async () => {
    const { token, tenant } = await chainOf(2);
    await withChainSql(tenant.id, (sql) => sql.exec("DELETE FROM audit_events WHERE seq = 1"));
    expect(await verify(token)).toMatchObject({ ok: false, first_bad_seq: 1, reason: "missing", checked: 0 });
  });

  it("inserting an event is reported at the inserted seq", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) => {
      const prev = sql.exec<{ hash: string }>("SELECT hash FROM audit_events WHERE seq = 3").one().hash;
      shiftUp(sql, 4);
      insertRow(sql, { ...forgedRow(4, prev), hash: "ab".repeat(32) });
    });
    expect(await verify(token)).toMatchObject({ ok: false, first_bad_seq: 4, reason: "hash_mismatch" });
  });

  it("an inserted event with a correctly computed hash is self-consistent: the break shows at the next seq", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) => {
      const prev = sql.exec<{ hash: string }>("SELECT hash FROM audit_events WHERE seq = 3").one().hash;
      shiftUp(sql, 4);
      const row = forgedRow(4, prev);
      insertRow(sql, {
        ...row,
        hash: chainHash(prev, { ...row, resource: JSON.parse(row.resource), details: {}, outcome: "success" }),
      });
    });
    // The forged seq 4 links and hashes correctly; the displaced original (now seq 5)
    // no longer links to its predecessor, and its hash covers its old seq.
    expect(await verify(token)).toMatchObject({
      ok: false,
      first_bad_seq: 5,
      reason: "prev_hash_mismatch",
      checked: 4,
    });
  });

  it("reordering two events is reported at the first of them", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) => {
      sql.exec("UPDATE audit_events SET seq = -1 WHERE seq = 4");
      sql.exec("UPDATE audit_events SET seq = 4 WHERE seq = 5");
      sql.exec("UPDATE audit_events SET seq = 5 WHERE seq = -1");
    });
    expect(await verify(token)).toMatchObject({
      ok: false,
      first_bad_seq: 4,
      reason: "prev_hash_mismatch",
      checked: 3,
    });
  });

  it("reordering by swapping contents (seqs left in place) is reported at the first of them", async () => {
    const { token, tenant } = await chainOf(5);
    await withChainSql(tenant.id, (sql) => {
      const cols = "event_id, time, actor, action, resource, outcome, request_id, client_ip, details, prev_hash, hash";
      const [a, b] = sql.exec<Row>(`SELECT seq, ${cols} FROM audit_events WHERE seq IN (4, 5) ORDER BY seq`).toArray();
      sql.exec("DELETE FROM audit_events WHERE seq IN (4, 5)");
      for (const [seq, r] of [
        [4, b],
        [5, a],
      ] as const)
        insertRow(sql, { ...r, seq } as ReturnType<typeof forgedRow>);
    });
    expect(await verify(token)).toMatchObject({ ok: false, first_bad_seq: 4, reason: "prev_hash_mismatch" });
  });

  it("verifies a seq range: a fault outside it is not reported, inside it is", async () => {
    const { token, tenant } = await chainOf(6);
    await withChainSql(tenant.id, (sql) => sql.exec(`UPDATE audit_events SET action = 'dataset.delete' WHERE seq = 6`));
    expect(await verify(token, { from_seq: 1, to_seq: 5 })).toMatchObject({ ok: true, checked: 5, head_seq: 8 });
    expect(await verify(token, { from_seq: 3, to_seq: 7 })).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      reason: "hash_mismatch",
      checked: 3,
    });
    expect(await verify(token, { from_seq: 7 })).toMatchObject({ ok: true, checked: 2 });
    // A range past the head is clamped to it.
    expect(await verify(token, { from_seq: 7, to_seq: 1000 })).toMatchObject({ ok: true, checked: 2 });
  });
});

describe("audit checkpoints", () => {
  it("the alarm checkpoints the head into D1 and verify compares with it", async () => {
    const { token, tenant } = await chainOf(3);
    expect((await verify(token)).checkpoint).toBeNull();
    expect(await runDurableObjectAlarm(stubOf(tenant.id))).toBe(true);
    const v = await verify(token);
    expect(v).toMatchObject({ ok: true, head_seq: 5, checkpoint: { seq: 5, hash: v.head_hash } });
  });

  it("a deleted tail is reported as truncated against the last checkpoint", async () => {
    const { token, tenant } = await chainOf(6);
    await runDurableObjectAlarm(stubOf(tenant.id));
    await withChainSql(tenant.id, (sql) => sql.exec("DELETE FROM audit_events WHERE seq > 5"));
    // The remaining chain is consistent; only the checkpoint shows what is gone.
    expect(await verify(token)).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      reason: "truncated",
      head_seq: 5,
      checked: 5,
      checkpoint: { seq: 8 },
    });
    // The alarm refuses to checkpoint the shortened chain, so the evidence stays.
    await createDataset(token);
    await runDurableObjectAlarm(stubOf(tenant.id));
    expect(await verify(token)).toMatchObject({ ok: false, checkpoint: { seq: 8 } });
  });

  it("a deleted tail that was appended to again is reported at the checkpoint's seq", async () => {
    const { token, tenant } = await chainOf(4);
    await runDurableObjectAlarm(stubOf(tenant.id));
    await withChainSql(tenant.id, (sql) => sql.exec("DELETE FROM audit_events WHERE seq > 4"));
    await createDataset(token);
    await createDataset(token);
    expect(await verify(token)).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      reason: "checkpoint_mismatch",
      head_seq: 6,
    });
  });

  it("history rewritten with recomputed hashes is caught by the checkpoint", async () => {
    const { token, tenant } = await chainOf(4);
    await runDurableObjectAlarm(stubOf(tenant.id));
    await withChainSql(tenant.id, (sql) => {
      // The attacker knows the algorithm: change event 3 and re-chain everything after it.
      sql.exec(`UPDATE audit_events SET details = '{"name":"rewritten"}' WHERE seq = 3`);
      const rows = sql.exec<Row>("SELECT * FROM audit_events WHERE seq >= 3 ORDER BY seq").toArray();
      let prev = sql.exec<{ hash: string }>("SELECT hash FROM audit_events WHERE seq = 2").one().hash;
      for (const r of rows) {
        const hash = chainHash(prev, rowEvent(r));
        sql.exec("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, r.seq);
        prev = hash;
      }
    });
    expect(await verify(token)).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      reason: "checkpoint_mismatch",
      checked: 6,
    });
  });

  it("a truncation is reported even when the verified range ends below it", async () => {
    const { token, tenant } = await chainOf(4);
    await runDurableObjectAlarm(stubOf(tenant.id));
    await withChainSql(tenant.id, (sql) => sql.exec("DELETE FROM audit_events WHERE seq > 3"));
    expect(await verify(token, { from_seq: 1, to_seq: 2 })).toMatchObject({
      ok: false,
      first_bad_seq: 4,
      reason: "truncated",
      checked: 2,
    });
  });
});
