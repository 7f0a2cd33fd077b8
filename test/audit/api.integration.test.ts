import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { toEventInput } from "../../src/shared/audit/append";
import { encodeCursor } from "../../src/shared/pagination";
import { createVerifier } from "../../scripts/lib/audit-chain.mjs";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allEvents, logs, stubOf, verify, withChainSql } from "./helpers";

/** Appends `n` events straight into a tenant's chain (faster than n requests). */
async function seed(
  tenantId: string,
  n: number,
  over: Partial<{
    action: string;
    actor: string;
    resource: Record<string, string>;
    outcome: "success" | "denied" | "error";
  }> = {},
) {
  const scope = { tenantId, actor: over.actor ?? "key_seed", requestId: null, clientIp: null };
  const batch = Array.from({ length: n }, (_, i) =>
    toEventInput(scope, {
      action: over.action ?? "test.seed",
      resource: over.resource,
      outcome: over.outcome,
      details: { i },
    }),
  );
  for (let i = 0; i < batch.length; i += 500) await stubOf(tenantId).append(batch.slice(i, i + 500));
}

async function exportText(token: string, query = "") {
  const res = await call(`/api/v1/audit/export${query}`, { token });
  const text = await res.text();
  expect(res.status).toBe(200);
  return { res, text, lines: text.split("\n").filter(Boolean) };
}

function offline(lines: string[], checkpoint?: { seq: number; hash: string }) {
  const v = createVerifier({ checkpoint });
  for (const l of lines) v.push(l);
  return v.finish();
}

