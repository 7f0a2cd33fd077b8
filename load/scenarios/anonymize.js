// POST /anonymize: one record with a name, email, phone and a free-text note (seed target p95 80 ms, p99 150 ms).
import { expectStatus, seedThresholds } from "../lib/kit.mjs";

const RECORD = {
  name: "John Doe",
  email: "john.doe@example.com",
  note: "Call John at +1 415 555 0100 or write to 221B Baker Street; SSN 123-45-6789, card 4111 1111 1111 1111.",
};

export const scenario = {
  name: "anonymize",
  description: "POST /anonymize {data}: one record (~200 bytes of PII-bearing text)",
  endpoints: ["POST /anonymize"],
  thresholds: seedThresholds("POST /anonymize"),
};

export async function setup(api) {
  expectStatus(await api.post("/api/v1/anonymize", { data: RECORD }), 200, "POST /api/v1/anonymize");
  return { body: { data: RECORD } };
}

export async function iteration(api, data) {
  await api.post("/api/v1/anonymize", data.body, { name: "POST /anonymize", expect: 200 });
}
