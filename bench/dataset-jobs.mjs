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
import { cpus, loadavg } from "node:os";
import { operatorToken, seedTenant } from "../load/lib/seed.mjs";
import { apiClient, waitJob } from "./lib/api.mjs";
import { assertLoopback, isHealthy, startStack } from "../load/lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: { records: { type: "string", default: "20000" }, base: { type: "string" } },
});
const N = Number(args.records);
const base = assertLoopback(args.base ?? `http://127.0.0.1:${process.env.PORT ?? 8805}`);
const log = (m) => console.log(m);

function record(i) {
  const pii = i % 3 === 0;
  return {
    conversation_id: `c${String(i).padStart(7, "0")}`,
    turns: [
      {
        role: "user",
        text: pii
          ? `Please reach me at user${i % 500}@example.com or +1 415 555 ${String(1000 + (i % 9000)).slice(-4)}.`
          : `Question ${i}: how do keys rotate?`,
      },
      { role: "assistant", text: `Add a key version, re-encrypt, then retire version ${i % 7}.` },
    ],
    score: (i % 100) / 100,
  };
}

const api = apiClient(base, { "Content-Type": "application/json" });

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

  const run = async (name, body, before) => {
    if (before) await before();
    const t0 = performance.now();
    const job = await (
      await api(key, `/api/v1/datasets/${ds.id}/jobs`, { method: "POST", body: JSON.stringify(body) })
    ).json();
    const done = await waitJob(api, key, job.id);
    const sec = (performance.now() - t0) / 1000;
    if (done.status !== "succeeded") throw new Error(`${name}: ${JSON.stringify(done).slice(0, 400)}`);
    return { name, sec, ranges: done.ranges.length, progress: done.progress };
  };
  const rows = [
    await run("pii-scan", { type: "pii-scan" }),
    await run("anonymize in place (EMAIL, PHONE → pseudonymize)", {
      type: "anonymize",
      target: "in_place",
      operators: { EMAIL: { type: "pseudonymize" }, PHONE: { type: "pseudonymize" } },
    }),
    await run("re-encrypt (after rotate-key), destroy_retired", { type: "re-encrypt", destroy_retired: true }, () =>
      api(key, `/api/v1/datasets/${ds.id}/rotate-key`, { method: "POST" }),
    ),
  ];
  log(`\n| job | records | seconds | records/s | ranges | counts |\n|---|---|---|---|---|---|`);
  for (const r of rows) {
    const counts = Object.entries(r.progress)
      .filter(([k]) => !k.includes("."))
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    log(
      `| ${r.name} | ${N} | ${r.sec.toFixed(2)} | ${Math.round(N / r.sec).toLocaleString("en")} | ${r.ranges} | ${counts} |`,
    );
  }
  log(
    `\nchunks: pii-scan and re-encrypt 1000 records, anonymize 500; one range per 5000 seqs (at most 8); wall time from POST to the job's end as seen by polling every 250 ms`,
  );
  log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
} finally {
  if (started) await started.stop();
}
