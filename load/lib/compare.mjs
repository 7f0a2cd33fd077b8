// Part 3 of issue 15: every one-endpoint script measured right after GET /healthz, on the same
// stack in the same run, at each closed-loop profile (c10: 10 requests at a time, c1: one), with
// the generator's and the stack's CPU beside each figure. Ratios to /healthz are what to read on
// a shared machine; the absolute figures move with whatever else is running.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuMeter, machine } from "./report.mjs";
import { runScript } from "./runner.mjs";
import { SEED_LATENCY } from "../k6/lib/targets.js";

/** The scripts of load/k6/ that measure one endpoint of the seed's table, and their name tags. */
export const ENDPOINT_TAGS = {
  "datasets-get": "GET /datasets/{id}",
  "datasets-create": "POST /datasets",
  "datasets-update": "PUT /datasets/{id}",
  "datasets-delete": "DELETE /datasets/{id}",
  "records-add": "POST /records",
  "records-list": "GET /records (batch)",
  validate: "POST /validate",
  anonymize: "POST /anonymize",
  encrypt: "POST /encrypt",
  decrypt: "POST /decrypt",
  "audit-logs": "GET /audit/logs",
  search: "GET /search",
};
export const ENDPOINT_SCRIPTS = Object.keys(ENDPOINT_TAGS);

async function measure({ scriptDir, script, tag, profile, duration, env, stack, log }) {
  const meter = cpuMeter(stack?.pid);
  let cpu;
  const { data } = await runScript({
    script: join(scriptDir, `${script}.js`),
    env: { ...env, PROFILE: profile, DURATION: duration, SUMMARY_DIR: join(env.SUMMARY_DIR, "compare") },
    onStart: () => meter.start(),
    extra: ({ scenariosMs }) => {
      cpu = meter.stop(scenariosMs);
      return { runner: { cpu, note: "compare run" } };
    },
    log: () => {},
  });
  const d = data.metrics[`http_req_duration{name:${tag}}`]?.values ?? {};
  const failed = data.metrics[`http_req_failed{name:${tag}}`]?.values ?? { rate: NaN };
  const seconds = Number(duration.replace(/s$/, ""));
  const row = {
    count: d.count ?? 0,
    rps: (d.count ?? 0) / seconds,
    p50: d.med,
    p99: d["p(99)"],
    failed: failed.rate,
    cpu,
  };
  log(
    `  ${profile} ${tag}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50?.toFixed(1)} ms, p99 ${row.p99?.toFixed(1)} ms, failed ${(100 * row.failed).toFixed(2)} %, generator ${cpu.generatorPct.toFixed(0)} %, stack ${cpu.stackPct?.toFixed(0) ?? "n/a"} %`,
  );
  return row;
}

/** Runs the comparison and writes bench-results/compare-<stamp>.{md,json}; returns the markdown path. */
export async function compare({ scriptDir, scripts, profiles, duration, env, stack, out, stamp, mode, log }) {
  const rows = [];
  for (const script of scripts) {
    const tag = ENDPOINT_TAGS[script];
    if (!tag) throw new Error(`${script} is not a one-endpoint script (${ENDPOINT_SCRIPTS.join(", ")})`);
    for (const profile of profiles) {
      try {
        // /healthz right before each endpoint: the reference moves with the machine's load.
        const health = await measure({
          scriptDir,
          script: "healthz",
          tag: "GET /healthz",
          profile,
          duration,
          env,
          stack,
          log,
        });
        const ep = await measure({ scriptDir, script, tag, profile, duration, env, stack, log });
        rows.push({ script, tag, profile, health, ep });
      } catch (err) {
        // One endpoint's failure (e.g. its setup) is reported in the table; the others still run.
        log(`  ${profile} ${tag}: ${err.message}`);
        rows.push({ script, tag, profile, error: err.message.split("\n")[0].slice(0, 160) });
      }
    }
  }
  const m = machine();
  const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "-");
  const cpu = (c) =>
    `${f(c.generatorPct, 0)} / ${c.stackPct === null ? "n/a" : f(c.stackPct, 0)} / ${f(c.machineBusyPct, 0)}`;
  const lines = [
    `Machine: ${m.cpus} × ${m.model}, Node ${m.node}. Date: ${new Date().toISOString()}. Server: ${mode}.`,
    `Each row: GET /healthz for ${duration}, then the endpoint for ${duration}, closed loop (c10: 10 requests at a time, c1: one).`,
    `CPU columns: load generator / stack, in % of one core, / whole machine busy in % of all cores.`,
    "",
    "| endpoint | profile | req/s | healthz req/s | ratio | p50 ms | p99 ms | healthz p99 ms | seed p50 ms | failed | CPU gen/stack/machine | healthz CPU |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.tag} | ${r.profile} | error: ${r.error.replace(/\|/g, "/")} | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.tag} | ${r.profile} | ${f(r.ep.rps, 0)} | ${f(r.health.rps, 0)} | ${f(r.ep.rps / r.health.rps, 2)} | ${f(r.ep.p50)} | ${f(r.ep.p99)} | ${f(r.health.p99)} | ` +
        `${SEED_LATENCY[r.tag]?.p50 ?? "-"} | ${f(100 * r.ep.failed, 2)} % | ${cpu(r.ep.cpu)} | ${cpu(r.health.cpu)} |`,
    );
  }
  const md = lines.join("\n") + "\n";
  const file = join(out, `compare-${stamp}.md`);
  writeFileSync(file, md);
  writeFileSync(join(out, `compare-${stamp}.json`), JSON.stringify({ machine: m, mode, duration, rows }, null, 2));
  log("\n" + md);
  return file;
}
