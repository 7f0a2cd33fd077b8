#!/usr/bin/env node
// `npm run load -- <script>`: runs a k6 script of load/k6/ on the local runner against the local
// stack (started here if nothing answers), and writes its k6-style summary to bench-results/.
// `npm run load -- --compare`: every one-endpoint script against /healthz, in one run (compare.mjs).
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compare, ENDPOINT_SCRIPTS } from "./lib/compare.mjs";
import { cpuMeter, machine } from "./lib/report.mjs";
import { runScript } from "./lib/runner.mjs";
import { operatorToken } from "./lib/seed.mjs";
import { assertLoopback, isHealthy, startStack, stopStartedStack } from "./lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scriptDir = join(root, "load", "k6");
const log = (msg) => console.log(msg);

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: "string", default: "local" },
    env: { type: "string", short: "e", multiple: true },
    base: { type: "string" },
    out: { type: "string", default: join(root, "bench-results") },
    compare: { type: "boolean", default: false },
    profiles: { type: "string", default: "c10,c1" },
    duration: { type: "string", default: "5s" },
    only: { type: "string" },
    direct: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    list: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

const scripts = readdirSync(scriptDir)
  .filter((f) => f.endsWith(".js"))
  .map((f) => basename(f, ".js"))
  .sort();

if (args.help || (!args.list && !args.compare && positionals.length !== 1)) {
  log(`Usage: npm run load -- <script> [--profile local|seed|c1|c10] [-e KEY=VALUE ...] [--base URL] [--out DIR]
       npm run load -- --compare [--profiles c10,c1] [--duration 5s] [--only a,b] [--direct]
       npm run load -- --list

  <script>    a k6 script of load/k6/ (${scripts.join(", ")}), run on this runner exactly as
              \`k6 run load/k6/<script>.js\` would run it
  --profile   PROFILE for the script (default local: seconds; seed: the seed's stages)
  -e K=V      extra __ENV values, as k6's -e (RATE, DURATION, API_KEY, ...)
  --base      target, loopback only (default $API_BASE, else http://127.0.0.1:$PORT, PORT defaulting to 8815);
              if nothing answers there the runner starts the local stack on it and stops it afterwards
  --out       where summaries go (default bench-results/)
  --compare   part 3 of issue 15: each one-endpoint script right after /healthz, per profile, one table
  --direct    serve the API worker from Miniflare directly (load/direct-server.mjs), without wrangler dev's proxy
  --state-dir with --direct: where its local D1/R2/Durable Object state lives (e.g. /dev/shm/ldv: no disk fsync)`);
  process.exit(args.help ? 0 : 2);
}

if (args.list) {
  log(scripts.join("\n"));
  process.exit(0);
}

const base = assertLoopback(args.base ?? process.env.API_BASE ?? `http://127.0.0.1:${process.env.PORT ?? 8815}`);
const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "");
let stack = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    log(`\n${signal}: stopping.`);
    await stopStartedStack();
    process.exit(130);
  });
}

function scriptEnv(extra = {}) {
  const env = { ...process.env, API_BASE: base, SUMMARY_DIR: args.out, PROFILE: args.profile };
  for (const pair of args.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq < 1) fail(`-e ${pair}: expected KEY=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (!env.API_KEY && !env.OPERATOR_TOKEN) env.OPERATOR_TOKEN = operatorToken(root);
  return { ...env, ...extra };
}

let exitCode = 0;
try {
  if (args.direct) {
    if (await isHealthy(base)) fail(`--direct starts its own server, but something already answers ${base}`);
    const logFile = join(args.out, `load-direct-${stamp}.log`);
    log(
      `Starting the API worker on Miniflare directly (load/direct-server.mjs, no wrangler dev proxy); log in ${logFile}`,
    );
    if (args["state-dir"]) process.env.STATE_DIR = args["state-dir"];
    stack = await startStack({ root, base, logFile, log, script: "load/direct-server.mjs" });
  } else if (await isHealthy(base)) {
    log(`Target answers ${base}/healthz: using the running stack (its CPU is not measured).`);
  } else {
    const logFile = join(args.out, `load-stack-${stamp}.log`);
    log(`Nothing answers ${base}/healthz: starting the local stack (scripts/start.mjs); log in ${logFile}`);
    stack = await startStack({ root, base, logFile, log });
  }

  if (args.compare) {
    const only = args.only ? args.only.split(",") : ENDPOINT_SCRIPTS;
    const file = await compare({
      scriptDir,
      scripts: only,
      profiles: args.profiles.split(","),
      duration: args.duration,
      env: scriptEnv(),
      stack,
      out: args.out,
      stamp,
      mode: args.direct
        ? `Miniflare directly (no dev proxy), state in ${args["state-dir"] ?? ".wrangler/direct-state"}`
        : stack
          ? "wrangler dev (through its proxy)"
          : "a stack already running",
      log,
    });
    log(`Comparison: ${file}`);
  } else {
    const name = positionals[0].replace(/\.js$/, "");
    const script = existsSync(positionals[0]) ? positionals[0] : join(scriptDir, `${name}.js`);
    if (!existsSync(script)) fail(`no script ${script} (see --list)`);
    const meter = cpuMeter(stack?.pid);
    const result = await runScript({
      script,
      env: scriptEnv(),
      log: (m) => log(`  ${m}`),
      onStart: () => meter.start(),
      extra: ({ scenariosMs }) => ({ runner: runnerNote(meter.stop(scenariosMs)) }),
    });
    log(
      result.files.length ? `Summary: ${result.files.join(", ")}` : "The script has no handleSummary: nothing written.",
    );
    exitCode = result.exitCode;
  }
} catch (err) {
  console.error(`load run failed: ${err.stack ?? err.message}`);
  exitCode = err.exitCode ?? 1;
} finally {
  if (stack) {
    log("Stopping the stack this run started...");
    await stack.stop();
  }
}
process.exit(exitCode);

function runnerNote(cpu) {
  const m = machine();
  const f = (v) => (v === null ? "n/a" : `${v.toFixed(0)} %`);
  return {
    machine: m,
    cpu,
    note:
      `local runner (Node ${m.node}) on ${m.cpus} × ${m.model}; during the scenarios the load generator used ${f(cpu.generatorPct)} ` +
      `and the stack ${f(cpu.stackPct)} of one core, the whole machine was ${f(cpu.machineBusyPct)} busy.`,
  };
}

function fail(msg) {
  console.error(msg);
  process.exit(2);
}
