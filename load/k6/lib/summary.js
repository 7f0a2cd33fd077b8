// @ts-check
/**
 * handleSummary for every script: writes k6's summary data as `<script>-summary.json` and a
 * markdown table per measured endpoint as `<script>-summary.md` (into SUMMARY_DIR, default the
 * working directory), and prints the table. The same code runs on k6 and on the local runner,
 * so a run at the edge and one on a laptop read the same.
 */
import { SEED_LATENCY } from "./targets.js";

/** @param {number | undefined} v */
const ms = (v) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(1) : "-");
/** @param {number | undefined} v */
const pct = (v) => (typeof v === "number" && Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : "-");

/**
 * The markdown table of a summary: one row per `name` tag that has a latency threshold.
 * @param {string} script
 * @param {any} data k6's handleSummary argument
 */
export function markdownSummary(script, data) {
  const m = data.metrics;
  const secs = data.state.testRunDurationMs / 1000;
  const lines = [
    `## ${script}: ${secs.toFixed(1)} s`,
    "",
    "| endpoint (name tag) | reqs | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | failed | seed p50/p95/p99/p99.9 | thresholds |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const key of Object.keys(m).sort()) {
    const hit = /^http_req_duration\{name:(.+)\}$/.exec(key);
    if (!hit) continue;
    const name = hit[1];
    const d = m[key].values;
    const reqs = m[`http_reqs{name:${name}}`]?.values;
    const failed = m[`http_req_failed{name:${name}}`]?.values;
    const seed = SEED_LATENCY[name];
    const verdicts = [key, `http_req_failed{name:${name}}`, `http_reqs{name:${name}}`]
      .flatMap((k) => Object.entries(m[k]?.thresholds ?? {}).map(([expr, r]) => (r.ok ? "" : `${expr} ✗`)))
      .filter(Boolean);
    lines.push(
      `| ${name} | ${d.count ?? reqs?.count ?? "-"} | ${reqs ? reqs.rate.toFixed(1) : "-"} | ${ms(d.med)} | ${ms(d["p(95)"])} | ${ms(d["p(99)"])} | ` +
        `${ms(d["p(99.9)"])} | ${ms(d.max)} | ${pct(failed?.rate)} | ${seed ? `${seed.p50}/${seed.p95}/${seed.p99}/${seed.p999}` : "-"} | ` +
        `${verdicts.length ? verdicts.join(", ") : "all hold"} |`,
    );
  }
  const all = m.http_req_duration?.values;
  if (all)
    lines.push(
      `| (every request, setup too) | ${m.http_reqs?.values.count ?? "-"} | ${m.http_reqs ? m.http_reqs.values.rate.toFixed(1) : "-"} | ${ms(all.med)} | ${ms(all["p(95)"])} | ${ms(all["p(99)"])} | ${ms(all["p(99.9)"])} | ${ms(all.max)} | ${pct(m.http_req_failed?.values.rate)} | | |`,
    );
  lines.push("");
  const failedThresholds = Object.entries(m).flatMap(([k, v]) =>
    Object.entries(/** @type {any} */ (v).thresholds ?? {})
      .filter(([, r]) => !r.ok)
      .map(([e]) => `${k} ${e}`),
  );
  lines.push(
    failedThresholds.length
      ? `Thresholds failed (${failedThresholds.length}): ${failedThresholds.join("; ")}`
      : "All thresholds hold.",
  );
  const checks = m.checks?.values;
  if (checks) lines.push(`Checks: ${checks.passes} passed, ${checks.fails} failed.`);
  if (m.iterations)
    lines.push(
      `Iterations: ${m.iterations.values.count}${m.dropped_iterations ? `, dropped (no free VU at their start time): ${m.dropped_iterations.values.count}` : ""}.`,
    );
  if (data.runner) lines.push(`Runner: ${data.runner.note}`);
  return lines.join("\n") + "\n";
}

/**
 * handleSummary for `script`.
 * @param {string} script the file name without .js
 */
export function summaryFor(script) {
  /** @param {any} data */
  return function handleSummary(data) {
    const dir = (__ENV.SUMMARY_DIR || ".").replace(/\/+$/, "");
    const md = markdownSummary(script, data);
    return {
      [`${dir}/${script}-summary.json`]: JSON.stringify(data, null, 2),
      [`${dir}/${script}-summary.md`]: md,
      stdout: md,
    };
  };
}
