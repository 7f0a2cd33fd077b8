// The local runner against small stand-in servers on 127.0.0.1: open-model scheduling without
// coordinated omission, dropped iterations, thresholds, the handleSummary data, and the CLI
// running a real script of load/k6/. Run with `node --test load/test/`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseMetricKey, percentile } from "../lib/metrics.mjs";
import { parseDuration, runScript, targetVUs } from "../lib/runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const fixture = (name) => join(here, "..", "fixtures", name);

/** /fast answers at once, /slow?ms=N after N ms; enough of the API for datasets-get.js. */
async function standIn() {
  const datasets = new Set();
  let n = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const json = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json", ETag: '"1"' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on("end", () => {
      if (url.pathname === "/fast" || url.pathname === "/healthz") return json(200, { ok: true });
      if (url.pathname === "/slow")
        return setTimeout(() => json(200, { ok: true }), Number(url.searchParams.get("ms")));
      if (req.method === "POST" && url.pathname === "/api/v1/tenants") return json(201, { id: "tnt_1" });
      if (req.method === "POST" && url.pathname === "/api/v1/tenants/tnt_1/keys") return json(201, { key: "ldv.k.s" });
      if (req.method === "POST" && url.pathname === "/api/v1/datasets") {
        const id = `ds_${++n}`;
        datasets.add(id);
        return json(201, { id });
      }
      const m = /^\/api\/v1\/datasets\/(ds_\d+)$/.exec(url.pathname);
      if (req.method === "GET" && m && datasets.has(m[1]) && req.headers.authorization === "Bearer ldv.k.s")
        return json(200, { id: m[1] });
      json(404, { detail: "not found" });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

test("constant-arrival-rate keeps its schedule and times requests from their scheduled start (no coordinated omission)", async () => {
  const { server, base } = await standIn();
  try {
    const { data } = await runScript({ script: fixture("late-start.js"), env: { API_BASE: base } });
    const d = data.metrics.http_req_duration.values;
    // Every arrival of the schedule ran: a stalled generator catches up instead of skipping.
    assert.equal(data.metrics.iterations.values.count, 50);
    assert.equal(data.metrics.dropped_iterations, undefined);
    // The iterations due during the 300 ms stall started up to ~280 ms late, and say so.
    assert.ok(d.max >= 250, `max ${d.max}`);
    assert.ok(d["p(80)"] >= 50, `p(80) ${d["p(80)"]}: the late starts are missing from the latency`);
    assert.ok(data.metrics.http_req_blocked.values.max >= 250);
    // The server itself answered at once: the latency is the generator's lateness.
    assert.ok(d.min < 200, `min ${d.min}`);
  } finally {
    server.close();
  }
});

test("arrivals that find no free VU are dropped and counted, as k6 does", async () => {
  const { server, base } = await standIn();
  try {
    const { data } = await runScript({ script: fixture("dropped.js"), env: { API_BASE: base } });
    const ran = data.metrics.iterations.values.count;
    const dropped = data.metrics.dropped_iterations.values.count;
    assert.equal(ran + dropped, 20);
    // Two VUs at 300 ms an iteration serve about 7 of the 20 arrivals in a second.
    assert.ok(dropped >= 8 && ran >= 2, `ran ${ran}, dropped ${dropped}`);
  } finally {
    server.close();
  }
});

test("thresholds, checks, groups and custom metrics come out in k6's handleSummary shape", async () => {
  const { server, base } = await standIn();
  const out = mkdtempSync(join(tmpdir(), "k6-summary-"));
  try {
    const result = await runScript({ script: fixture("thresholds.js"), env: { API_BASE: base, OUT: out } });
    assert.equal(result.exitCode, 99, "a failed threshold gives k6's exit code 99");
    assert.deepEqual(
      result.failed.map((f) => `${f.metric} ${f.threshold}`),
      ["http_req_duration{name:slow} p(95)<30"],
    );
    const data = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    assert.deepEqual(Object.keys(data).sort(), ["metrics", "options", "root_group", "state"]);
    assert.ok(data.state.testRunDurationMs >= 1000);
    assert.deepEqual(data.options.summaryTrendStats, ["med", "p(95)", "p(99.9)", "max", "count"]);
    const slow = data.metrics["http_req_duration{name:slow}"];
    assert.equal(slow.type, "trend");
    assert.equal(slow.contains, "time");
    assert.ok(slow.values["p(95)"] >= 60 && slow.values["p(99.9)"] >= slow.values["p(95)"]);
    assert.deepEqual(slow.thresholds, { "p(95)<30": { ok: false }, "max<5000": { ok: true } });
    assert.deepEqual(data.metrics["http_req_duration{name:fast}"].thresholds, { "p(95)<5000": { ok: true } });
    assert.ok(data.metrics["http_reqs{name:ramp}"].values.count > 0, "the ramping-vus scenario ran");
    assert.equal(data.metrics.http_req_failed.values.rate, 0);
    assert.equal(data.metrics.http_reqs.type, "counter");
    assert.equal(data.metrics.body_size.type, "trend");
    assert.equal(data.metrics.oks.values.rate, 1);
    assert.ok(data.metrics.seen.values.count > 0);
    assert.ok(data.metrics.vus.values.max <= 3 + 2);
    const g = data.root_group.groups.find((x) => x.name === "g");
    assert.equal(g.path, "::g");
    const names = g.checks.map((c) => c.name).sort();
    assert.deepEqual(names, ["fast is 200", "setup ran first"]);
    assert.ok(g.checks.every((c) => c.passes > 0 && c.fails === 0));
    assert.deepEqual(data.metrics.checks.thresholds, { "rate==1": { ok: true } });
  } finally {
    server.close();
  }
});

test("npm run load runs a load/k6 script end to end and writes its summaries", async () => {
  const { server, base } = await standIn();
  const out = mkdtempSync(join(tmpdir(), "k6-cli-"));
  try {
    const { code, stdout } = await new Promise((resolve) =>
      execFile(
        process.execPath,
        ["load/run.mjs", "datasets-get", "--base", base, "--out", out, "-e", "DURATION=1s", "-e", "RATE=20"],
        { cwd: root, env: { ...process.env, OPERATOR_TOKEN: "stand-in", API_KEY: "" } },
        (err, stdout) => resolve({ code: err ? err.code : 0, stdout }),
      ),
    );
    // Latency thresholds may or may not hold on a busy machine; anything else is a failure.
    assert.ok(code === 0 || code === 99, `exit ${code}\n${stdout}`);
    const data = JSON.parse(readFileSync(join(out, "datasets-get-summary.json"), "utf8"));
    const reqs = data.metrics["http_reqs{name:GET /datasets/{id}}"];
    assert.ok(reqs.values.count >= 15, `count ${reqs.values.count}`);
    assert.equal(data.metrics["http_req_failed{name:GET /datasets/{id}}"].values.rate, 0);
    assert.equal(data.metrics.checks.values.fails, 0);
    assert.ok(data.runner.cpu.generatorPct >= 0);
    assert.match(readFileSync(join(out, "datasets-get-summary.md"), "utf8"), /\| GET \/datasets\/\{id\} \| \d+ \|/);
  } finally {
    server.close();
  }
});

test("the runner refuses targets off this machine", async () => {
  const { code, stderr } = await new Promise((resolve) =>
    execFile(
      process.execPath,
      ["load/run.mjs", "healthz", "--base", "http://10.0.0.1:8815"],
      { cwd: root },
      (err, _out, stderr) => resolve({ code: err ? err.code : 0, stderr }),
    ),
  );
  assert.notEqual(code, 0);
  assert.match(stderr, /not a loopback address/);
});

test("durations, stages, submetric keys and percentiles read as k6 reads them", () => {
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("24h"), 86_400_000);
  assert.throws(() => parseDuration("10 sec"), /bad duration/);
  const stages = [
    { ms: 10_000, target: 10 },
    { ms: 30_000, target: 10 },
    { ms: 5_000, target: 0 },
  ];
  assert.equal(targetVUs(stages, 5_000), 5);
  assert.equal(targetVUs(stages, 42_500), 5);
  assert.equal(targetVUs(stages, 45_000), 0);
  assert.deepEqual(parseMetricKey("http_req_duration{name:GET /datasets/{id}}"), {
    name: "http_req_duration",
    tags: { name: "GET /datasets/{id}" },
  });
  assert.deepEqual(parseMetricKey("http_reqs{scenario:read,method:GET}"), {
    name: "http_reqs",
    tags: { scenario: "read", method: "GET" },
  });
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10], 99.9), 10);
});
