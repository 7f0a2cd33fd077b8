#!/usr/bin/env node
// `npm run load`: load tests of the local stack. Finds or starts the stack, seeds a tenant and an
// API key, runs the scenarios in load/scenarios/ on ramping VUs, checks the seed's latency
// thresholds, and writes the results to bench-results/.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createClient, EndpointUnavailable } from "./lib/client.mjs";
import { parseDuration, runStages } from "./lib/engine.mjs";
import { evaluateThresholds, Recorder } from "./lib/metrics.mjs";
import { PROFILES, planFor } from "./lib/profiles.mjs";
import { busyPercent, cpuTimes, loadavg, machine, markdown, tableRows, textTable } from "./lib/report.mjs";
import { operatorToken, seedTenant } from "./lib/seed.mjs";
import { assertLoopback, groupCpuSeconds, isHealthy, startStack, stopStartedStack } from "./lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scenarioDir = join(root, "load", "scenarios");
const SETUP_TIMEOUT_MS = 180_000;
const log = (msg) => console.log(msg);

const { values: args } = parseArgs({
  options: {
    profile: { type: "string", default: "quick" },
    scenario: { type: "string", multiple: true },
    list: { type: "boolean", default: false },
    vus: { type: "string" },
    duration: { type: "string" },
    base: { type: "string" },
    out: { type: "string", default: join(root, "bench-results") },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  log(`Usage: npm run load -- [--profile quick|seed] [--scenario NAME[,NAME]] [--list] [--base URL] [--out DIR]

  --profile   quick (default): ${PROFILES.quick.describe}
              seed: ${PROFILES.seed.describe}
  --scenario  run only these scenarios (repeat or comma-separate); default: all
  --list      list the scenarios and exit
  --vus N --duration D
              instead of the profile's stages: N VUs for D (e.g. 20s), as k6's --vus/--duration; the
              profile still sets the think time
  --base      target base URL, loopback only (default: $API_BASE, else http://127.0.0.1:$PORT, PORT defaulting to 8815).
              If nothing answers there, the runner starts the local stack on that port and stops it afterwards.
              A tenant and key are seeded with $OPERATOR_TOKEN or .dev.vars' token, unless $API_KEY is set.
  --out       where the JSON and markdown summaries go (default: bench-results/)`);
  process.exit(0);
}

const scenarios = await loadScenarios();

if (args.list) {
  log("Scenarios (load/scenarios/*.js):");
  for (const s of scenarios) log(`  ${s.meta.name.padEnd(16)} ${s.meta.description}\n  ${"".padEnd(16)} thresholds: ${describeThresholds(s.meta.thresholds)}`);
  log(`\nProfiles:\n  quick  ${PROFILES.quick.describe}\n  seed   ${PROFILES.seed.describe}`);
  process.exit(0);
}

const wanted = (args.scenario ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
const unknown = wanted.filter((w) => !scenarios.some((s) => s.meta.name === w));
if (unknown.length) fail(`unknown scenario(s): ${unknown.join(", ")} (see --list)`);
const selected = wanted.length ? scenarios.filter((s) => wanted.includes(s.meta.name)) : scenarios;
if (!PROFILES[args.profile]) fail(`unknown profile '${args.profile}' (quick or seed)`);
if ((args.vus === undefined) !== (args.duration === undefined)) fail("--vus and --duration go together");
if (args.vus !== undefined && !(Number.isInteger(Number(args.vus)) && Number(args.vus) > 0)) fail(`--vus must be a positive integer (got ${args.vus})`);
if (args.duration !== undefined) parseDuration(args.duration);

const base = assertLoopback(args.base ?? process.env.API_BASE ?? `http://127.0.0.1:${process.env.PORT ?? 8815}`);
const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "");
const runId = Date.now().toString(36);
const results = [];
let stack = null;

// Ctrl-C or a kill ends the stack this run started, not only this process.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    log(`\n${signal}: stopping.`);
    await stopStartedStack();
    process.exit(130);
  });
}

