// Search benchmark against a running local stack (`PORT=8808 npm start`):
//   1. seeds one dataset of N records through POST /records/batch (search on), and a
//      tenant with 20 smaller searchable datasets for the fan-out;
//   2. GET /search latency p50/p95/p99 for one-word, two-word AND, phrase and rare-word
//      queries on the big dataset, and for a tenant-wide query over the 20 datasets;
//   3. the write path's indexing cost: POST /records into a dataset with search on and
//      one with it off, interleaved, beside GET /healthz in the same run;
//   4. index size per record: SQLite pages of the search tables in the big dataset's
//      object file (read with the sqlite3 CLI's dbstat on a copy);
//   5. a key rotation of the big dataset: searches while its index is rebuilt, and how long that takes.
// Usage: node bench/search-load.mjs [base url] [records] [fan-out records per dataset] [requests per case]
// Records are synthetic text over a Zipf-distributed vocabulary (fixed seed), ~50 words each.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.argv[2] ?? "http://127.0.0.1:8808";
const N = Number(process.argv[3] ?? 100_000);
const FAN_N = Number(process.argv[4] ?? 2_000);
const REQS = Number(process.argv[5] ?? 200);
const host = new URL(base).hostname;
if (!["127.0.0.1", "localhost", "::1"].includes(host)) throw new Error("loopback targets only");
const operator = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))[1].trim();
const DO_DIR = ".wrangler/state/v3/do";

// ---- deterministic synthetic corpus ---------------------------------------------------------
let state = 0x9e3779b9;
const rand = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const SYL = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "ta",
  "vo",
  "zi",
  "pe",
  "su",
  "da",
  "fo",
  "gu",
  "hi",
  "ja",
  "be",
  "co",
  "xu",
  "ye",
  "wa",
];
const VOCAB = 20_000;
const vocab = [];
const seen = new Set();
while (vocab.length < VOCAB) {
  const n = 2 + Math.floor(rand() * 3);
  let w = "";
  for (let i = 0; i < n; i++) w += SYL[Math.floor(rand() * SYL.length)];
  if (!seen.has(w)) {
    seen.add(w);
    vocab.push(w);
  }
}
// Zipf (s = 1) by inverse CDF over ranks.
const H = [];
let acc = 0;
for (let r = 1; r <= VOCAB; r++) H.push((acc += 1 / r));
const zipf = () => {
  const u = rand() * acc;
  let lo = 0;
  let hi = VOCAB - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (H[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return vocab[lo];
};
const sentence = (n) => Array.from({ length: n }, zipf).join(" ");
const record = (i) => ({
  title: sentence(6),
  messages: [
    { role: "user", content: `${sentence(15)}${i % 50 === 0 ? " solar panel warranty" : ""}` },
    { role: "assistant", content: sentence(25) },
  ],
  n: i,
});

// ---- HTTP -----------------------------------------------------------------------------------
async function req(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}
const post = (path, token, body) => req("POST", path, token, body);

async function tenant(name) {
  const t = await post("/api/v1/tenants", operator, { name });
  return (await post(`/api/v1/tenants/${t.id}/keys`, operator, { name: "bench", scopes: ["*"] })).key;
}

/** Creates a dataset and writes one record to it. */
async function dataset(token, name, search) {
  const ds = await post("/api/v1/datasets", token, { name, ...(search ? { search: { enabled: true } } : {}) });
  await post(`/api/v1/datasets/${ds.id}/records`, token, { data: record(-1) });
  return { id: ds.id };
}

const sqlite = (file, query) => execFileSync("sqlite3", [file, query], { encoding: "utf8" }).trim();

/**
 * Bytes of SQLite pages per table group in a dataset's object: its file is found by the
 * dataset id the object keeps in its meta table, copied (with its WAL), and read with dbstat.
 */
function indexSize(datasetId, records) {
  const dir = join(DO_DIR, "llm-data-vault-api-DatasetObject");
  try {
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".sqlite"))) {
      const tmp = join(tmpdir(), `search-bench-${process.pid}.sqlite`);
      copyFileSync(join(dir, f), tmp);
      if (existsSync(join(dir, f + "-wal"))) copyFileSync(join(dir, f + "-wal"), tmp + "-wal");
      else rmSync(tmp + "-wal", { force: true });
      if (sqlite(tmp, "SELECT value FROM meta WHERE key = 'dataset_id'") !== datasetId) continue;
      const rows = sqlite(tmp, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name")
        .split("\n")
        .map((l) => l.split("|"));
      const sum = (re) => rows.filter(([n]) => re.test(n)).reduce((a, [, b]) => a + Number(b), 0);
      const index = sum(/^search_/);
      const recs = sum(/^(records|sqlite_autoindex_records)/);
      return (
        `index size: ${(index / 1e6).toFixed(1)} MB of search pages for ${records} records = ${(index / records).toFixed(0)} bytes per record ` +
        `(records table ${(recs / records).toFixed(0)} bytes per record; average record ${JSON.stringify(record(1)).length} bytes of JSON)`
      );
    }
    return "index size: object file not found";
  } catch (err) {
    return `index size: not measured (${err.message.split("\n")[0]}); needs the sqlite3 CLI`;
  }
}

