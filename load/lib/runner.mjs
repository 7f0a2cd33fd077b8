// Runs one k6 script on Node: its init code per VU, setup(), the scenarios of options.scenarios
// (constant-vus, ramping-vus, constant-arrival-rate), teardown(), thresholds, handleSummary().
// `k6`, `k6/http` and `k6/metrics` resolve to ./k6/*.mjs through the hooks in ./k6/hooks.mjs.
import http from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import {
  BUILTIN,
  DEFAULT_TREND_STATS,
  parseMetricKey,
  parseThreshold,
  Registry,
  summarizeMetrics,
} from "./metrics.mjs";
import { context, setRun } from "./k6/runtime.mjs";

let hooksRegistered = false;
let runCount = 0;

/** Parses k6 durations: "500ms", "10s", "2m", "24h", "1m30s", or a number of milliseconds. */
export function parseDuration(text) {
  if (typeof text === "number") return text;
  const s = String(text).trim();
  let ms = 0;
  let rest = s;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ms += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
    rest = rest.replace(m[0], "");
  }
  if (!s || rest !== "") throw new Error(`bad duration '${text}' (use e.g. 500ms, 30s, 2m, 1m30s)`);
  return ms;
}

/** VUs the stages ask for `t` ms into a ramping-vus scenario, ramping linearly from `startVUs`. */
export function targetVUs(stages, t, startVUs = 0) {
  let from = startVUs;
  let at = 0;
  for (const s of stages) {
    if (t < at + s.ms) return Math.round(from + ((s.target - from) * (t - at)) / s.ms);
    at += s.ms;
    from = s.target;
  }
  return from;
}

const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

/** The options keys the runner understands; any other is an error rather than silently ignored. */
const OPTION_KEYS = new Set([
  "scenarios",
  "thresholds",
  "summaryTrendStats",
  "setupTimeout",
  "teardownTimeout",
  "stages",
  "vus",
  "duration",
]);

const EXECUTORS = {
  "constant-vus": { keys: ["vus", "duration"], run: constantVus },
  "ramping-vus": { keys: ["startVUs", "stages", "gracefulRampDown"], run: rampingVus },
  "constant-arrival-rate": {
    keys: ["rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"],
    run: constantArrivalRate,
  },
};
const COMMON_KEYS = ["executor", "exec", "startTime", "gracefulStop", "tags", "env"];

/** The executors and options keys the runner implements (the API check test reads these). */
export const SUPPORTED = { options: [...OPTION_KEYS], executors: Object.keys(EXECUTORS) };

/** options.scenarios, or the scenario k6 derives from stages / vus + duration. Throws on what the runner does not do. */
export function scenariosOf(options) {
  for (const k of Object.keys(options))
    if (!OPTION_KEYS.has(k)) throw new Error(`option '${k}' is not implemented by the local runner`);
  let scenarios = options.scenarios;
  if (!scenarios) {
    if (options.stages)
      scenarios = { default: { executor: "ramping-vus", startVUs: options.vus ?? 1, stages: options.stages } };
    else
      scenarios = { default: { executor: "constant-vus", vus: options.vus ?? 1, duration: options.duration ?? "10s" } };
  }
  for (const [name, s] of Object.entries(scenarios)) {
    const ex = EXECUTORS[s.executor];
    if (!ex)
      throw new Error(
        `scenario ${name}: executor '${s.executor}' is not implemented by the local runner (${Object.keys(EXECUTORS).join(", ")})`,
      );
    for (const k of Object.keys(s))
      if (!COMMON_KEYS.includes(k) && !ex.keys.includes(k))
        throw new Error(`scenario ${name}: '${k}' is not implemented for ${s.executor}`);
  }
  return scenarios;
}

/** Checks every threshold names a known metric and parses, before any load is sent. */
function validateThresholds(thresholds, registry) {
  for (const [key, exprs] of Object.entries(thresholds ?? {})) {
    const { name } = parseMetricKey(key);
    const m = registry.metrics.get(name);
    if (!m) throw new Error(`threshold '${key}': no metric named ${name}`);
    if (!Array.isArray(exprs)) throw new Error(`threshold '${key}': expected an array of expressions`);
    for (const e of exprs) parseThreshold(e, m.type);
  }
}

/** Group tree with check counts, in k6's root_group shape. */
class Checks {
  constructor() {
    this.root = { name: "", path: "", id: "", groups: [], checks: [] };
    this.byPath = new Map([["", this.root]]);
  }