describe("GET /api/v1/audit/logs", () => {
  it("pages newest first by default, with cursors that walk the whole chain", async () => {
    const { tenant, token } = await newTenant(); // seq 1-2
    await seed(tenant.id, 248); // seq 3-250
    const first = await logs(token, { limit: 100 });
    expect(first.items.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 250 - i));
    const second = await logs(token, { limit: 100, cursor: first.next_cursor! });
    expect(second.items[0].seq).toBe(150);
    const third = await logs(token, { limit: 100, cursor: second.next_cursor! });
    expect(third.items.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    expect(third.next_cursor).toBeNull();
    const asc = await allEvents(token);
    expect(asc.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect((await logs(token)).items).toHaveLength(100); // default limit
    expect((await logs(token, { limit: 1000 })).items).toHaveLength(250);
  });

  it("filters by action, actor, outcome, resource id and dataset id, alone and combined", async () => {
    const { tenant, token } = await newTenant();
    const ds = await createDataset(token);
    await seed(tenant.id, 30, {
      action: "record.write",
      actor: "key_a",
      resource: { dataset_id: ds.id, record_id: "rec_1" },
    });
    await seed(tenant.id, 20, { action: "record.read", actor: "key_b", resource: { dataset_id: ds.id } });
    await seed(tenant.id, 10, {
      action: "record.write",
      actor: "key_b",
      outcome: "denied",
      resource: { dataset_id: "ds_other", record_id: "rec_1" },
    });
    await seed(tenant.id, 5, { action: "job.create", actor: "key_a", resource: { job_id: ds.id } });

    const count = async (q: Record<string, string>) => (await allEvents(token, q)).length;
    expect(await count({ action: "record.write" })).toBe(40);
    expect(await count({ actor: "key_b" })).toBe(30);
    expect(await count({ outcome: "denied" })).toBe(10);
    expect(await count({ dataset_id: ds.id })).toBe(51); // 50 seeded + dataset.create
    expect(await count({ resource_id: ds.id })).toBe(56); // also the job naming it as job_id
    expect(await count({ resource_id: "rec_1" })).toBe(40);
    expect(await count({ action: "record.write", actor: "key_b" })).toBe(10);
    expect(await count({ dataset_id: ds.id, resource_id: "rec_1" })).toBe(30);
    expect(await count({ dataset_id: ds.id, action: "record.read", order: "desc" })).toBe(20);
    expect(await count({ resource_id: tenant.id })).toBe(await count({}));
    expect(await count({ actor: "key_nobody" })).toBe(0);
    // Paging a filtered query with small pages sees every match once, in order.
    const paged = await allEvents(token, { action: "record.write", limit: 7 });
    expect(paged).toHaveLength(40);
    expect(paged.map((e) => e.seq)).toEqual([...paged.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it("filters by time range: from inclusive, to exclusive", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 3);
    const events = await allEvents(token);
    // Spread the chain over known times (monotonic, as the chain keeps them).
    await withChainSql(tenant.id, (sql) => {
      for (const e of events)
        sql.exec("UPDATE audit_events SET time = ? WHERE seq = ?", `2026-01-0${e.seq}T00:00:00.000Z`, e.seq);
    });
    const seqs = async (q: Record<string, string>) => (await allEvents(token, q)).map((e) => e.seq);
    expect(await seqs({ from: "2026-01-02T00:00:00Z" })).toEqual([2, 3, 4, 5]);
    expect(await seqs({ to: "2026-01-03T00:00:00Z" })).toEqual([1, 2]);
    expect(await seqs({ from: "2026-01-02T00:00:00Z", to: "2026-01-04T00:00:00Z" })).toEqual([2, 3]);
    expect(await seqs({ from: "2026-01-02T12:00:00+12:00", to: "2026-01-04T00:00:01Z" })).toEqual([2, 3, 4]);
    expect(await seqs({ from: "2027-01-01T00:00:00Z" })).toEqual([]);
    expect(await seqs({ to: "2025-01-01T00:00:00Z" })).toEqual([]);
    expect(
      (await logs(token, { from: "2026-01-02T00:00:00Z", order: "desc", limit: 2 })).items.map((e) => e.seq),
    ).toEqual([5, 4]);
  });

  it("rejects a cursor that is not one, or belongs to another query (400)", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 5);
    const page = await logs(token, { limit: 2, action: "test.seed" });
    for (const cursor of ["not-a-cursor", "%%%", encodeCursor({ s: "x" } as never), encodeCursor({ s: 3 })]) {
      const p = await expectProblem(
        await call(`/api/v1/audit/logs?cursor=${encodeURIComponent(cursor)}`, { token }),
        400,
      );
      expect(p.errors?.[0].path).toBe("$.cursor");
    }
    await expectProblem(await call(`/api/v1/audit/logs?limit=2&cursor=${page.next_cursor}`, { token }), 400);
    await expectProblem(
      await call(`/api/v1/audit/logs?limit=2&action=test.seed&order=asc&cursor=${page.next_cursor}`, { token }),
      400,
    );
    const query = { limit: "2", action: "test.seed", cursor: page.next_cursor! };
    await expectJson(await client(token).api.v1.audit.logs.$get({ query }), 200);
  });

  it("rejects bad query parameters with 422 naming each one", async () => {
    const { token } = await newTenant();
    const cases: [string, string][] = [
      ["limit=0", "$query.limit"],
      ["limit=1001", "$query.limit"],
      ["limit=ten", "$query.limit"],
      ["order=sideways", "$query.order"],
      ["outcome=maybe", "$query.outcome"],
      ["action=Dataset%20Create", "$query.action"],
      ["from=yesterday", "$query.from"],
      ["to=2026-13-01T00:00:00Z", "$query.to"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "$query.to"],
      ["dataset_id=a%20b", "$query.dataset_id"],
      ["actor=", "$query.actor"],
      ["acton=dataset.create", "$query.acton"],
      ["action=a.b&action=c.d", "$query.action"],
    ];
    for (const [qs, path] of cases) {
      const p = await expectProblem(await call(`/api/v1/audit/logs?${qs}`, { token }), 422);
      expect(
        p.errors?.map((e) => e.path),
        qs,
      ).toContain(path);
    }
  });
});

describe("GET /api/v1/audit/verify", () => {
  it("reports ok, the head and the checkpoint", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 100);
    const v = await verify(token);
    expect(v).toMatchObject({ ok: true, checked: 102, head_seq: 102, checkpoint: null });
    expect(v.head_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(v.first_bad_seq).toBeUndefined();
  });

  it("an empty range checks nothing", async () => {
    const { token } = await newTenant();
    expect(await verify(token, { from_seq: 50 })).toMatchObject({ ok: true, checked: 0, head_seq: 2 });
  });

  it("rejects bad ranges with 422", async () => {
    const { token } = await newTenant();
    for (const qs of ["from_seq=0", "from_seq=-3", "to_seq=abc", "from_seq=5&to_seq=4", "from_seq=1.5", "seq=1"]) {
      await expectProblem(await call(`/api/v1/audit/verify?${qs}`, { token }), 422);
    }
  });
});

