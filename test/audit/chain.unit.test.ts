import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AuditLogObject } from "../../durable-objects/audit-log-object";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendAudit } from "../../src/shared/audit/append";
import { chainHash, GENESIS_HASH, canonicalEvent } from "../../src/shared/audit/event";
import { guardDetails, REDACTED } from "../../src/shared/audit/safe-details";
import { freshTenantId, input, stubOf, withChainSql } from "./helpers";

describe("audit chain: sequencing and hashing", () => {
  it("numbers events 1, 2, 3 and links each to the previous hash", async () => {
    const t = freshTenantId();
    const stored = await stubOf(t).append([input(t), input(t), input(t)]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(stored[0].prev_hash).toBe(GENESIS_HASH);
    expect(stored[1].prev_hash).toBe(stored[0].hash);
    expect(stored[2].prev_hash).toBe(stored[1].hash);
    for (const e of stored) expect(e.hash).toBe(chainHash(e.prev_hash, e));
    const more = await stubOf(t).append([input(t)]);
    expect(more[0].seq).toBe(4);
    expect(more[0].prev_hash).toBe(stored[2].hash);
  });

  it("hash is SHA-256 over the previous hash bytes and the RFC 8785 form of the event", async () => {
    const t = freshTenantId();
    const [e] = await stubOf(t).append([input(t, { details: { b: 1, a: [true, null, "x"], n: 1e21 } })]);
    const canonical = canonicalEvent(e);
    // RFC 8785: keys sorted, no whitespace, ES number formatting.
    expect(canonical).toContain('"details":{"a":[true,null,"x"],"b":1,"n":1e+21}');
    expect(canonical.indexOf('"action"')).toBeLessThan(canonical.indexOf('"actor"'));
    const bytes = new Uint8Array([...hexBytes(e.prev_hash), ...new TextEncoder().encode(canonical)]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    expect(e.hash).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("stores an event id once, however often it is appended", async () => {
    const t = freshTenantId();
    const a = input(t);
    const first = await stubOf(t).append([a, input(t)]);
    const again = await stubOf(t).append([a]);
    expect(again[0]).toEqual(first[0]);
    const both = await stubOf(t).append([input(t), a]);
    expect(both.map((e) => e.seq)).toEqual([3, 1]);
    expect(
      await withChainSql(t, (sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_events").one().n),
    ).toBe(3);
  });

  it("the same event id twice in one batch is stored once", async () => {
    const t = freshTenantId();
    const a = input(t);
    const stored = await stubOf(t).append([a, input(t), a]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 1]);
    expect((await stubOf(t).chainHead()).seq).toBe(2);
  });

  it("the canonical form equals canonicalize() of the hashed fields, for any event", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const text = fc.string({ unit: "binary", maxLength: 30 });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          event_id: text,
          time: text,
          actor: text,
          action: text,
          resource: fc.dictionary(text, text),
          outcome: fc.constantFrom("success" as const, "denied" as const, "error" as const),
          request_id: fc.option(text),
          client_ip: fc.option(text),
          details: fc.dictionary(text, json),
        }),
        (e) => {
          const { seq, event_id, time, actor, action, resource, outcome, request_id, client_ip, details } = e;
          expect(canonicalEvent(e)).toBe(
            canonicalize({ seq, event_id, time, actor, action, resource, outcome, request_id, client_ip, details }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a batch is stored whole or not at all", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t)]);
    const bad = { ...input(t), action: "Not An Action" };
    await expect(appendInside(t, [input(t), bad])).rejects.toThrow(/invalid audit event/);
    expect((await stubOf(t).chainHead()).seq).toBe(1);
  });

  it("refuses events of another tenant, so a misrouted event never enters the chain", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t)]);
    await expect(appendInside(t, [input(freshTenantId())])).rejects.toThrow(/sent to the chain of/);
    expect((await stubOf(t).chainHead()).seq).toBe(1);
  });

  it("reads the head from storage: after rows vanish, the next append continues from what is stored", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t), input(t), input(t)]);
    await withChainSql(t, (sql) => sql.exec("DELETE FROM audit_events WHERE seq = 3"));
    const [next] = await stubOf(t).append([input(t)]);
    const row2 = await withChainSql(
      t,
      (sql) => sql.exec<{ hash: string }>("SELECT hash FROM audit_events WHERE seq = 2").one().hash,
    );
    expect(next.seq).toBe(3);
    expect(next.prev_hash).toBe(row2);
    expect(await stubOf(t).chainHead()).toMatchObject({ seq: 3, hash: next.hash });
  });

  it("chain time never goes backwards and a late producer time is kept as details.occurred_at", async () => {
    const t = freshTenantId();
    const early = new Date(Date.now() - 60_000).toISOString();
    const [late] = await stubOf(t).append([input(t, { time: early, details: { count: 2 } })]);
    expect(late.details).toEqual({ count: 2, occurred_at: early });
    expect(Date.parse(late.time)).toBeGreaterThan(Date.parse(early));
    const [prompt] = await stubOf(t).append([input(t)]);
    expect(prompt.details).toEqual({});
    // Force a head time in the future: the next event must not be stamped earlier.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await withChainSql(t, (sql) => sql.exec("UPDATE audit_events SET time = ? WHERE seq = 2", future));
    const [after] = await stubOf(t).append([input(t)]);
    expect(after.time).toBe(future);
  });
});

