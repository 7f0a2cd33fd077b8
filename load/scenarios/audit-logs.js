// GET /audit/logs?limit=100, a page of the tenant's audit events (seed target p95 200 ms, p99 400 ms).
import { createDataset, expectStatus, inParallel, seedThresholds } from "../lib/kit.mjs";

export const scenario = {
  name: "audit-logs",
  description: "GET /audit/logs?limit=100 after 150 audited dataset creations in setup",
  endpoints: ["GET /audit/logs"],
  thresholds: seedThresholds("GET /audit/logs"),
};

export async function setup(api, ctx) {
  expectStatus(await api.get("/api/v1/audit/logs?limit=100"), 200, "GET /api/v1/audit/logs");
  await inParallel(150, 5, (i) => createDataset(api, `audit-${ctx.runId}-${i}`));
  return {};
}

export async function iteration(api) {
  await api.get("/api/v1/audit/logs?limit=100", { name: "GET /audit/logs", expect: 200 });
}
