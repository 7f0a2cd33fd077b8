// Group commit in the tenant's audit chain (src/shared/audit/group-append.ts), through the real
// AuditLogObject: concurrent appends share transactions, and each caller still gets exactly its
// own events, in order, or its own error.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditLogObject } from "../../src/shared/audit/append";
import { freshTenantId, input, withChainSql } from "./helpers";

const chain = (tenantId: string) =>
  withChainSql(tenantId, (sql) =>
    sql.exec<{ seq: number; event_id: string }>("SELECT seq, event_id FROM audit_events ORDER BY seq").toArray(),
  );

describe("group append", () => {
  it("concurrent appends each get their own stored events, once, on one unbroken chain", async () => {
    const t = freshTenantId();
    const stub = auditLogObject(env, t);
    const calls = Array.from({ length: 30 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, j) => input(t, { action: `test.call_${i}`, details: { j } })),
    );
    const results = await Promise.all(calls.map((events) => stub.append(events)));
    results.forEach((stored, i) => {
      expect(stored.map((e) => e.event_id)).toEqual(calls[i].map((e) => e.event_id));
      expect(stored.map((e) => e.action)).toEqual(calls[i].map(() => `test.call_${i}`));
      // A call's events are consecutive in the chain, in its order.
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, j) => stored[0].seq + j));
    });
    const rows = await chain(t);
    const total = calls.reduce((n, c) => n + c.length, 0);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(total);
    const head = await stub.chainHead();
    const v = await stub.verify({ nextSeq: 1, prevHash: null, toSeq: head.seq, limit: 10_000 });
    expect(v.bad).toBeUndefined();
    expect(v.checked).toBe(total);
    // A retried call (same event ids) gets the stored events back and adds nothing.
    const again = await Promise.all([stub.append(calls[3]), stub.append(calls[4])]);
    expect(again.map((s) => s.map((e) => e.seq))).toEqual([results[3], results[4]].map((s) => s.map((e) => e.seq)));
    expect((await chain(t)).length).toBe(total);
  });

  it("a call with another tenant's event fails alone; the calls beside it are stored", async () => {
    const t = freshTenantId();
    const stub = auditLogObject(env, t);
    await stub.append([input(t)]); // binds the chain to t
    const good = Array.from({ length: 5 }, () => [input(t)]);
    const settled = await Promise.allSettled([
      ...good.map((events) => stub.append(events)),
      stub.append([input(t), input(freshTenantId())]),
    ]);
    expect(settled.slice(0, 5).map((s) => s.status)).toEqual(Array(5).fill("fulfilled"));
    expect(settled[5].status).toBe("rejected");
    const ids = (await chain(t)).map((r) => r.event_id);
    expect(ids).toHaveLength(6);
    for (const [e] of good) expect(ids).toContain(e.event_id);
  });
});
