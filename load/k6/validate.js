// @ts-check
/** POST /validate: 10 records (one invalid) against an inline JSON Schema. */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";

const NAME = "POST /validate";
export const options = endpointOptions(NAME);

const BODY = {
  schema: {
    type: "object",
    required: ["name", "email"],
    properties: {
      name: { type: "string", minLength: 1 },
      email: { type: "string", format: "email" },
      age: { type: "integer", minimum: 0 },
    },
  },
  records: Array.from({ length: 10 }, (_, i) =>
    i === 9
      ? { name: "", email: "not-an-email", age: -1 }
      : { name: `User ${i}`, email: `user${i}@example.com`, age: 20 + i },
  ),
};

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  const res = await request("POST", "/api/v1/validate", { token: data.token, body: BODY, name: NAME });
  check(res, { "200, one invalid": (r) => r.status === 200 && r.json("valid") === false });
}

export const handleSummary = summaryFor("validate");
