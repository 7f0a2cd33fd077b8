#!/usr/bin/env node
// Server CPU per request, counted rather than timed: the workerd process serving --base (its
// threads' on-CPU time from /proc/<pid>/task/*/schedstat, in ns) over N sequential requests per
// endpoint, beside GET /healthz's in the same run, so a busy machine changes the ratio far less
// than it changes latency. Also the client's p50 and the mean of each Server-Timing phase.
// Linux only; the server must be a local workerd (load/direct-server.mjs, or wrangler dev, whose
// proxy is another workerd and is not counted). Requests send `Accept-Encoding: identity`, as the
// load runner (node:http) does: with gzip, Miniflare's entry worker compresses JSON answers in the
// same process, as Cloudflare's edge would outside the worker (BENCHMARKS.md, "Fourth pass").
//
//   node load/cpu-per-request.mjs --base http://127.0.0.1:8807 [--only healthz,encrypt,...] [-n 200]
//
// Endpoints: healthz, encrypt, encrypt-small, decrypt (100 KB payloads), audit-logs (limit=100 after 100
// dataset creations), search (a page of 20 in 1000 records), datasets-create, datasets-update,
// datasets-delete (each DELETE of a dataset made beforehand, not counted), datasets-get.
// It makes its own tenant with OPERATOR_TOKEN from .dev.vars.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:8807" },
    only: { type: "string" },
    n: { type: "string", short: "n", default: "200" },
  },
});
const base = new URL(args.base);
if (!["127.0.0.1", "localhost", "[::1]"].includes(base.hostname)) throw new Error("--base must be this machine");
const N = Number(args.n);
const op = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(join(root, ".dev.vars"), "utf8"))?.[1].trim();
if (!op) throw new Error("no OPERATOR_TOKEN in .dev.vars");

/** The workerd process listening on the port of --base. */
function workerdPid() {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmd[0].endsWith("workerd") && cmd.some((a) => a.endsWith(`:${base.port}`))) return pid;
    } catch {
      // a process that ended meanwhile
    }
  }
  throw new Error(`no workerd listening on port ${base.port}`);
}
const pid = workerdPid();
const cpuNs = () => {
  let t = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      t += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return t;
};

async function req(method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      "accept-encoding": "identity",
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
const must = (r, status, what) => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.text ? JSON.parse(r.text) : undefined;
};
const uid = () => Math.random().toString(36).slice(2, 10);
const dsBody = (name) => ({
  name,
  description: "Load test dataset",
  schema: { type: "object", properties: { name: { type: "string" }, email: { type: "string" } } },
});
const createDatasets = async (token, count, prefix) => {
  const out = [];
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, () =>
      req("POST", "/api/v1/datasets", { token, body: dsBody(`${prefix}-${uid()}`) }),
    );
    for (const r of await Promise.all(batch)) out.push(must(r, 201, "create dataset").id);
  }
  return out;
};

const tenant = must(await req("POST", "/api/v1/tenants", { token: op, body: { name: `cpu-${uid()}` } }), 201, "tenant");
const token = must(
  await req("POST", `/api/v1/tenants/${tenant.id}/keys`, { token: op, body: { name: "cpu", scopes: ["*"] } }),
  201,
  "key",
).key;

const transitKey = `cpu-${uid()}`;
let keyMade;
const payload = Buffer.from(Array.from({ length: 100 * 1024 }, (_, i) => (i * 7919) & 255)).toString("base64");
const setups = {
  async encrypt() {
    keyMade ??= req("POST", "/api/v1/keys", { token, body: { name: transitKey, type: "aes256-gcm" } }).then((r) =>
      must(r, 201, "transit key"),
    );
    await keyMade;
    return JSON.stringify({ key: transitKey, plaintext: payload });
  },
  async decrypt() {
    const enc = await req("POST", "/api/v1/encrypt", { token, body: await setups.encrypt() });
    const body = JSON.stringify({ key: transitKey, ciphertext: must(enc, 200, "encrypt").ciphertext });
    if (must(await req("POST", "/api/v1/decrypt", { token, body }), 200, "decrypt").plaintext !== payload)
      throw new Error("decrypt did not give the payload back");
    return body;
  },
  async search() {
    const ds = must(
      await req("POST", "/api/v1/datasets", {
        token,
        body: { ...dsBody(`search-${uid()}`), search: { enabled: true, paths: ["$"] } },
      }),
      201,
      "searchable dataset",
    );
    const records = Array.from({ length: 1000 }, (_, i) => ({
      data: {
        name: `John Doe ${i}`,
        email: "john@example.com",
        note: `${i % 2 ? "refund for the credit card" : "invoice paid"} topic${i % 20}`,
      },
    }));
    must(await req("POST", `/api/v1/datasets/${ds.id}/records/batch`, { token, body: { records } }), 201, "records");
    return ds.id;
  },
};
const QUERIES = ["refund", "topic7", '"credit card"', "topic3 OR topic11", "refund -topic5", "invoice AND topic12"];

