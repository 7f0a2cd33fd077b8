/**
 * Audit chain throughput inside workerd: events/s appended through one AuditLogObject
 * (one event per call, and batches of 100 and 1000), verification speed, and a logs
 * page over a large chain. Events/s = hz × events per call.
 */
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { test } from "vitest";
import { auditLogObject } from "../src/shared/audit/append";
import type { AuditEventInput } from "../src/shared/audit/event";

let counter = 0;
const tenantId = `tnt_BENCH${crypto.randomUUID().replace(/-/g, "").slice(0, 21).toUpperCase()}`;

/** A realistic event: a record batch write with ids, a count and a request id. */
function events(n: number, tenant = tenantId): AuditEventInput[] {
  const time = new Date().toISOString();
  return Array.from({ length: n }, () => {
    const i = counter++;
    return {
      event_id: `evt_bench_${i}`,
      time,
      actor: "key_01JD0Z5W3K8Q4V2M7N6P5R4S3T",
      action: i % 2 ? "record.write" : "record.read",
      resource: { tenant_id: tenant, dataset_id: "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T", record_id: `rec_${i}` },
      outcome: "success",
      request_id: "6d1e3c4a-2f7b-4f0e-9a51-3c2d8b7e6f10",
      client_ip: "203.0.113.7",
      details: { count: 100, first_id: `rec_${i}`, last_id: `rec_${i + 99}` },
    };
  });
}

const stub = () => auditLogObject(env, tenantId);

// Each benchmark keeps its own time budget, so the ones of a group run one after another
// rather than through bench.compare (whose run options are shared).
test("audit append through one AuditLogObject", async ({ bench }) => {
  await bench("1 event per call", async () => {
    await stub().append(events(1));
  }).run({ time: 3000 });
  await bench("batch of 100 events per call", async () => {
    await stub().append(events(100));
  }).run({ time: 3000 });
  await bench("batch of 1000 events per call", async () => {
    await stub().append(events(1000));
  }).run({ time: 4000 });
});

test("audit append through 4 AuditLogObjects at once (aggregate)", async ({ bench }) => {
  const tenants = Array.from(
    { length: 4 },
    (_, i) => `tnt_AGG${i}${crypto.randomUUID().replace(/-/g, "").slice(0, 18).toUpperCase()}`,
  );
  await bench("4 × batch of 1000 events, concurrently", async () => {
    await Promise.all(tenants.map((t) => auditLogObject(env, t).append(events(1000, t))));
  }).run({ time: 4000 });
});

test("audit verify", async ({ bench }) => {
  const verifyTenant = `tnt_VERIFY${crypto.randomUUID().replace(/-/g, "").slice(0, 20).toUpperCase()}`;
  const CHAIN = 20_000;
  for (let i = 0; i < CHAIN; i += 1000) await auditLogObject(env, verifyTenant).append(events(1000, verifyTenant));
  await bench("verify 10,000 events (one page)", async () => {
    await auditLogObject(env, verifyTenant).verify({ nextSeq: 1, prevHash: null, toSeq: 10_000, limit: 10_000 });
  }).run({ time: 4000 });
});

test("GET /api/v1/audit/logs over a 20,000-event chain", async ({ bench }) => {
  const operator = { Authorization: `Bearer ${env.OPERATOR_TOKEN}`, "Content-Type": "application/json" };
  const call = (path: string, body: unknown) =>
    exports.default.fetch(
      new Request(`https://vault.test${path}`, { method: "POST", headers: operator, body: JSON.stringify(body) }),
    );
  const tenant = (await (await call("/api/v1/tenants", { name: "bench-logs" })).json()) as { id: string };
  const key = (await (
    await call(`/api/v1/tenants/${tenant.id}/keys`, { name: "bench", scopes: ["audit:read"] })
  ).json()) as { key: string };
  for (let i = 0; i < 20_000; i += 1000) await auditLogObject(env, tenant.id).append(events(1000, tenant.id));
  const token = key.key;
  const get = async (qs: string) => {
    const res = await exports.default.fetch(
      new Request(`https://vault.test/api/v1/audit/logs?${qs}`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    if (res.status !== 200) throw new Error(`logs ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };

  await bench.compare(
    bench("newest 100 events", () => get("limit=100")),
    bench("100 events filtered by action", () => get("limit=100&action=record.write")),
    bench("100 events filtered by dataset and actor, ascending", () =>
      get("limit=100&order=asc&dataset_id=ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T&actor=key_01JD0Z5W3K8Q4V2M7N6P5R4S3T"),
    ),
    bench("1000 events (max page)", () => get("limit=1000")),
    { time: 3000 },
  );
});
