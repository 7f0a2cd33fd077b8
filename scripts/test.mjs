#!/usr/bin/env node
// `npm test`: type check (the app, and load/k6 against @types/k6), lint, format check, bundle check, the vitest
// suite inside workerd, then under Node the load runner's tests and a smoke test of the stack `npm start` runs (both workers in one
// wrangler dev); ends with one plain line "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePinnedNode, pinnedEnv } from "./pinned-node.mjs";

ensurePinnedNode();

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = join(root, "bench-results");
mkdirSync(results, { recursive: true });

function step(title, command, args) {
  console.log(`\n> ${title}`);
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit", env: pinnedEnv() });
  return r.status ?? 1;
}

let failedSteps = 0;
const extra = process.argv.slice(2); // e.g. a test file filter for vitest
if (step("type check", bin("tsc"), ["--noEmit"]) !== 0) process.exit(1);
// The k6 scripts are JavaScript (k6 runs them as they are), checked against @types/k6.
if (step("type check of the k6 scripts (load/k6, @types/k6)", bin("tsc"), ["-p", "load/k6/tsconfig.json"]) !== 0)
  process.exit(1);
// Lint (typescript-eslint, import cycles) and formatting (prettier) fail the run like a type error.
if (step("lint (eslint)", bin("eslint"), ["."]) !== 0) process.exit(1);
if (step("format check (prettier --check)", bin("prettier"), ["--check", "--log-level", "warn", "."]) !== 0)
  process.exit(1);
if (step("bundle check (wrangler deploy --dry-run)", "npm", ["run", "--silent", "check:deploy"]) !== 0) process.exit(1);
const vitestJson = join(results, "vitest.json");
// A report left by an earlier run must never be counted as this run's.
rmSync(vitestJson, { force: true });
failedSteps +=
  step("vitest inside workerd", bin("vitest"), [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${vitestJson}`,
    ...extra,
  ]) === 0
    ? 0
    : 1;
const tap = join(results, "load-runner.tap");
rmSync(tap, { force: true });
if (extra.length === 0) {
  failedSteps +=
    step("load runner and local stack tests (node --test)", process.execPath, [
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      "load/test/**/*.test.mjs",
      "test/stack/**/*.test.mjs",
    ]) === 0
      ? 0
      : 1;
}

let passed = 0;
let failed = 0;
try {
  const v = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
} catch {
  failed += 1;
}
if (extra.length === 0) {
  try {
    const t = readFileSync(tap, "utf8");
    passed += Number(/^# pass (\d+)/m.exec(t)?.[1] ?? 0);
    failed += Number(/^# fail (\d+)/m.exec(t)?.[1] ?? 1);
  } catch {
    failed += 1;
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failedSteps > 0 || failed > 0 || passed === 0 ? 1 : 0);
