#!/usr/bin/env node
// `npm run bench:bulk`: a 100,000-record import and export through the local stack (API worker,
// queue, consumer, Durable Objects, D1, R2 in one `wrangler dev`). Starts the stack if nothing
// answers on $PORT (default 8805), seeds a tenant, sends one NDJSON file in one request, waits for
// the import job, exports the dataset as NDJSON, downloads it, and checks the manifest root against
// hashes computed here. Reports records/s and MB/s of each phase and the peak resident memory of
// the stack's workerd processes (the consumer runs in the same workerd as the API locally).
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { operatorToken, seedTenant } from "../load/lib/seed.mjs";
import { apiClient, waitJob } from "./lib/api.mjs";
import { assertLoopback, isHealthy, startStack } from "../load/lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    base: { type: "string" },
  },
});
const N = Number(args.records);
const base = assertLoopback(args.base ?? `http://127.0.0.1:${process.env.PORT ?? 8805}`);
const log = (m) => console.log(m);

/** Resident memory (kB) of the workerd processes in a process group, summed; peak kept by the sampler. */
function workerdRss(pgid) {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      if (!stat.includes("(workerd)")) continue;
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

/** A chat-transcript-like record of about 450 bytes as canonical JSON. */
function record(i) {
  return {
    conversation_id: `c${String(i).padStart(7, "0")}`,
    lang: i % 5 ? "en" : "de",
    turns: [
      { role: "user", text: `Question ${i}: how do I rotate the keys of dataset ${i % 97} without downtime?` },
      {
        role: "assistant",
        text: `Add a new key version, re-encrypt in the background, then retire version ${i % 7}. Reads keep working throughout.`,
      },
    ],
    score: (i % 100) / 100,
    tags: ["support", i % 2 ? "keys" : "rotation"],
  };
}

/** RFC 8785 canonical form of these records (sorted keys; numbers and strings as JSON.stringify writes them here). */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

const api = apiClient(base);

/**
 * POST of a large body through curl: from Node (fetch, and node:http with or without
 * `Expect: 100-continue`) a 30 MB body to wrangler dev's local proxy stalled before the worker
 * saw it, on this machine; curl's upload goes through. The key goes to curl on stdin, not argv.
 */
function postFile(token, path, type, body) {
  const dir = mkdtempSync(join(tmpdir(), "bulk-bench-"));
  const file = join(dir, "body");
  writeFileSync(file, body);
  try {
    const r = spawnSync(
      "curl",
      [
        "-sS",
        "-X",
        "POST",
        base + path,
        "-H",
        "@-",
        "-H",
        `Content-Type: ${type}`,
        "--data-binary",
        `@${file}`,
        "-w",
        "\n%{http_code}",
      ],
      {
        input: `Authorization: Bearer ${token}\n`,
        maxBuffer: 16 << 20,
      },
    );
    const out = r.stdout.toString();
    const status = Number(out.slice(out.lastIndexOf("\n") + 1));
    if (status !== 202) throw new Error(`POST ${path}: ${status} ${out.slice(0, 300)} ${r.stderr}`);
    return JSON.parse(out.slice(0, out.lastIndexOf("\n")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let started = null;
if (!(await isHealthy(base))) {
  log(`Starting the local stack on ${base} ...`);
  started = await startStack({ root, base, logFile: join(root, "bench-results", "bulk-stack.log"), log });
}
// The process group of the stack whose memory is sampled: the one started here, or $STACK_PGID.
const pgid = started?.pid ?? (process.env.STACK_PGID ? Number(process.env.STACK_PGID) : null);
let peakKb = 0;
const sampler = pgid
  ? setInterval(() => {
      peakKb = Math.max(peakKb, workerdRss(pgid));
    }, 100)
  : null;

try {
  const { key } = await seedTenant(base, operatorToken(root), `bench-bulk-${Date.now()}`);
  const schema = {
    type: "object",
    required: ["conversation_id", "turns"],
    properties: { conversation_id: { type: "string" }, turns: { type: "array" } },
  };
  const ds = await (
    await api(key, "/api/v1/datasets", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: `bulk-${Date.now()}`, schema }),
    })
  ).json();

  const lines = Array.from({ length: N }, (_, i) => canonical(record(i)));
  const file = Buffer.from(lines.join("\n") + "\n");
  const hashes = lines.map((l) => createHash("sha256").update(l).digest());
  const expectedRoot = createHash("sha256").update(Buffer.concat(hashes)).digest("hex");
  const idleKb = pgid ? workerdRss(pgid) : 0;
  log(`File: ${N} records, ${(file.byteLength / 1e6).toFixed(1)} MB`);

  const t0 = performance.now();
  const imp = postFile(key, `/api/v1/datasets/${ds.id}/imports`, "application/x-ndjson", file);
  const tUploaded = performance.now();
  const importJob = await waitJob(api, key, imp.job_id);
  const tImported = performance.now();
  if (importJob.status !== "succeeded" || importJob.progress.imported !== N)
    throw new Error(`import: ${JSON.stringify(importJob).slice(0, 500)}`);

  const exp = await (
    await api(key, `/api/v1/datasets/${ds.id}/exports`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ format: "ndjson" }),
    })
  ).json();
  const exportJob = await waitJob(api, key, exp.job_id);
  const tExported = performance.now();
  const body = Buffer.from(await (await api(key, `/api/v1/exports/${exp.id}/download`)).arrayBuffer());
  const tDownloaded = performance.now();
  const manifest = (await (await api(key, `/api/v1/exports/${exp.id}`)).json()).manifest;
  if (exportJob.status !== "succeeded" || manifest.record_count !== N)
    throw new Error(`export: ${JSON.stringify(exportJob).slice(0, 500)}`);
  if (!body.equals(file)) throw new Error("the exported file differs from the imported one");
  if (manifest.root_hash !== expectedRoot) throw new Error("the manifest root differs from the one computed here");

  const s = (a, b) => (b - a) / 1000;
  const mb = file.byteLength / 1e6;
  const rows = [
    ["upload (one request, sealed into R2)", s(t0, tUploaded)],
    ["import job (parse, validate, seal, stage, commit)", s(tUploaded, tImported)],
    ["import end to end", s(t0, tImported)],
    ["export job (read, decrypt, hash, write sealed pieces, manifest)", s(tImported, tExported)],
    ["download (decrypt pieces, stream)", s(tExported, tDownloaded)],
    ["export end to end", s(tImported, tDownloaded)],
  ];
  log(`\n| phase | seconds | records/s | MB/s |\n|---|---|---|---|`);
  for (const [name, sec] of rows)
    log(`| ${name} | ${sec.toFixed(2)} | ${Math.round(N / sec).toLocaleString("en")} | ${(mb / sec).toFixed(1)} |`);
  log(
    `\nimport: ${importJob.ranges.length} ranges, chunks of 1 MiB / 2000 lines; export: ${exportJob.ranges.length} ranges, chunks of 1000 records`,
  );
  log(
    `round trip: exported file byte-identical to the import; manifest root ${manifest.root_hash.slice(0, 16)}… matches the hashes computed here`,
  );
  if (pgid)
    log(
      `workerd resident memory (API + consumer + objects, one process): idle ${Math.round(idleKb / 1024)} MiB, peak ${Math.round(peakKb / 1024)} MiB`,
    );
  else log("memory: not sampled (the stack was already running; run with nothing on the port to sample it)");
  log(
    `machine: ${(await import("node:os")).cpus().length} cores, load average ${(await import("node:os"))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
} finally {
  if (sampler) clearInterval(sampler);
  if (started) await started.stop();
}
