import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CHECKPOINT_EVERY_EVENTS, CHECKPOINT_EVERY_MS, latestCheckpoint } from "../../src/shared/audit/checkpoint";
import { logsQuery, type AuditFilter } from "../../src/shared/audit/store";
import { freshTenantId, input, stubOf, withChainSql } from "./helpers";

describe("logs queries", () => {
  it("every filter combination walks an index in seq order: no table scan, no sort", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t, { resource: { dataset_id: "ds_1", record_id: "rec_1" } })]);
    const values: Required<Omit<AuditFilter, "from" | "to">> = {
      action: "a.b",
      actor: "key_1",
      outcome: "denied",
      resourceId: "rec_1",
      datasetId: "ds_1",
    };
    const keys = Object.keys(values) as (keyof typeof values)[];
    const plans = await withChainSql(t, (sql) => {
      const out: { filter: AuditFilter; plan: string[] }[] = [];
      for (let mask = 0; mask < 1 << keys.length; mask++) {
        const filter: AuditFilter = {};
        keys.forEach((k, i) => {
          if (mask & (1 << i)) (filter as Record<string, string>)[k] = values[k];
        });
        for (const order of ["asc", "desc"] as const) {
          for (const afterSeq of [undefined, 10]) {
            const q = logsQuery({ filter, order, limit: 100, afterSeq }, [1, 1000]);
            const plan = sql
              .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.sql}`, ...q.params)
              .toArray()
              .map((r) => r.detail);
            out.push({ filter, plan });
          }
        }
      }
      return out;
    });
    expect(plans).toHaveLength(128);
    for (const { filter, plan } of plans) {
      const where = JSON.stringify(filter);
      expect(plan.join(" | "), where).not.toMatch(/TEMP B-TREE|^SCAN|\| SCAN/);
      expect(plan[0], where).toMatch(/^SEARCH (e|r) USING (INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)/);
    }
  });
});

describe("checkpoint cadence", () => {
  it(`is due ${CHECKPOINT_EVERY_MS} ms after the first uncovered event, and the alarm writes the head to D1`, async () => {
    const t = freshTenantId();
    const before = Date.now();
    await stubOf(t).append([input(t), input(t)]);
    const alarm = await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + CHECKPOINT_EVERY_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + CHECKPOINT_EVERY_MS);
    // More events do not push the alarm back.
    await stubOf(t).append([input(t)]);
    expect(await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm())).toBe(alarm);
    expect(await latestCheckpoint(env.DB, t)).toBeNull();
    expect(await runDurableObjectAlarm(stubOf(t))).toBe(true);
    const head = await stubOf(t).chainHead();
    expect(await latestCheckpoint(env.DB, t)).toMatchObject({ seq: 3, hash: head.hash });
    // Nothing new, nothing scheduled.
    expect(await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm())).toBeNull();
  });

  it(`is due at once when ${CHECKPOINT_EVERY_EVENTS} events are uncovered`, async () => {
    const t = freshTenantId();
    await stubOf(t).append(Array.from({ length: CHECKPOINT_EVERY_EVENTS - 1 }, () => input(t)));
    const later = await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm());
    expect(later).toBeGreaterThan(Date.now());
    await stubOf(t).append([input(t)]);
    const now = await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm());
    // Either still pending at "now", or already run by the runtime.
    if (now !== null) expect(now).toBeLessThanOrEqual(Date.now());
    await runDurableObjectAlarm(stubOf(t));
    // The runtime may be running the alarm itself; wait for its D1 write.
    await vi.waitFor(
      async () => expect(await latestCheckpoint(env.DB, t)).toMatchObject({ seq: CHECKPOINT_EVERY_EVENTS }),
      { timeout: 3000 },
    );
  });

  it("keeps every checkpoint and never checkpoints a chain below the last one", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t), input(t), input(t)]);
    await runDurableObjectAlarm(stubOf(t));
    await stubOf(t).append([input(t)]);
    await runDurableObjectAlarm(stubOf(t));
    await withChainSql(t, (sql) => sql.exec("DELETE FROM audit_events WHERE seq >= 3"));
    await stubOf(t).append([input(t)]);
    await runDurableObjectAlarm(stubOf(t));
    const rows = await env.DB.prepare("SELECT seq FROM audit_checkpoints WHERE tenant_id = ? ORDER BY seq")
      .bind(t)
      .all<{ seq: number }>();
    expect(rows.results.map((r) => r.seq)).toEqual([3, 4]);
  });

  it("a checkpoint that D1 refuses is retried by a later alarm", async () => {
    const t = freshTenantId();
    await stubOf(t).append([input(t), input(t)]);
    await env.DB.exec("ALTER TABLE audit_checkpoints RENAME TO audit_checkpoints_away");
    try {
      const before = Date.now();
      expect(await runDurableObjectAlarm(stubOf(t))).toBe(true);
      const retryAt = await runInDurableObject(stubOf(t), (_i, state) => state.storage.getAlarm());
      expect(retryAt).toBeGreaterThanOrEqual(before + CHECKPOINT_EVERY_MS);
    } finally {
      await env.DB.exec("ALTER TABLE audit_checkpoints_away RENAME TO audit_checkpoints");
    }
    expect(await latestCheckpoint(env.DB, t)).toBeNull();
    expect(await runDurableObjectAlarm(stubOf(t))).toBe(true);
    expect(await latestCheckpoint(env.DB, t)).toMatchObject({ seq: 2 });
  });
});
