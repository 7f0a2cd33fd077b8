#!/usr/bin/env node
// `npm run bench:dataset-jobs -- --records N`: records/s of each dataset job type (pii-scan,
// anonymize in place, re-encrypt) on one N-record dataset through the local stack (API worker,
// queue, consumer, Durable Objects, D1, R2 in one `wrangler dev`). Starts the stack if nothing
// answers on $PORT (default 8805), seeds a tenant, writes N chat-like records of which a third
// carry an e-mail address and a phone number (POST /records/batch), then runs the jobs one after another and reads
// each job's wall time from its created_at/finished_at. Loopback only.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { operatorToken, seedTenant } from "../load/lib/seed.mjs";
import { apiClient, machineLine, waitJob } from "./lib/api.mjs";
import { jobRecord as record } from "./dataset-jobs-records.mjs";
import { readdirSync, readFileSync } from "node:fs";
import { assertLoopback, groupCpuSeconds, isHealthy, startStack } from "../load/lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "20000" },
    base: { type: "string" },
    // Comma-separated subset of pii-scan,anonymize,re-encrypt (re-encrypt runs after a rotate-key).
    jobs: { type: "string", default: "pii-scan,anonymize,re-encrypt" },
  },
});
const N = Number(args.records);
const base = assertLoopback(args.base ?? `http://127.0.0.1:${process.env.PORT ?? 8805}`);
const log = (m) => console.log(m);

// Polling costs the API worker CPU (auth, D1) that the jobs share, so every 1 s; the time comes from the job's timestamps.
const api = apiClient(base, { "Content-Type": "application/json" });

/** CPU seconds (user + system) of the workerd processes of process group `pgid` (the stack this script started). */
function workerdCpuSeconds(pgid) {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (name === "workerd" && Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended between readdir and read
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Median ms of sequential GET /healthz: a reference for how fast the machine is during this run. */
async function healthzMedianMs(n = 200) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await (await fetch(`${base}/healthz`)).arrayBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[n >> 1];
}

let started = null;
if (!(await isHealthy(base))) {
  log(`Starting the local stack on ${base} ...`);
  started = await startStack({ root, base, logFile: join(root, "bench-results", "dataset-jobs-stack.log"), log });
}
try {
  const { key } = await seedTenant(base, operatorToken(root), `bench-jobs-${Date.now()}`);
  const ds = await (
    await api(key, "/api/v1/datasets", { method: "POST", body: JSON.stringify({ name: `jobs-${Date.now()}` }) })
  ).json();
  // Seeded through POST /records/batch (1000 per request): the jobs are measured, not the import.
  for (let i = 0; i < N; i += 1000) {
    const records = Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ data: record(i + j) }));
    await api(key, `/api/v1/datasets/${ds.id}/records/batch`, { method: "POST", body: JSON.stringify({ records }) });
  }
  const file = { length: Array.from({ length: N }, (_, i) => JSON.stringify(record(i))).join("\n").length };
  log(`dataset: ${N} records (${(file.length / 1e6).toFixed(1)} MB NDJSON), a third with an e-mail and a phone number`);

  const healthBefore = await healthzMedianMs();
  const run = async (name, body, before) => {
    if (before) await before();
    const cpu0 = started ? workerdCpuSeconds(started.pid) : null;
    const all0 = started ? groupCpuSeconds(started.pid) : null;
    const t0 = performance.now();
    const job = await (
      await api(key, `/api/v1/datasets/${ds.id}/jobs`, { method: "POST", body: JSON.stringify(body) })
    ).json();
    const done = await waitJob(api, key, job.id, 1000);
    const polled = (performance.now() - t0) / 1000;
    const sec = (Date.parse(done.finished_at) - Date.parse(done.created_at)) / 1000;
    // The stack's CPU over the job (polling included): workerd runs the consumer, the objects, D1 and R2.
    const cpu = started ? workerdCpuSeconds(started.pid) - cpu0 : null;
    const all = started ? groupCpuSeconds(started.pid) - all0 : null;
    if (done.status !== "succeeded") throw new Error(`${name}: ${JSON.stringify(done).slice(0, 400)}`);
    return { name, sec, polled, cpu, all, ranges: done.ranges.length, progress: done.progress };
  };
  const wanted = new Set(args.jobs.split(","));
  const rows = [];
  if (wanted.has("pii-scan")) rows.push(await run("pii-scan", { type: "pii-scan" }));
  if (wanted.has("anonymize"))
    rows.push(
      await run("anonymize in place (EMAIL, PHONE → pseudonymize)", {
        type: "anonymize",
        target: "in_place",
        operators: { EMAIL: { type: "pseudonymize" }, PHONE: { type: "pseudonymize" } },
      }),
    );
  if (wanted.has("re-encrypt"))
    rows.push(
      await run("re-encrypt (after rotate-key), destroy_retired", { type: "re-encrypt", destroy_retired: true }, () =>
        api(key, `/api/v1/datasets/${ds.id}/rotate-key`, { method: "POST" }),
      ),
    );
  const healthAfter = await healthzMedianMs();
  const us = (s) => (s === null ? "n/a" : ((s * 1e6) / N).toFixed(0));
  log(
    `\n| job | records | seconds | records/s | seconds to the poll that saw it end | workerd CPU µs/record | stack CPU µs/record | ranges | counts |\n|---|---|---|---|---|---|---|---|---|`,
  );
  for (const r of rows) {
    const counts = Object.entries(r.progress)
      .filter(([k]) => !k.includes("."))
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    log(
      `| ${r.name} | ${N} | ${r.sec.toFixed(2)} | ${Math.round(N / r.sec).toLocaleString("en")} | ${r.polled.toFixed(2)} | ${us(r.cpu)} | ${us(r.all)} | ${r.ranges} | ${counts} |`,
    );
  }
  log(
    `\nreference: median GET /healthz ${healthBefore.toFixed(2)} ms before the jobs, ${healthAfter.toFixed(2)} ms after (200 sequential requests each)`,
  );
  log(
    `\nchunks: 5000 records (src/shared/jobs/types/seq-window.ts), 10 s of chunks per queue delivery; one range per 5000 seqs, at most 8, of which the consumer runs 4 at once; seconds from the job's created_at to its finished_at (polled every 1 s); CPU over POST to the poll that saw the end`,
  );
  log(machineLine());
} finally {
  if (started) await started.stop();
}