async function seed(token, dsId, count, from = 0) {
  const t0 = performance.now();
  for (let i = from; i < from + count; i += 1000) {
    const n = Math.min(1000, from + count - i);
    await post(`/api/v1/datasets/${dsId}/records/batch`, token, {
      records: Array.from({ length: n }, (_, j) => ({ data: record(i + j) })),
    });
  }
  return (performance.now() - t0) / 1000;
}

// ---- measuring ------------------------------------------------------------------------------
const pct = (times, p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
function summary(times) {
  const s = [...times].sort((a, b) => a - b);
  return { p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99), n: s.length };
}
const fmt = (s) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n=${s.n})`;

/** Runs each named case in turn, round-robin, REQS times, after a warm-up; returns summaries. */
async function interleaved(cases, reqs = REQS) {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < 10; i++) for (const fn of Object.values(cases)) await fn(i);
  for (let i = 0; i < reqs; i++) {
    for (const [k, fn] of Object.entries(cases)) {
      const t0 = performance.now();
      await fn(i);
      times[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, summary(t)]));
}

const results = [];
const report = (label, s, extra = "") => {
  results.push({ label, ...s, extra });
  console.log(`${label}: ${fmt(s)}${extra ? ` — ${extra}` : ""}`);
};

// ---- run ------------------------------------------------------------------------------------
console.log(
  `search benchmark: ${base}, N=${N}, fan-out 20 × ${FAN_N}, ${REQS} requests per case, ${new Date().toISOString()}`,
);
const token = await tenant(`search-bench-${Date.now()}`);
const big = await dataset(token, `big-${Date.now()}`, true);
const seedSecs = await seed(token, big.id, N);
console.log(
  `seeded ${N} records in ${seedSecs.toFixed(0)} s (${(N / seedSecs).toFixed(0)} records/s, batches of 1000, index on)`,
);

// Query words by frequency rank in the corpus vocabulary.
const sq = (q) => `/api/v1/search?${new URLSearchParams({ q, dataset_id: big.id, limit: "20" })}`;
const count = async (q) => {
  let n = 0;
  let cursor = null;
  do {
    const params = new URLSearchParams({ q, dataset_id: big.id, limit: "100", ...(cursor ? { cursor } : {}) });
    const page = await req("GET", `/api/v1/search?${params}`, token);
    n += page.items.length;
    cursor = page.next_cursor;
  } while (cursor && n < 400);
  return n >= 400 ? "≥400" : String(n);
};
const oneWord = vocab.slice(20, 40);
const twoWord = vocab.slice(5, 25).map((w, i) => `${w} AND ${vocab[30 + i]}`);
const phrases = ['"solar panel warranty"', '"panel warranty"'];
const rare = vocab.slice(15_000, 15_020);
console.log(
  `matches (first of each set, counted to 400): one-word ${await count(oneWord[0])}, AND ${await count(twoWord[0])}, phrase ${await count(phrases[0])}, rare ${await count(rare[0])}`,
);
const q = await interleaved({
  one: (i) => req("GET", sq(oneWord[i % oneWord.length]), token),
  and: (i) => req("GET", sq(twoWord[i % twoWord.length]), token),
  phrase: (i) => req("GET", sq(phrases[i % phrases.length]), token),
  rare: (i) => req("GET", sq(rare[i % rare.length]), token),
  healthz: () => fetch(`${base}/healthz`).then((r) => r.arrayBuffer()),
});
report(`GET /search one word (${N} records)`, q.one);
report(`GET /search two words AND (${N} records)`, q.and);
report(`GET /search phrase (${N} records)`, q.phrase);
report(`GET /search rare word (${N} records)`, q.rare);
report("GET /healthz (same run)", q.healthz);

// Fan-out over 20 datasets of another tenant.
const fanToken = await tenant(`search-fanout-${Date.now()}`);
const t0 = performance.now();
for (let d = 0; d < 20; d++) {
  const ds = await dataset(fanToken, `fan-${d}-${Date.now()}`, true);
  await seed(fanToken, ds.id, FAN_N, d * FAN_N);
}
console.log(`seeded 20 × ${FAN_N} records in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const fq = (w) => `/api/v1/search?${new URLSearchParams({ q: w, limit: "20" })}`;
const fan = await interleaved({
  one: (i) => req("GET", fq(oneWord[i % oneWord.length]), fanToken),
  rare: (i) => req("GET", fq(rare[i % rare.length]), fanToken),
  healthz: () => fetch(`${base}/healthz`).then((r) => r.arrayBuffer()),
});
report(`GET /search fan-out, 20 datasets × ${FAN_N}, one word`, fan.one);
report(`GET /search fan-out, 20 datasets × ${FAN_N}, rare word`, fan.rare);
report("GET /healthz (same run)", fan.healthz);

