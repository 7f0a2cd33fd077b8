#!/usr/bin/env node
// Measures how long /healthz waits while worst-case tenant-pattern requests run (issue: one
// request held the event loop for seconds). Against a running local stack (npm start), 127.0.0.1
// only, bounded: ROUNDS rounds of PARALLEL requests, /healthz polled every 25 ms meanwhile.
// Usage: BASE=http://127.0.0.1:8810 node scripts/probe-healthz-under-scan.mjs
import { readFileSync } from "node:fs";

const BASE = process.env.BASE ?? "http://127.0.0.1:8787";
const PARALLEL = Number(process.env.PARALLEL ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const OP = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))[1];

async function json(path, token, body) {
  const res = await fetch(BASE + path, {
    method: body ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const tenant = (await json("/api/v1/tenants", OP, { name: `probe-${Date.now()}` })).body;
const key = (await json(`/api/v1/tenants/${tenant.id}/keys`, OP, { name: "probe", scopes: ["*"] })).body.key;
await json("/api/v1/pii/recognizers", key, { name: "quadratic", entity: "QUAD", pattern: "a[^x]*y|a", score: 0.9 });
await json("/api/v1/pii/recognizers", key, { name: "nested", entity: "NESTED", pattern: "(a+)+$", score: 0.9 });

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function healthzWhile(work) {
  const waits = [];
  let done = false;
  const poller = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(BASE + "/healthz").then((r) => r.arrayBuffer());
      waits.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const result = await work();
  done = true;
  await poller;
  return { result, waits };
}

const idle = await healthzWhile(() => new Promise((r) => setTimeout(r, 1000)));
console.log(
  `idle: /healthz p50 ${pct(idle.waits, 50).toFixed(1)} ms, max ${Math.max(...idle.waits).toFixed(1)} ms (${idle.waits.length} polls)`,
);
for (const [entity, text] of [
  ["QUAD", "a".repeat(200_000)],
  ["NESTED", "a".repeat(200_000) + "!"],
]) {
  for (let round = 0; round < ROUNDS; round++) {
    const { result, waits } = await healthzWhile(() =>
      Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          const t = performance.now();
          const { status } = await json("/api/v1/pii/detect", key, { text, entities: [entity] });
          return { status, ms: performance.now() - t };
        }),
      ),
    );
    const statuses = result.map((r) => r.status).join(",");
    const ms = result.map((r) => r.ms.toFixed(0)).join(",");
    console.log(
      `${entity} x${PARALLEL} round ${round + 1}: statuses ${statuses}; request ms ${ms}; ` +
        `/healthz p50 ${pct(waits, 50).toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms (${waits.length} polls)`,
    );
  }
}
