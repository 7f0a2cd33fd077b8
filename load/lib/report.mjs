// Results of a run: the compact console table, and the JSON and markdown summaries written to disk.
import { cpus, loadavg } from "node:os";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** CPU count and model, as `nproc` and `lscpu | grep 'Model name'` show them. */
export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /Model name:\s*(.+)/.exec(execFileSync("lscpu", { encoding: "utf8" }))?.[1]?.trim() ?? model;
  } catch {}
  return { cpus: cpus().length, model, node: process.version };
}

/** Busy and total jiffies of the whole machine, from /proc/stat (null where there is none). */
export function cpuTimes() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Share of all cores that were busy between two cpuTimes() readings, in percent. */
export function busyPercent(a, b) {
  if (!a || !b || b.total === a.total) return null;
  return (100 * (b.busy - a.busy)) / (b.total - a.total);
}

export { loadavg };

const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "-");
const pct = (v) => (Number.isFinite(v) ? (100 * v).toFixed(2) + "%" : "-");

/** Threshold results of one endpoint (or of the whole scenario for name undefined), as "p(95)<30 ✓". */
function verdicts(result, name) {
  const key = name === undefined ? ["http_req_duration", "http_req_failed"] : [`http_req_duration{name:${name}}`];
  return (result.thresholds ?? [])
    .filter((t) => key.includes(t.metric))
    .map((t) => `${t.metric.startsWith("http_req_failed") ? "failed " : ""}${t.expr} ${t.ok ? "ok" : "FAIL"}`)
    .join(", ");
}

/** Rows of the compact table: one per measured endpoint of each scenario, or one saying why it did not run. */
export function tableRows(results) {
  const rows = [];
  for (const r of results) {
    if (r.status !== "ran") {
      rows.push([r.name, r.status === "skipped" ? `skipped: ${r.reason}` : `error: ${r.reason}`, "", "", "", "", "", "", "", ""]);
      continue;
    }
    const secs = r.run.durationMs / 1000;
    const endpoints = Object.entries(r.summary.endpoints);
    const overall = verdicts(r, undefined);
    for (const [name, s] of endpoints) {
      // With one endpoint its row is the whole scenario: the scenario-wide verdicts go on it too.
      const v = endpoints.length === 1 ? [verdicts(r, name), overall].filter(Boolean).join(", ") : verdicts(r, name);
      rows.push([r.name, name, String(s.count), fmt(s.count / secs), fmt(s.med), fmt(s.p95), fmt(s.p99), fmt(s.max), pct(s.failed_rate), v]);
    }
    if (endpoints.length !== 1 && overall) rows.push([r.name, "(all requests)", String(r.summary.total.count), fmt(r.summary.total.count / secs), fmt(r.summary.total.med), fmt(r.summary.total.p95), fmt(r.summary.total.p99), fmt(r.summary.total.max), pct(r.summary.total.failed_rate), overall]);
  }
  return rows;
}

export const HEADER = ["scenario", "endpoint", "reqs", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "failed", "thresholds"];

/** A plain-text table with aligned columns. */
export function textTable(rows) {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i >= 2 && i <= 8 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The same table in markdown, plus one line per scenario with its load and verdict. */
export function markdown(run, results) {
  const lines = [
    `Machine: ${run.machine.cpus} cores, ${run.machine.model}; Node ${run.machine.node}. Date: ${run.date}. Profile: ${run.profile}. Target: ${run.base}${run.startedStack ? " (stack started by the runner)" : ""}.`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `|${HEADER.map((_, i) => (i >= 2 && i <= 8 ? "---:" : "---")).join("|")}|`,
    ...tableRows(results).map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`),
    "",
  ];
  for (const r of results) {
    if (r.status !== "ran") continue;
    const busy = r.cpu.machineBusyPct === null ? "n/a" : `${fmt(r.cpu.machineBusyPct, 0)}%`;
    lines.push(
      `- ${r.name}: ${r.verdict.toUpperCase()}; up to ${r.run.maxVUs} VUs, ${fmt(r.run.durationMs / 1000, 0)} s, ${r.run.iterations} iterations` +
        `${r.run.interrupted ? ` (${r.run.interrupted} interrupted)` : ""}, think time ${r.plan.thinkTime}; ` +
        `CPU: machine ${busy} busy (all cores), stack ${r.cpu.stackPct === null ? "n/a" : fmt(r.cpu.stackPct, 0) + "%"} and load generator ${fmt(r.cpu.generatorPct, 0)}% of one core, load average ${fmt(r.cpu.loadavg1Before, 2)} before / ${fmt(r.cpu.loadavg1After, 2)} after` +
        `${r.iterationErrors ? `; ${r.iterationErrors} iteration errors (first: ${r.firstError})` : ""}` +
        `${r.notes.length ? `; ${r.notes.join("; ")}` : ""}`,
    );
  }
  return lines.join("\n") + "\n";
}