describe("audit details guard", () => {
  it("refuses fields named like secrets", () => {
    for (const key of [
      "password",
      "client_secret",
      "apiKey",
      "api_key",
      "token",
      "privateKey",
      "plaintext",
      "authorization",
      "refreshToken",
      "Access-Token",
    ]) {
      expect(() => guardDetails({ [key]: "x" }), key).toThrow(/named like a secret/);
    }
    expect(() => guardDetails({ nested: { secret_value: 1 } })).toThrow(/details\.nested\.secret_value/);
  });

  it("keeps counts, ids, names and reasons", () => {
    const ok = {
      count: 3,
      key_id: "key_1",
      token_count: 4,
      tokens: 2,
      name: "my dataset",
      reason: "not-found",
      fields: ["name"],
      first_id: "rec_1",
    };
    expect(guardDetails(ok)).toEqual(ok);
  });

  it("redacts credential-shaped values, whatever the field", () => {
    const values = [
      "ldv.key_01JD0Z5W3K8Q4V2M7N6P5R4S3T.c2VjcmV0c2VjcmV0c2VjcmV0",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
      "AKIAIOSFODNN7EXAMPLE",
      "Bearer abcdefghijklmnop",
    ];
    for (const v of values)
      expect(guardDetails({ name: v, list: [v] }), v).toEqual({ name: REDACTED, list: [REDACTED] });
  });

  it("bounds size, depth and types", () => {
    expect(() => guardDetails({ blob: "x".repeat(2000) })).toThrow(/longer than/);
    expect(() => guardDetails({ a: { b: { c: { d: { e: 1 } } } } })).toThrow(/deeper/);
    expect(() => guardDetails({ n: Number.NaN })).toThrow(/finite/);
    expect(() => guardDetails({ d: new Date() })).toThrow(/not a JSON value/);
    expect(() => guardDetails({ many: Array.from({ length: 20 }, () => "y".repeat(500)) })).toThrow(/limit is 8192/);
  });

  it("appendAudit retries a retryable failure once with the same event ids, and answers 503 otherwise", async () => {
    const t = freshTenantId();
    const scope = { tenantId: t, actor: "key_x", requestId: null, clientIp: null };
    // The AUDIT_LOG binding with a connection that breaks on the first call (as the runtime
    // reports one: an Error with retryable = true); later calls reach the real object.
    const flaky = (failures: { retryable?: boolean; overloaded?: boolean }[]) => {
      const sent: string[][] = [];
      const ns = {
        idFromName: (n: string) => env.AUDIT_LOG.idFromName(n),
        get: (id: DurableObjectId) => ({
          append: async (events: { event_id: string }[]) => {
            sent.push(events.map((e) => e.event_id));
            const f = failures.shift();
            if (f) throw Object.assign(new Error("Network connection lost."), f);
            return env.AUDIT_LOG.get(id).append(events as never);
          },
        }),
      };
      return { env: { AUDIT_LOG: ns as unknown as typeof env.AUDIT_LOG }, sent };
    };
    const ok = flaky([{ retryable: true }]);
    const [stored] = await appendAudit(ok.env, scope, { action: "test.retried" });
    expect(ok.sent).toHaveLength(2);
    expect(ok.sent[1]).toEqual(ok.sent[0]);
    expect(stored).toMatchObject({ seq: 1, event_id: ok.sent[0][0] });
    for (const failure of [{}, { retryable: true, overloaded: true }, { retryable: true }]) {
      const bad = flaky([failure, failure]);
      await expect(appendAudit(bad.env, scope, { action: "test.failed" })).rejects.toMatchObject({
        status: 503,
        slug: "audit-unavailable",
      });
      expect(bad.sent).toHaveLength(failure.retryable && !("overloaded" in failure) ? 2 : 1);
    }
    expect((await stubOf(t).chainHead()).seq).toBe(1);
  });

  it("the scope's tenant wins over a tenant_id in the entry's resource", async () => {
    const t = freshTenantId();
    const [stored] = await appendAudit(
      env,
      { tenantId: t, actor: "key_x", requestId: null, clientIp: null },
      { action: "test.x", resource: { tenant_id: "tnt_other", dataset_id: "ds_1" } },
    );
    expect(stored.resource).toEqual({ tenant_id: t, dataset_id: "ds_1" });
  });

  it("appendAudit refuses a secret-named field before anything is stored", async () => {
    const t = freshTenantId();
    const scope = { tenantId: t, actor: "key_x", requestId: null, clientIp: null };
    await expect(appendAudit(env, scope, { action: "test.bad", details: { password: "hunter2" } })).rejects.toThrow(
      /named like a secret/,
    );
    const [stored] = await appendAudit(env, scope, {
      action: "test.redacted",
      details: { name: "AKIAIOSFODNN7EXAMPLE" },
    });
    expect(stored.seq).toBe(1);
    expect(stored.details).toEqual({ name: REDACTED });
  });
});

/**
 * Calls AuditLogObject.append inside the object. A rejecting stub call made straight from a
 * test leaks an unhandled rejection in vitest-plugin, formerly vitest-pool-workers (workers-sdk#14736).
 */
function appendInside(tenantId: string, events: ReturnType<typeof input>[]) {
  return runInDurableObject(stubOf(tenantId), (instance: AuditLogObject) => instance.append(events));
}

function hexBytes(hex: string): number[] {
  return hex.match(/../g)!.map((b) => parseInt(b, 16));
}
