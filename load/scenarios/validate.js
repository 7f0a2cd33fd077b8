// POST /validate: 10 records against an inline JSON Schema (seed target p95 35 ms, p99 70 ms).
import { expectStatus, seedThresholds } from "../lib/kit.mjs";

const BODY = {
  schema: {
    type: "object",
    required: ["name", "email"],
    properties: { name: { type: "string", minLength: 1 }, email: { type: "string", format: "email" }, age: { type: "integer", minimum: 0 } },
  },
  records: Array.from({ length: 10 }, (_, i) => (i === 9 ? { name: "", email: "not-an-email", age: -1 } : { name: `User ${i}`, email: `user${i}@example.com`, age: 20 + i })),
};

export const scenario = {
  name: "validate",
  description: "POST /validate {schema, records[10]} (one invalid record)",
  endpoints: ["POST /validate"],
  thresholds: seedThresholds("POST /validate"),
};

export async function setup(api) {
  expectStatus(await api.post("/api/v1/validate", BODY), 200, "POST /api/v1/validate");
  return {};
}

export async function iteration(api) {
  await api.post("/api/v1/validate", BODY, { name: "POST /validate", expect: 200 });
}
