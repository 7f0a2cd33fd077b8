// State the k6 module shims share with the runner: the run in progress (its metrics, env and
// HTTP agent) and, per async call chain, which VU, iteration, scenario and group is running.
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Per iteration (and per setup/teardown call): { vu: {id, iter}, sc, group, scheduledAt? }, where sc
 * is the scenario's state ({ name, agent, aborted, sleepers }).
 * AsyncLocalStorage carries it across `await`, so __VU and tags stay right while VUs interleave.
 */
export const context = new AsyncLocalStorage();

let current = null;

/** Makes `run` ({ registry, checks }) the one the shims report to; null ends it. */
export function setRun(run) {
  current = run;
}

/** The run in progress; k6 APIs outside a run (e.g. imported by a test) are an error. */
export function currentRun() {
  if (!current) throw new Error("k6 APIs are only available while the load runner runs a script");
  return current;
}

/** Tags k6 puts on every sample: the scenario and the group path ("" at the top level). */
export function contextTags() {
  const s = context.getStore();
  return { scenario: s?.sc?.name ?? "default", group: s?.group ?? "" };
}

/** The scenario state of the calling iteration (setup and teardown have their own). */
export function currentScenario() {
  const sc = context.getStore()?.sc;
  if (!sc) throw new Error("k6 APIs that do I/O run inside setup(), teardown() or a scenario's function, not at init");
  return sc;
}
