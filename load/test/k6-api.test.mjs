// The k6 scripts of load/k6/ use only what the local runner implements: modules, names, globals,
// options, executors and thresholds; so a script cannot work on k6 and silently not here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { k6ApiViolations, shimExports } from "../lib/api-check.mjs";
import { inspectScript } from "../lib/runner.mjs";

const k6Dir = join(dirname(fileURLToPath(import.meta.url)), "..", "k6");
const files = [
  ...readdirSync(k6Dir).filter((f) => f.endsWith(".js")),
  ...readdirSync(join(k6Dir, "lib"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => `lib/${f}`),
];
const scripts = files.filter((f) => !f.startsWith("lib/"));

test("every script and helper uses only k6 APIs the runner implements", async () => {
  const shims = await shimExports();
  assert.ok(files.length >= 20, `found ${files.length} files`);
  for (const f of files) assert.deepEqual(k6ApiViolations(readFileSync(join(k6Dir, f), "utf8"), f, shims), [], f);
});

test("the check finds what the runner lacks", async () => {
  const shims = await shimExports();
  const source = `
import http from "k6/http";
import exec from "k6/execution";
import { Gauge } from "k6/metrics";
import { sleep, group } from "k6";
export default async function () {
  http.get("http://127.0.0.1/");
  sleep(1);
  group("g", async () => {});
  open("data.csv");
  const h = http;
}`;
  const found = k6ApiViolations(source, "bad.js", shims).join("\n");
  for (const expected of [
    /module 'k6\/execution'/,
    /'Gauge' from 'k6\/metrics'/,
    /http\.get \(k6\/http\)/,
    /sleep\(\) must be awaited/,
    /group\(\) with an async function/,
    /open\(\)/,
    /'http' \(k6\/http\) used other than/,
  ])
    assert.match(found, expected);
});

test("every script loads on the runner for each of its profiles, with executors, options and thresholds it implements", async () => {
  for (const f of scripts) {
    const profiles = [];
    for (const profile of ["seed", "local", "c1", "c10"]) {
      try {
        const { scenarios } = await inspectScript({ script: join(k6Dir, f), env: { PROFILE: profile } });
        assert.ok(Object.keys(scenarios).length > 0, `${f} ${profile}`);
        profiles.push(profile);
      } catch (err) {
        // Scenario scripts have seed and local only; any other failure is a real one.
        if (!(profile.startsWith("c") && /is not one of this script's profiles/.test(err.message)))
          throw new Error(`${f} PROFILE=${profile}: ${err.message}`, { cause: err });
      }
    }
    assert.ok(profiles.includes("seed") && profiles.includes("local"), `${f}: ${profiles}`);
  }
});

test("the runner refuses an option, executor or threshold it does not implement", async () => {
  const { scenariosOf } = await import("../lib/runner.mjs");
  assert.throws(() => scenariosOf({ iterations: 10 }), /option 'iterations' is not implemented/);
  assert.throws(
    () => scenariosOf({ scenarios: { a: { executor: "per-vu-iterations", vus: 1, iterations: 1 } } }),
    /executor 'per-vu-iterations'/,
  );
  assert.throws(
    () => scenariosOf({ scenarios: { a: { executor: "constant-vus", vus: 1, duration: "1s", maxDuration: "2s" } } }),
    /'maxDuration' is not implemented/,
  );
});

test("scripts refuse a non-loopback API_BASE unless ALLOW_REMOTE=1", async () => {
  const script = join(k6Dir, "healthz.js");
  await assert.rejects(
    inspectScript({ script, env: { API_BASE: "https://vault.example.com", PROFILE: "local" } }),
    /not a loopback address.*ALLOW_REMOTE=1/,
  );
  await assert.rejects(
    inspectScript({ script, env: { API_BASE: "http://127.0.0.1.example.com", PROFILE: "local" } }),
    /not a loopback/,
  );
  const ok = await inspectScript({
    script,
    env: { API_BASE: "https://vault.example.com", ALLOW_REMOTE: "1", PROFILE: "local" },
  });
  assert.ok(ok.scenarios.arrivals);
  for (const base of ["http://127.0.0.1:8787", "http://localhost:8787/", "http://[::1]:8787", "http://127.3.2.1"]) {
    await inspectScript({ script, env: { API_BASE: base, PROFILE: "local" } });
  }
});
