// The machine a run happened on and the CPU it took: the load generator (this process), the
// stack (the process group the runner started) and the whole machine.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { groupCpuSeconds } from "./stack.mjs";

/** CPU count and model, as `nproc` and `lscpu | grep 'Model name'` show them. */
export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /Model name:\s*(.+)/.exec(execFileSync("lscpu", { encoding: "utf8" }))?.[1]?.trim() ?? model;
  } catch {}
  return { cpus: cpus().length, model, node: process.version };
}

/** Busy and total jiffies of the whole machine, from /proc/stat (null where there is none). */
function cpuTimes() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * Measures CPU between start() and stop(elapsedMs): percent of one core for the generator and
 * for process group `stackPgid` (null when unknown), percent of all cores for the machine.
 */
export function cpuMeter(stackPgid) {
  let gen0;
  let stack0;
  let machine0;
  let t0;
  return {
    start() {
      gen0 = process.cpuUsage();
      stack0 = stackPgid ? groupCpuSeconds(stackPgid) : null;
      machine0 = cpuTimes();
      t0 = performance.now();
    },
    stop(elapsedMs = performance.now() - t0) {
      const gen = process.cpuUsage(gen0);
      const stack1 = stackPgid ? groupCpuSeconds(stackPgid) : null;
      const machine1 = cpuTimes();
      return {
        generatorPct: (100 * (gen.user + gen.system)) / 1000 / elapsedMs,
        stackPct: stack0 === null || stack1 === null ? null : (100 * (stack1 - stack0) * 1000) / elapsedMs,
        machineBusyPct:
          machine0 && machine1 && machine1.total > machine0.total
            ? (100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)
            : null,
      };
    },
  };
}