// Write path: the same record shape into a dataset with search on and one without.
const on = await dataset(token, `twin-on-${Date.now()}`, true);
const off = await dataset(token, `twin-off-${Date.now()}`, false);
const w = await interleaved({
  on: (i) => post(`/api/v1/datasets/${on.id}/records`, token, { data: record(1_000_000 + i) }),
  off: (i) => post(`/api/v1/datasets/${off.id}/records`, token, { data: record(1_000_000 + i) }),
  healthz: () => fetch(`${base}/healthz`).then((r) => r.arrayBuffer()),
});
report("POST /records, search on", w.on);
report("POST /records, search off", w.off);
report("GET /healthz (same run)", w.healthz);
// Batch write throughput: 10 batches of 1000 into each twin, interleaved.
const batchTimes = { on: [], off: [] };
for (let b = 0; b < 10; b++) {
  for (const [k, ds] of [
    ["on", on],
    ["off", off],
  ]) {
    const t = performance.now();
    await seed(token, ds.id, 1000, 3_000_000 + b * 1000);
    batchTimes[k].push(performance.now() - t);
  }
}
const rate = (t) => (10_000 / (t.reduce((a, b) => a + b, 0) / 1000)).toFixed(0);
const perRecord = (batchTimes.on.reduce((a, b) => a + b, 0) - batchTimes.off.reduce((a, b) => a + b, 0)) / 10_000;
console.log(
  `POST /records/batch (1000 per batch, 10 each, interleaved): ${rate(batchTimes.on)} records/s with search, ${rate(batchTimes.off)} without → indexing ≈ ${perRecord.toFixed(2)} ms per record`,
);
console.log(
  `write path ratio on/off: p50 ${(w.on.p50 / w.off.p50).toFixed(2)}, p95 ${(w.on.p95 / w.off.p95).toFixed(2)}; ` +
    `on/healthz p50 ${(w.on.p50 / w.healthz.p50).toFixed(1)}, off/healthz p50 ${(w.off.p50 / w.healthz.p50).toFixed(1)}`,
);

// Rebuild: rotate the big dataset's key; search it while the rebuild runs, and time the rebuild.
// A fresh request first: a pooled connection left idle may have been closed by the server.
await fetch(`${base}/healthz`)
  .then((r) => r.arrayBuffer())
  .catch(() => undefined);
const r0 = performance.now();
const rot = await post(`/api/v1/datasets/${big.id}/rotate-key`, token);
const during = [];
for (let i = 0; ; i++) {
  const t = performance.now();
  const page = await req("GET", sq(oneWord[i % oneWord.length]), token);
  during.push(performance.now() - t);
  if (!page.items.length) throw new Error("a search during the rebuild found nothing");
  if (i % 10 !== 9) continue;
  const job = await req("GET", `/api/v1/jobs/${rot.search_rebuild_job_id}`, token);
  if (job.status !== "queued" && job.status !== "running") {
    console.log(
      `key rotation → search rebuild of ${N + 1} records: ${job.status} in ${((performance.now() - r0) / 1000).toFixed(0)} s (${JSON.stringify(job.progress)})`,
    );
    break;
  }
}
report("GET /search one word while the rebuild runs", summary(during));

// Index size: pages of the search tables in the big dataset's object file (sqlite3's dbstat on a copy).
console.log(indexSize(big.id, N + 1));
console.log(JSON.stringify({ results }, null, 0));