  ensureGroup(path) {
    let g = this.byPath.get(path);
    if (g) return g;
    const cut = path.lastIndexOf("::");
    const parent = this.ensureGroup(path.slice(0, cut));
    g = { name: path.slice(cut + 2), path, id: path, groups: [], checks: [] };
    parent.groups.push(g);
    this.byPath.set(path, g);
    return g;
  }

  record(groupPath, name, ok) {
    const g = this.ensureGroup(groupPath);
    let c = g.checks.find((x) => x.name === name);
    if (!c)
      g.checks.push((c = { name, path: `${groupPath}::${name}`, id: `${groupPath}::${name}`, passes: 0, fails: 0 }));
    if (ok) c.passes++;
    else c.fails++;
  }
}

function newScenarioState(name) {
  return {
    name,
    agent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
    aborted: false,
    sleepers: new Set(),
  };
}

function abortScenario(sc) {
  sc.aborted = true;
  for (const wake of [...sc.sleepers]) wake();
  sc.agent.destroy();
}

/**
 * Runs `script` (a path) with `env` as __ENV. Returns { data, failed, exitCode, files }:
 * data is k6's handleSummary argument (plus `extra` merged in at the top level), failed the
 * thresholds that did not hold, exitCode 0, 99 (thresholds failed, as k6) or 107 (script error),
 * files what handleSummary wrote. `log` gets progress lines.
 */
export async function runScript({ script, env = {}, extra = () => ({}), log = () => {}, onStart = () => {} }) {
  if (!hooksRegistered) {
    register("./k6/hooks.mjs", import.meta.url);
    hooksRegistered = true;
  }
  defineGlobals();
  const runId = ++runCount;
  const registry = new Registry();
  for (const [name, [type, contains]] of Object.entries(BUILTIN)) registry.get(name, type, contains);
  const run = { registry, checks: new Checks(), iterationErrors: new Map() };
  setRun(run);
  globalThis.__ENV = { ...env };
  const url = pathToFileURL(resolvePath(script)).href;
  const load = (vu) => import(`${url}?run=${runId}&vu=${vu}`);
  try {
    const main = await load(0);
    const options = main.options ?? {};
    const scenarios = scenariosOf(options);
    validateThresholds(options.thresholds, registry);
    for (const [name, s] of Object.entries(scenarios)) {
      const fn = main[s.exec ?? "default"];
      if (typeof fn !== "function")
        throw new Error(`scenario ${name}: the script exports no function '${s.exec ?? "default"}'`);
    }
    const trendStats = options.summaryTrendStats ?? DEFAULT_TREND_STATS;
    const started = performance.now();

    let data;
    if (typeof main.setup === "function") {
      log("setup()");
      const sc = newScenarioState("default");
      const raw = await withTimeout(
        context.run({ vu: { id: 0, iter: 0 }, sc, group: "::setup" }, () => main.setup()),
        parseDuration(options.setupTimeout ?? "60s"),
        "setup()",
      );
      abortScenario(sc);
      // k6 hands each VU a JSON copy of setup's result.
      data = raw === undefined ? undefined : JSON.parse(JSON.stringify(raw));
    }

    onStart();
    const t0 = performance.now();
    let nextVuId = 1;
    const newVu = async () => {
      const id = nextVuId++;
      const module = await load(id);
      return { id, iter: 0, module };
    };
    const states = [];
    await Promise.all(
      Object.entries(scenarios).map(async ([name, spec]) => {
        if (spec.startTime) await sleepMs(parseDuration(spec.startTime));
        const sc = newScenarioState(name);
        states.push(sc);
        const exec = spec.exec ?? "default";
        const iterate = (vu, scheduledAt) => runIteration(run, vu, sc, exec, data, scheduledAt);
        const scenarioEnv = { ...spec, name, log };
        const result = await EXECUTORS[spec.executor].run(scenarioEnv, { newVu, iterate, sc, registry });
        log(
          `${name}: ${result.iterations} iterations${result.dropped ? `, ${result.dropped} dropped` : ""}${result.interrupted ? `, ${result.interrupted} interrupted` : ""}`,
        );
      }),
    );
    const scenariosMs = performance.now() - t0;

    if (typeof main.teardown === "function") {
      const sc = newScenarioState("default");
      await withTimeout(
        context.run({ vu: { id: 0, iter: 0 }, sc, group: "::teardown" }, () => main.teardown(data)),
        parseDuration(options.teardownTimeout ?? "60s"),
        "teardown()",
      );
      abortScenario(sc);
    }
    for (const [msg, n] of run.iterationErrors) log(`iteration error (x${n}): ${msg}`);

    const durationMs = performance.now() - started;
    const { metrics, failed } = summarizeMetrics(registry, options.thresholds ?? {}, { trendStats, durationMs });
    const summary = {
      root_group: run.checks.root,
      options: { summaryTrendStats: trendStats, summaryTimeUnit: "", noColor: false },
      state: {
        isStdOutTTY: Boolean(process.stdout.isTTY),
        isStdErrTTY: Boolean(process.stderr.isTTY),
        testRunDurationMs: durationMs,
      },
      metrics,
      ...extra({ scenariosMs }),
    };
    const files = [];
    if (typeof main.handleSummary === "function") {
      const out = await context.run({ vu: { id: 0, iter: 0 }, sc: newScenarioState("default"), group: "" }, () =>
        main.handleSummary(summary),
      );
      for (const [target, content] of Object.entries(out ?? {})) {
        if (target === "stdout") process.stdout.write(String(content));
        else if (target === "stderr") process.stderr.write(String(content));
        else {
          mkdirSync(dirname(resolvePath(target)), { recursive: true });
          writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
          files.push(target);
        }
      }
    }
    return { data: summary, failed, exitCode: failed.length ? 99 : 0, files, scenariosMs };
  } catch (err) {
    err.exitCode ??= 107;
    throw err;
  } finally {
    setRun(null);
  }
}

