// End-to-end latency of transit over real HTTP against a running local stack
// (`PORT=8814 npm start`): p50/p95/p99 of sequential POST /encrypt and /decrypt of a
// 100 KB JSON payload, the seed's target case (encrypt p50 25 ms, decrypt p50 20 ms).
// Usage: node bench/transit-e2e.mjs [base url] [requests]
import { readFileSync } from "node:fs";

const base = process.argv[2] ?? "http://127.0.0.1:8814";
const n = Number(process.argv[3] ?? 300);
const operator = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))[1].trim();

async function post(path, token, body) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const tenant = await post("/api/v1/tenants", operator, { name: "e2e-bench" });
const { key: token } = await post(`/api/v1/tenants/${tenant.id}/keys`, operator, { name: "e2e", scopes: ["*"] });
const name = `e2e-${Date.now()}`;
await post("/api/v1/keys", token, { name });
const data = { rows: Array.from({ length: 1000 }, (_, i) => ({ i, text: "x".repeat(90) })) }; // ≈100 KB of JSON

async function measure(label, fn) {
  for (let i = 0; i < 20; i++) await fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  console.log(`${label}: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms (n=${n})`);
}

const { ciphertext } = await post("/api/v1/encrypt", token, { key: name, data });
console.log(`payload: ${JSON.stringify({ key: name, data }).length} bytes of JSON`);
await measure("POST /api/v1/encrypt 100 KB", () => post("/api/v1/encrypt", token, { key: name, data }));
await measure("POST /api/v1/decrypt 100 KB", () => post("/api/v1/decrypt", token, { key: name, ciphertext }));
