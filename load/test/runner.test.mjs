// The load runner end to end against a small stand-in server on 127.0.0.1 that speaks the
// API's shapes: every scenario's setup and iteration run, a missing route is reported as
// skipped, a slow endpoint fails its threshold, and the summary files are written.
// Run with `node --test load/test/`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { evaluateThresholds, percentile, Recorder } from "../lib/metrics.mjs";
import { targetVUs } from "../lib/engine.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A stand-in for the API: just enough state to answer each scenario as the real routes would. */
function standIn({ slowValidateMs }) {
  const datasets = new Map();
  const keys = new Set();
  let seq = 0;
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  return http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      const path = new URL(req.url, "http://x").pathname;
      const route = `${req.method} ${path.replace(/ds_\w+/, ":id").replace(/tnt_\w+/, ":id")}`;
      const id = /ds_\w+/.exec(path)?.[0];
      const ds = id && datasets.get(id);
      switch (route) {
        case "GET /healthz":
          return json(res, 200, { ok: true });
        case "POST /api/v1/tenants":
          return json(res, 201, { id: "tnt_1", name: body.name });
        case "POST /api/v1/tenants/:id/keys":
          return json(res, 201, { id: "key_1", key: "ldv.key_1.secret" });
        case "POST /api/v1/datasets": {
          const d = { id: `ds_${++seq}`, name: body.name, version: 1, records: 0 };
          datasets.set(d.id, d);
          return json(res, 201, d, { ETag: `"${d.version}"` });
        }
        case "GET /api/v1/datasets/:id":
          return ds ? json(res, 200, ds, { ETag: `"${ds.version}"` }) : json(res, 404, { detail: "not found" });
        case "PUT /api/v1/datasets/:id":
          if (req.headers["if-match"] !== `"${ds.version}"`) return json(res, 412, { detail: "stale" });
          ds.version++;
          return json(res, 200, ds, { ETag: `"${ds.version}"` });
        case "DELETE /api/v1/datasets/:id":
          datasets.delete(id);
          return json(res, 204);
        case "POST /api/v1/datasets/:id/records":
          ds.records++;
          return json(res, 201, { id: `rec_${ds.records}` });
        case "GET /api/v1/datasets/:id/records":
          return json(res, 200, { items: Array.from({ length: Math.min(ds.records, 1000) }, (_, i) => ({ id: `rec_${i}` })) });
        case "POST /api/v1/validate":
          await new Promise((r) => setTimeout(r, slowValidateMs));
          return json(res, 200, { valid: 9, invalid: 1 });
        case "POST /api/v1/anonymize":
          return typeof body.data === "object" ? json(res, 200, { data: { name: "<PERSON>" }, items: [] }) : json(res, 422, { detail: "data must be an object" });
        case "POST /api/v1/keys":
          keys.add(body.name);
          return json(res, 201, { name: body.name, type: body.type });
        case "POST /api/v1/encrypt":
          return keys.has(body.key) ? json(res, 200, { ciphertext: "v1:" + body.plaintext }) : json(res, 404, { detail: "no such key" });
        case "POST /api/v1/decrypt":
          return json(res, 200, { plaintext: body.ciphertext.slice(3) });
        default:
          // Like the real app's onNotFound: this is how a route that is not built yet answers.
          return json(res, 404, { detail: `No route for ${req.method} ${path}.` });
      }
    });
  });
}

test("every scenario runs, skips or fails as the server answers, and the summary says so", async () => {
  const server = standIn({ slowValidateMs: 60 });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const out = mkdtempSync(join(tmpdir(), "load-test-"));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const { code, stdout } = await new Promise((resolve) =>
      execFile(process.execPath, ["load/run.mjs", "--base", base, "--vus", "2", "--duration", "1s", "--out", out], { cwd: root, env: { ...process.env, OPERATOR_TOKEN: "stand-in" } }, (err, stdout) =>
        resolve({ code: err ? err.code : 0, stdout }),
      ),
    );
    assert.equal(code, 1, "a failed threshold makes the run exit 1");
    // Latency verdicts other than validate's depend on how busy the machine is: only counts are asserted.
    assert.match(stdout, /\d+ passed, [1-9]\d* failed, 1 skipped, 0 errors/);
    const file = readdirSync(out).find((f) => f.endsWith(".json"));
    const summary = JSON.parse(readFileSync(join(out, file), "utf8"));
    const by = Object.fromEntries(summary.results.map((r) => [r.name, r]));
    assert.deepEqual(by["audit-logs"].verdict, "skipped");
    assert.equal(by["audit-logs"].reason, "endpoint not available");
    // The stand-in takes at least 60 ms per validate, so its p(95)<35 cannot pass.
    assert.equal(by.validate.verdict, "fail");
    assert.ok(by.validate.thresholds.some((t) => t.expr === "p(95)<35" && !t.ok && t.actual >= 60));
    for (const name of ["baseline", "datasets-get", "datasets-create", "datasets-update", "datasets-delete", "records-add", "records-batch", "anonymize", "encrypt", "decrypt"]) {
      assert.equal(by[name].status, "ran", `${name}: ${by[name].reason}`);
      assert.equal(by[name].iterationErrors, 0, `${name}: ${by[name].firstError}`);
      assert.equal(by[name].summary.total.failed, 0, name);
      assert.ok(by[name].summary.total.count > 0, name);
    }
    assert.deepEqual(Object.keys(by.baseline.summary.endpoints).sort(), ["GET /datasets/{id}", "POST /datasets", "POST /records"]);
    assert.ok(by["records-batch"].notes.some((n) => /returns 1000 records/.test(n)));
    assert.match(readFileSync(join(out, file.replace(/\.json$/, ".md")), "utf8"), /\| audit-logs \| skipped: endpoint not available \|/);
  } finally {
    server.close();
  }
});

test("the runner refuses targets off this machine", async () => {
  const { code, stderr } = await new Promise((resolve) =>
    execFile(process.execPath, ["load/run.mjs", "--base", "http://10.0.0.1:8815", "--scenario", "baseline"], { cwd: root }, (err, _out, stderr) =>
      resolve({ code: err ? err.code : 0, stderr }),
    ),
  );
  assert.notEqual(code, 0);
  assert.match(stderr, /not a loopback address/);
});

test("percentiles interpolate between ranks and thresholds read them", () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10], 99), 10);
  const r = new Recorder();
  for (let i = 1; i <= 100; i++) r.add("GET /x", i, i > 99, i > 99 ? 500 : 200);
  const s = r.summary();
  assert.equal(s.endpoints["GET /x"].p95, 95.05);
  const results = evaluateThresholds({ "http_req_duration{name:GET /x}": ["p(95)<96", "p(99)<99"], http_req_failed: ["rate<0.01"], "http_req_duration{name:GET /y}": ["p(95)<1"] }, s);
  assert.deepEqual(results.map((t) => t.ok), [true, false, false, false]);
  assert.throws(() => evaluateThresholds({ http_req_duration: ["p(97)<1"] }, s), /not tracked/);
});

test("stages ramp linearly and end at zero", () => {
  const stages = [{ ms: 10_000, target: 10 }, { ms: 30_000, target: 10 }, { ms: 5_000, target: 0 }];
  assert.equal(targetVUs(stages, 0), 0);
  assert.equal(targetVUs(stages, 5_000), 5);
  assert.equal(targetVUs(stages, 20_000), 10);
  assert.equal(targetVUs(stages, 42_500), 5);
  assert.equal(targetVUs(stages, 45_000), 0);
  assert.equal(targetVUs([{ ms: 0, target: 4 }, { ms: 1000, target: 4 }], 0), 4);
});