describe("GET /api/v1/audit/export", () => {
  it("streams the chain as NDJSON that the offline verifier accepts", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 2500); // more than two export pages
    // The runtime may already be running a checkpoint alarm (1000 events were pending); run
    // alarms until the head is checkpointed.
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(stubOf(tenant.id));
        expect((await verify(token)).checkpoint?.seq).toBe(2502);
      },
      { timeout: 5000, interval: 100 },
    );
    const { res, lines } = await exportText(token);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    expect(lines).toHaveLength(2502);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 2502 }, (_, i) => i + 1));
    expect(res.headers.get("x-audit-head-seq")).toBe("2502");
    expect(res.headers.get("x-audit-head-hash")).toBe(events[2501].hash);
    const checkpoint = {
      seq: Number(res.headers.get("x-audit-checkpoint-seq")),
      hash: res.headers.get("x-audit-checkpoint-hash")!,
    };
    expect(checkpoint.seq).toBe(2502);
    expect(offline(lines, checkpoint)).toEqual({
      ok: true,
      checked: 2502,
      head_seq: 2502,
      head_hash: events[2501].hash,
    });
    // The offline and online verifiers agree.
    const online = await verify(token);
    expect(online.head_hash).toBe(offline(lines).head_hash);
  });

  it("exports a seq range, which verifies on its own", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 20);
    const { lines, res } = await exportText(token, "?from_seq=5&to_seq=9");
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([5, 6, 7, 8, 9]);
    expect(res.headers.get("content-disposition")).toContain(`audit-${tenant.id}-5-9.ndjson`);
    expect(offline(lines)).toMatchObject({ ok: true, checked: 5, head_seq: 9 });
    await expectProblem(await call("/api/v1/audit/export?from_seq=9&to_seq=5", { token }), 422);
  });

  it("the offline verifier finds a tampered, missing, reordered or truncated export at the right seq", async () => {
    const { tenant, token } = await newTenant();
    await seed(tenant.id, 8); // seq 1-10
    const { lines } = await exportText(token);
    const edited = [...lines];
    edited[4] = edited[4].replace('"test.seed"', '"test.other"');
    expect(offline(edited)).toMatchObject({ ok: false, first_bad_seq: 5, reason: "hash_mismatch" });
    expect(offline(lines.filter((_, i) => i !== 6))).toMatchObject({ ok: false, first_bad_seq: 7, reason: "missing" });
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(offline(swapped)).toMatchObject({ ok: false, first_bad_seq: 4, reason: "missing" });
    const last = JSON.parse(lines[9]);
    expect(offline(lines.slice(0, 7), { seq: 10, hash: last.hash })).toMatchObject({
      ok: false,
      first_bad_seq: 8,
      reason: "truncated",
    });
    expect(offline(lines, { seq: 10, hash: "f".repeat(64) })).toMatchObject({
      ok: false,
      first_bad_seq: 10,
      reason: "checkpoint_mismatch",
    });
  });

  it("an empty range is an empty body", async () => {
    const { token } = await newTenant();
    const { lines } = await exportText(token, "?from_seq=100");
    expect(lines).toEqual([]);
  });
});

describe("audit API access", () => {
  const paths = ["/api/v1/audit/logs", "/api/v1/audit/verify", "/api/v1/audit/export"];

  it("needs a key (401) with the audit:read scope (403)", async () => {
    const { tenant } = await newTenant();
    const noAudit = await createKey(tenant.id, ["datasets:read", "datasets:write", "records:read"]);
    const auditor = await createKey(tenant.id, ["audit:read"]);
    for (const p of paths) {
      await expectProblem(await call(p), 401);
      await expectProblem(await call(p, { token: "ldv.garbage" }), 401);
      await expectProblem(await call(p, { token: noAudit.key }), 403);
      await expectProblem(await call(p, { headers: { Authorization: `Bearer ${env.OPERATOR_TOKEN}` } }), 401);
      const ok = await call(p, { token: auditor.key });
      expect(ok.status, p).toBe(200);
      await ok.text();
    }
  });

  it("answers 405 for other methods", async () => {
    const { token } = await newTenant();
    for (const p of paths) await expectProblem(await call(p, { token, method: "POST", body: {} }), 405);
  });

  it("tenant A never sees tenant B's events in logs, verify or export", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const dsB = await createDataset(b.token);
    await seed(b.tenant.id, 10, { actor: "key_b_only" });
    await seed(a.tenant.id, 3);
    const aEvents = await allEvents(a.token);
    expect(aEvents.every((e) => e.resource.tenant_id === a.tenant.id)).toBe(true);
    expect(await allEvents(a.token, { dataset_id: dsB.id })).toEqual([]);
    expect(await allEvents(a.token, { resource_id: b.tenant.id })).toEqual([]);
    expect(await allEvents(a.token, { actor: "key_b_only" })).toEqual([]);
    expect(await allEvents(a.token, { actor: b.key.id })).toEqual([]);
    const va = await verify(a.token);
    const vb = await verify(b.token);
    expect(va).toMatchObject({ ok: true, head_seq: 5 });
    expect(vb).toMatchObject({ ok: true, head_seq: 13 });
    expect(va.head_hash).not.toBe(vb.head_hash);
    const { text } = await exportText(a.token);
    expect(text).not.toContain(b.tenant.id);
    expect(text).not.toContain(dsB.id);
    // Verifying B's range from A's key only sees A's chain.
    expect(await verify(a.token, { from_seq: 6, to_seq: 13 })).toMatchObject({ ok: true, checked: 0, head_seq: 5 });
  });
});
