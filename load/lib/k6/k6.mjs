// The runner's `k6` module: check, group and sleep, with k6's semantics and metrics.
import { context, contextTags, currentRun, currentScenario } from "./runtime.mjs";

const isThenable = (v) =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

/**
 * Runs each named predicate on `val`, adds one `checks` sample per predicate (tag `check`) and
 * returns true when all passed. Like k6, predicates are synchronous: a Promise is an error.
 */
export function check(val, sets, tags = {}) {
  const run = currentRun();
  const metric = run.registry.get("checks", "rate");
  const base = { ...contextTags(), ...tags };
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    let ok;
    try {
      ok = typeof fn === "function" ? fn(val) : fn;
    } catch {
      ok = false;
    }
    if (isThenable(ok)) throw new Error(`check '${name}' returned a Promise: k6 checks are synchronous`);
    ok = Boolean(ok);
    all &&= ok;
    metric.add(ok ? 1 : 0, { ...base, check: name });
    run.checks.record(base.group, name, ok);
  }
  return all;
}

/**
 * Runs `fn` in group `name`: samples inside are tagged group "::name" (nested "::a::b") and its
 * time goes to group_duration. k6 does not support async functions in groups, so neither does this.
 */
export function group(name, fn) {
  const run = currentRun();
  const store = context.getStore() ?? {};
  const path = `${store.group ?? ""}::${name}`;
  run.checks.ensureGroup(path);
  const started = performance.now();
  const result = context.run({ ...store, group: path }, fn);
  if (isThenable(result))
    throw new Error(`group '${name}' got an async function: k6 groups take synchronous code only`);
  run.registry
    .get("group_duration", "trend", "time")
    .add(performance.now() - started, { ...contextTags(), group: path });
  return result;
}

/**
 * Pauses the VU for `seconds`. k6's sleep blocks the VU; here it returns a Promise, so scripts
 * write `await sleep(s)`, which is the same on k6 (awaiting undefined). A stopping run cuts it short.
 */
export function sleep(seconds) {
  const sc = currentScenario();
  if (sc.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, Number(seconds) * 1000));
    function done() {
      clearTimeout(timer);
      sc.sleepers.delete(done);
      resolve(undefined);
    }
    sc.sleepers.add(done);
  });
}
