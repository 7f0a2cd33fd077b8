// The local stack as `npm start` runs it: both workers in one `wrangler dev` process. A job
// goes API worker → queue → consumer worker → the API worker's DatasetObject (script_name),
// which only this end-to-end run exercises. Run by `npm test` under `node --test`.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startStack } from "../../load/lib/stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A port nothing listens on right now. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Every file under `dir` with its size and modification time (empty when there is no `dir`). */
function snapshot(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => `${f} ${statSync(f).size} ${statSync(f).mtimeMs}`)
    .sort();
}

// The developer's local database (`npm start`'s state folder) is never touched: the smoke stack
// gets a folder of its own, deleted afterwards.
const developerState = join(root, ".wrangler", "state");
let developerBefore;
let state;
let base;
let stack;

before(async () => {
  developerBefore = snapshot(developerState);
  state = mkdtempSync(join(tmpdir(), "ldv-smoke-state-"));
  base = `http://127.0.0.1:${await freePort()}`;
  stack = await startStack({
    root,
    base,
    logFile: join(root, "bench-results", "smoke-stack.log"),
    timeoutMs: 240_000,
    log: console.log,
    persistTo: state,
  });
});

after(async () => {
  await stack?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

async function api(path, { token, method, body, expect } = {}) {
  const res = await fetch(base + path, {
    method: method ?? (body ? "POST" : "GET"),
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (expect !== undefined) assert.equal(res.status, expect, `${method ?? "GET"} ${path}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

test(
  "npm start's stack serves the API and runs a queued job in the consumer worker",
  { timeout: 300_000 },
  async () => {
    const operator = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(join(root, ".dev.vars"), "utf8"))[1].trim();
    const tenant = await api("/api/v1/tenants", { token: operator, body: { name: "smoke" }, expect: 201 });
    const { key } = await api(`/api/v1/tenants/${tenant.id}/keys`, {
      token: operator,
      body: { name: "smoke", scopes: ["*"] },
      expect: 201,
    });
    const ds = await api("/api/v1/datasets", {
      token: key,
      body: {
        name: `smoke-${Date.now()}`,
        schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
      },
      expect: 201,
    });
    const rec = await api(`/api/v1/datasets/${ds.id}/records`, {
      token: key,
      body: { data: { text: "hello vault" } },
      expect: 201,
    });
    const page = await api(`/api/v1/datasets/${ds.id}/records`, { token: key, expect: 200 });
    assert.deepEqual(
      page.items.map((r) => [r.id, r.data]),
      [[rec.id, { text: "hello vault" }]],
    );

    // Through the real queue to the other worker and back to this one's Durable Object.
    const started = await api(`/api/v1/datasets/${ds.id}/validation-report`, {
      token: key,
      method: "POST",
      expect: 202,
    });
    let job;
    for (let i = 0; i < 120; i++) {
      job = await api(`/api/v1/jobs/${started.job_id}`, { token: key, expect: 200 });
      if (job.status !== "queued" && job.status !== "running") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(job.status, "succeeded", JSON.stringify(job));
    const report = await api(`/api/v1/datasets/${ds.id}/validation-report`, { token: key, expect: 200 });
    assert.equal(report.status, "complete");
    assert.equal(report.checked, 1);

    const verify = await api("/api/v1/audit/verify", { token: key, expect: 200 });
    assert.equal(verify.ok, true);
    assert.ok(verify.head_seq >= 5);

    // The data went to the test's own folder, and npm start's folder is exactly as it was.
    assert.ok(
      snapshot(state).some((f) => f.includes(".sqlite ")),
      "the smoke stack stored its D1 data in its own folder",
    );
    assert.deepEqual(snapshot(developerState), developerBefore);
  },
);