/**
 * Loads `script` as the runner would (init code with `env` as __ENV) without sending anything:
 * returns its exports' names and the scenarios it would run; throws on options, executors,
 * thresholds or exec functions the runner does not implement (like `k6 inspect`, plus those checks).
 */
export async function inspectScript({ script, env = {} }) {
  if (!hooksRegistered) {
    register("./k6/hooks.mjs", import.meta.url);
    hooksRegistered = true;
  }
  defineGlobals();
  const registry = new Registry();
  for (const [name, [type, contains]] of Object.entries(BUILTIN)) registry.get(name, type, contains);
  setRun({ registry, checks: new Checks(), iterationErrors: new Map() });
  globalThis.__ENV = { ...env };
  try {
    const mod = await import(`${pathToFileURL(resolvePath(script)).href}?inspect=${++runCount}`);
    const options = mod.options ?? {};
    const scenarios = scenariosOf(options);
    validateThresholds(options.thresholds, registry);
    for (const [name, s] of Object.entries(scenarios)) {
      if (typeof mod[s.exec ?? "default"] !== "function")
        throw new Error(`scenario ${name}: the script exports no function '${s.exec ?? "default"}'`);
    }
    return { exports: Object.keys(mod), options, scenarios };
  } finally {
    setRun(null);
  }
}

async function runIteration(run, vu, sc, exec, data, scheduledAt) {
  const store = { vu, sc, group: "", scheduledAt };
  const begun = performance.now();
  try {
    await context.run(store, () => vu.module[exec](data));
  } catch (err) {
    if (!sc.aborted) {
      const msg = String(err?.message ?? err).slice(0, 300);
      run.iterationErrors.set(msg, (run.iterationErrors.get(msg) ?? 0) + 1);
    }
  }
  vu.iter++;
  if (sc.aborted) return;
  const tags = { scenario: sc.name, group: "" };
  run.registry.get("iterations", "counter").add(1, tags);
  run.registry.get("iteration_duration", "trend", "time").add(performance.now() - (scheduledAt ?? begun), tags);
}

/** Waits for `inflight` iterations up to gracefulStop, then cuts the rest off. Returns how many were cut. */
async function drain(inflight, sc, gracefulStop) {
  const done = await Promise.race([
    Promise.allSettled([...inflight]).then(() => true),
    sleepMs(parseDuration(gracefulStop ?? "30s")).then(() => false),
  ]);
  const interrupted = done ? 0 : inflight.size;
  abortScenario(sc);
  if (!done) await Promise.race([Promise.allSettled([...inflight]), sleepMs(2000)]);
  return interrupted;
}

function vusGauge(registry, sc, count) {
  registry.get("vus", "gauge").add(count, { scenario: sc.name, group: "" });
}

/** k6 constant-vus: `vus` VUs loop the function for `duration`. */
async function constantVus(spec, { newVu, iterate, sc, registry }) {
  const end = performance.now() + parseDuration(spec.duration);
  const vus = await Promise.all(Array.from({ length: spec.vus ?? 1 }, newVu));
  vusGauge(registry, sc, vus.length);
  let iterations = 0;
  const inflight = new Set();
  const loops = vus.map(async (vu) => {
    while (performance.now() < end && !sc.aborted) {
      const p = iterate(vu);
      inflight.add(p);
      await p;
      inflight.delete(p);
      iterations++;
    }
  });
  await Promise.race([Promise.all(loops), sleepMs(Math.max(0, end - performance.now()))]);
  const interrupted = await drain(inflight, sc, spec.gracefulStop);
  await Promise.allSettled(loops);
  return { iterations, interrupted };
}