/** Each endpoint: what it needs made first (not counted), then one request. */
const endpoints = {
  healthz: { ok: 200, run: () => req("GET", "/healthz") },
  encrypt: { ok: 200, setup: setups.encrypt, run: (_, body) => req("POST", "/api/v1/encrypt", { token, body }) },
  "encrypt-small": {
    ok: 200,
    setup: setups.encrypt,
    run: () =>
      req("POST", "/api/v1/encrypt", { token, body: { key: transitKey, plaintext: "AAAAAAAAAAAAAAAAAAAAAA==" } }),
  },
  decrypt: { ok: 200, setup: setups.decrypt, run: (_, body) => req("POST", "/api/v1/decrypt", { token, body }) },
  "audit-logs": {
    ok: 200,
    setup: () => createDatasets(token, 100, "audit"),
    run: () => req("GET", "/api/v1/audit/logs?limit=100", { token }),
  },
  search: {
    ok: 200,
    setup: setups.search,
    run: (i, id) =>
      req("GET", `/api/v1/search?q=${encodeURIComponent(QUERIES[i % 6])}&dataset_id=${id}&limit=20`, { token }),
  },
  "datasets-create": {
    ok: 201,
    run: () => req("POST", "/api/v1/datasets", { token, body: dsBody(`create-${uid()}`) }),
  },
  "datasets-get": {
    ok: 200,
    setup: async () => (await createDatasets(token, 1, "get"))[0],
    run: (_, id) => req("GET", `/api/v1/datasets/${id}`, { token }),
  },
  "datasets-update": {
    ok: 200,
    setup: async () => {
      const r = await req("POST", "/api/v1/datasets", { token, body: dsBody(`update-${uid()}`) });
      return { id: must(r, 201, "create dataset").id, etag: r.headers.get("etag") };
    },
    run: async (i, ds) => {
      const r = await req("PUT", `/api/v1/datasets/${ds.id}`, {
        token,
        body: { description: `d${i}` },
        headers: { "if-match": ds.etag },
      });
      ds.etag = r.headers.get("etag");
      return r;
    },
  },
  "datasets-delete": {
    ok: 204,
    setup: (count) => createDatasets(token, count, "delete"),
    run: (i, ids) => req("DELETE", `/api/v1/datasets/${ids[i]}`, { token }),
  },
};

const names = args.only ? args.only.split(",") : Object.keys(endpoints);
const WARM = 20;
for (const name of names) {
  const e = endpoints[name];
  if (!e) throw new Error(`unknown endpoint ${name}: one of ${Object.keys(endpoints).join(", ")}`);
  const count = name === "healthz" ? N * 3 : N;
  const state = e.setup ? await e.setup(count + WARM) : undefined;
  for (let i = 0; i < WARM; i++) must(await e.run(i, state), e.ok, name);
  const phases = new Map();
  const latencies = [];
  const before = cpuNs();
  for (let i = WARM; i < WARM + count; i++) {
    const t0 = performance.now();
    const r = await e.run(i, state);
    latencies.push(performance.now() - t0);
    if (r.status !== e.ok) throw new Error(`${name}: ${r.status} ${r.text.slice(0, 200)}`);
    for (const m of (r.headers.get("server-timing") ?? "").matchAll(/([\w-]+);dur=([\d.]+)/g))
      phases.set(m[1], (phases.get(m[1]) ?? 0) + Number(m[2]));
  }
  const cpu = (cpuNs() - before) / count / 1e6;
  latencies.sort((a, b) => a - b);
  const timing = [...phases].map(([k, v]) => `${k} ${(v / count).toFixed(2)}`).join(", ");
  console.log(
    `${name.padEnd(16)} n=${count}  server CPU ${cpu.toFixed(3)} ms/request  p50 ${latencies[count >> 1].toFixed(2)} ms` +
      (timing ? `  Server-Timing mean: ${timing}` : ""),
  );
}