try {
  log(`Load run ${runId}: profile ${args.profile}, ${selected.length} scenario(s), target ${base}`);
  if (await isHealthy(base)) {
    log(`Target answers ${base}/healthz: using the running stack.`);
  } else {
    const logFile = join(args.out, `load-stack-${stamp}.log`);
    log(`Nothing answers ${base}/healthz: starting the local stack (node scripts/start.mjs, PORT=${new URL(base).port}); its log goes to ${logFile}`);
    stack = await startStack({ root, base, logFile, log });
    log(`Local stack is up (pid ${stack.pid}).`);
  }

  let key = process.env.API_KEY;
  if (key) log("Using the API key in $API_KEY (it needs every scope the scenarios use).");
  else {
    log("Seeding a tenant and an API key through the operator endpoints (OPERATOR_TOKEN from $OPERATOR_TOKEN or .dev.vars)...");
    const seeded = await seedTenant(base, operatorToken(root), `load-${runId}`);
    key = seeded.key;
    log(`Tenant ${seeded.tenantId} with an all-scopes key.`);
  }

  for (const s of selected) results.push(await runScenario(s, { base, key }));
} catch (err) {
  console.error(`load run failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  if (stack) {
    log("Stopping the local stack this run started...");
    await stack.stop();
  }
}

if (results.length) {
  const run = { runId, date: new Date().toISOString(), profile: args.profile, base, startedStack: Boolean(stack), machine: machine() };
  mkdirSync(args.out, { recursive: true });
  const jsonFile = join(args.out, `load-${args.profile}-${stamp}.json`);
  const mdFile = join(args.out, `load-${args.profile}-${stamp}.md`);
  writeFileSync(jsonFile, JSON.stringify({ ...run, results }, null, 2));
  writeFileSync(mdFile, markdown(run, results));
  log(`\n${textTable(tableRows(results))}\n`);
  const count = (v) => results.filter((r) => r.verdict === v).length;
  log(`${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped, ${count("error")} errors. Summary: ${jsonFile} and ${mdFile}`);
  if (count("fail") || count("error")) process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);

async function runScenario(s, { base, key }) {
  const meta = s.meta;
  const plan = planFor(args.profile, meta, { vus: args.vus, duration: args.duration });
  const notes = [];
  const ctx = { runId, profile: args.profile, note: (n) => notes.push(n) };
  const result = { name: meta.name, description: meta.description, plan, notes };
  const stages = plan.stages.map((st) => `${st.duration}→${st.target}`).join(", ");
  log(`\n▶ ${meta.name}: ${meta.description}\n  stages ${stages}; think time ${plan.thinkTime}; thresholds: ${describeThresholds(meta.thresholds)}`);

  const recorder = new Recorder();
  const api = createClient({ base, token: key, recorder });
  try {
    let data = {};
    if (s.setup) {
      log("  setup...");
      data = (await withTimeout(s.setup(api, ctx), SETUP_TIMEOUT_MS, `${meta.name} setup`)) ?? {};
    }
    for (const n of notes) log(`  note: ${n}`);
    let iterationErrors = 0;
    let firstError;
    const cpu0 = cpuTimes();
    const gen0 = process.cpuUsage();
    const load0 = loadavg()[0];
    const stack0 = stack ? groupCpuSeconds(stack.pid) : null;
    const run = await runStages({
      stages: plan.stages,
      thinkTimeMs: parseDuration(plan.thinkTime),
      gracefulStopMs: parseDuration(plan.gracefulStop),
      iteration: (vu) => s.iteration(api, data, vu, ctx),
      abort: () => api.close(),
      onError: (err) => {
        iterationErrors++;
        firstError ??= err?.message ?? String(err);
      },
      onTick: ({ elapsedMs, totalMs, vus, iterations }) =>
        log(`  ${Math.round(elapsedMs / 1000)}s/${Math.round(totalMs / 1000)}s  vus ${vus}  iterations ${iterations}  requests ${recorder.count}`),
    });
    const gen = process.cpuUsage(gen0);
    const stack1 = stack ? groupCpuSeconds(stack.pid) : null;
    const summary = recorder.summary();
    const thresholds = evaluateThresholds(meta.thresholds, summary);
    Object.assign(result, {
      status: "ran",
      verdict: thresholds.every((t) => t.ok) ? "pass" : "fail",
      run,
      summary,
      thresholds,
      iterationErrors,
      firstError,
      cpu: {
        machineBusyPct: busyPercent(cpu0, cpuTimes()),
        generatorPct: (100 * (gen.user + gen.system)) / 1000 / run.durationMs,
        // Only known for a stack this run started (its process group).
        stackPct: stack0 === null || stack1 === null ? null : (100 * (stack1 - stack0) * 1000) / run.durationMs,
        loadavg1Before: load0,
        loadavg1After: loadavg()[0],
      },
    });
    log(`  ${result.verdict.toUpperCase()}: ${summary.total.count} requests in ${(run.durationMs / 1000).toFixed(0)} s` +
      `${iterationErrors ? `, ${iterationErrors} iteration errors (first: ${firstError})` : ""}`);
    for (const t of thresholds) log(`    ${t.ok ? "ok  " : "FAIL"} ${t.metric} ${t.expr} (actual ${Number.isFinite(t.actual) ? t.actual.toFixed(t.metric.startsWith("http_req_failed") ? 4 : 2) : "no data"})`);
  } catch (err) {
    if (err instanceof EndpointUnavailable) {
      Object.assign(result, { status: "skipped", verdict: "skipped", reason: "endpoint not available", detail: err.message });
      log(`  skipped: endpoint not available (${err.message})`);
    } else {
      Object.assign(result, { status: "error", verdict: "error", reason: err.message });
      log(`  error: ${err.message}`);
    }
  } finally {
    api.close();
  }
  return result;
}

async function loadScenarios() {
  const files = readdirSync(scenarioDir).filter((f) => f.endsWith(".js")).sort();
  const list = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(scenarioDir, f)).href);
    if (!mod.scenario?.name || typeof mod.iteration !== "function") fail(`${f}: a scenario exports { scenario: { name, ... } } and iteration()`);
    // Catch a malformed threshold now, not after minutes of load.
    evaluateThresholds(mod.scenario.thresholds ?? {}, { endpoints: {}, total: { count: 0 } });
    list.push({ meta: mod.scenario, setup: mod.setup, iteration: mod.iteration });
  }
  // The seed's baseline first, then the rest by name.
  return list.sort((a, b) => (a.meta.name === "baseline" ? -1 : b.meta.name === "baseline" ? 1 : a.meta.name.localeCompare(b.meta.name)));
}

function describeThresholds(t = {}) {
  return Object.entries(t).map(([k, v]) => `${k.replace(/^http_req_duration\{name:(.+)\}$/, "$1")} ${v.join(" ")}`).join("; ");
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

function fail(msg) {
  console.error(msg);
  process.exit(2);
}
