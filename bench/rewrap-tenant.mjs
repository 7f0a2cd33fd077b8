#!/usr/bin/env node
// `npm run bench:rewrap-tenant -- --datasets N`: wrapped keys/s of the rewrap-tenant job through the
// local stack (API worker, queue, consumer, D1 in one `wrangler dev`). Starts the stack on $PORT
// (default 8879) with its state in a temporary folder if nothing answers there, seeds a tenant with
// N datasets (each with its first DEK, every fourth rotated once more), a transit key and tenant
// secrets, then runs, one after another: the job without rotate_kek (reads every wrapped key and
// re-wraps none: the baseline), with rotate_kek (re-wraps every one), and with rotate_kek and
// destroy_retired. Wall time from POST to the job's end, polled every 100 ms. Loopback only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { operatorToken, seedTenant } from "../load/lib/seed.mjs";
import { assertLoopback, isHealthy, startStack } from "../load/lib/stack.mjs";
import { machineLine } from "./lib/api.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: { datasets: { type: "string", default: "400" }, base: { type: "string" } },
});
const N = Number(args.datasets);
const base = assertLoopback(args.base ?? `http://127.0.0.1:${process.env.PORT ?? 8879}`);
const log = (m) => console.log(m);

async function api(token, path, init = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

let started = null;
let state = null;
if (!(await isHealthy(base))) {
  state = mkdtempSync(join(tmpdir(), "ldv-rewrap-bench-"));
  log(`Starting the local stack on ${base} (state in ${state}) ...`);
  started = await startStack({
    root,
    base,
    persistTo: state,
    logFile: join(root, "bench-results", "rewrap-tenant-stack.log"),
    log,
  });
}
try {
  const op = operatorToken(root);
  const { tenantId, key } = await seedTenant(base, op, `bench-rewrap-${Date.now()}`);
  for (let i = 0; i < N; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, N - i) }, async (_, j) => {
        const ds = await api(key, "/api/v1/datasets", {
          method: "POST",
          body: JSON.stringify({ name: `d-${i + j}` }),
        });
        if ((i + j) % 4 === 0) await api(key, `/api/v1/datasets/${ds.id}/rotate-key`, { method: "POST" });
      }),
    );
  }
  await api(key, "/api/v1/keys", { method: "POST", body: JSON.stringify({ name: "t", type: "aes256-gcm" }) });
  await api(key, "/api/v1/anonymize", {
    method: "POST",
    body: JSON.stringify({ text: "mail a@example.com", operators: { DEFAULT: { type: "tokenize" } } }),
  });

  const run = async (name, body) => {
    const t0 = performance.now();
    const job = await api(op, `/api/v1/tenants/${tenantId}/jobs`, { method: "POST", body: JSON.stringify(body) });
    for (;;) {
      const done = await api(op, `/api/v1/tenants/${tenantId}/jobs/${job.id}`);
      if (["succeeded", "failed", "partially_failed", "cancelled"].includes(done.status)) {
        const sec = (performance.now() - t0) / 1000;
        if (done.status !== "succeeded") throw new Error(`${name}: ${JSON.stringify(done).slice(0, 400)}`);
        return { name, sec, ranges: done.ranges.length, progress: done.progress };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const rows = [
    await run("no rotate_kek (baseline: reads all, re-wraps none)", { type: "rewrap-tenant" }),
    await run("rotate_kek", { type: "rewrap-tenant", rotate_kek: true }),
    await run("rotate_kek, destroy_retired", { type: "rewrap-tenant", rotate_kek: true, destroy_retired: true }),
  ];
  const keysOf = (p) => (p.kek_versions ?? 0) + (p.deks ?? 0) + (p.purpose_keys ?? 0) + (p.transit_versions ?? 0);
  const rewrappedOf = (p) =>
    (p.keks_rewrapped ?? 0) + (p.deks_rewrapped ?? 0) + (p.purpose_keys_rewrapped ?? 0) + (p.transit_rewrapped ?? 0);
  log(
    `\n| run | wrapped keys | re-wrapped | seconds | keys/s | time ÷ baseline | ranges |\n|---|---|---|---|---|---|---|`,
  );
  for (const r of rows)
    log(
      `| ${r.name} | ${keysOf(r.progress)} | ${rewrappedOf(r.progress)} | ${r.sec.toFixed(2)} | ${Math.round(
        keysOf(r.progress) / r.sec,
      ).toLocaleString("en")} | ${(r.sec / rows[0].sec).toFixed(2)} | ${r.ranges} |`,
    );
  log(
    `\n${N} datasets; chunks of 200 wrapped keys; one dataset range per 20 datasets (at most 7) plus the tenant's own`,
  );
  log(machineLine());
} finally {
  if (started) await started.stop();
  if (state) rmSync(state, { recursive: true, force: true });
}