/** k6 ramping-vus: VUs follow the stages linearly; a VU ramped down finishes its iteration first. */
async function rampingVus(spec, { newVu, iterate, sc, registry }) {
  const stages = spec.stages.map((s) => ({ ms: parseDuration(s.duration), target: s.target }));
  const total = stages.reduce((a, s) => a + s.ms, 0);
  const startVUs = spec.startVUs ?? 1;
  const t0 = performance.now();
  const active = [];
  const idle = [];
  const inflight = new Set();
  const loops = new Set();
  let iterations = 0;
  let lastGauge = -1;
  const start = (vu) => {
    vu.retiring = false;
    active.push(vu);
    const loop = (async () => {
      while (!vu.retiring && !sc.aborted && performance.now() - t0 < total) {
        const p = iterate(vu);
        inflight.add(p);
        await p;
        inflight.delete(p);
        iterations++;
      }
      idle.push(vu);
    })();
    loops.add(loop);
    loop.finally(() => loops.delete(loop));
  };
  for (;;) {
    const t = performance.now() - t0;
    if (t >= total) break;
    const want = targetVUs(stages, t, startVUs);
    while (active.length < want) start(idle.pop() ?? (await newVu()));
    // The newest VUs retire first, as in k6.
    while (active.length > want) active.pop().retiring = true;
    if (Math.floor(t / 1000) !== lastGauge) {
      lastGauge = Math.floor(t / 1000);
      vusGauge(registry, sc, active.length);
    }
    await sleepMs(Math.min(50, total - t));
  }
  for (const vu of active) vu.retiring = true;
  const interrupted = await drain(inflight, sc, spec.gracefulStop);
  await Promise.allSettled([...loops]);
  return { iterations, interrupted };
}

/**
 * k6 constant-arrival-rate: an iteration starts every timeUnit/rate, whether or not earlier ones
 * have finished (open model). Each takes a free VU; with none free and maxVUs reached the
 * iteration is dropped and counted in dropped_iterations, as k6 does. An iteration the
 * generator starts late keeps its scheduled time, from which its first request is timed.
 */
async function constantArrivalRate(spec, { newVu, iterate, sc, registry }) {
  const interval = parseDuration(spec.timeUnit ?? "1s") / spec.rate;
  const duration = parseDuration(spec.duration);
  const pre = spec.preAllocatedVUs ?? 1;
  const maxVUs = Math.max(spec.maxVUs ?? pre, pre);
  const idle = await Promise.all(Array.from({ length: pre }, newVu));
  let total = idle.length;
  let growing = null;
  const inflight = new Set();
  const dropped = registry.get("dropped_iterations", "counter");
  let iterations = 0;
  let drops = 0;
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    // Compare the offset, not (t0 + offset) - t0: in floating point that can fall just below
    // the duration and schedule one arrival too many.
    if (i * interval >= duration) break;
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleepMs(wait);
    const vu = idle.pop();
    if (!vu) {
      drops++;
      dropped.add(1, { scenario: sc.name, group: "" });
      if (total < maxVUs && !growing) {
        total++;
        growing = newVu().then((v) => {
          idle.push(v);
          growing = null;
        });
      }
      continue;
    }
    const p = iterate(vu, due).then(() => {
      inflight.delete(p);
      idle.push(vu);
      iterations++;
    });
    inflight.add(p);
    if (i % Math.max(1, Math.round(1000 / interval)) === 0) vusGauge(registry, sc, total);
  }
  const rest = duration - (performance.now() - t0);
  if (rest > 0) await sleepMs(rest);
  const interrupted = await drain(inflight, sc, spec.gracefulStop);
  return { iterations, dropped: drops, interrupted };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    Promise.resolve(promise),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

let globalsDefined = false;

/** __VU and __ITER read the calling iteration's VU; __ENV is set per run. */
function defineGlobals() {
  if (globalsDefined) return;
  globalsDefined = true;
  Object.defineProperty(globalThis, "__VU", { get: () => context.getStore()?.vu.id ?? 0, configurable: true });
  Object.defineProperty(globalThis, "__ITER", { get: () => context.getStore()?.vu.iter ?? 0, configurable: true });
}
