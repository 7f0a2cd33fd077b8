/**
 * The per-event CPU of the audit chain under Node: validation, RFC 8785 canonical form
 * and SHA-256 (the part of an append that is not SQLite or RPC).
 */
import { test } from "vitest";
import {
  canonicalEvent,
  chainHash,
  GENESIS_HASH,
  normalizeEventInput,
  type AuditEventInput,
} from "../../src/shared/audit/event";

const event: AuditEventInput & { seq: number } = {
  seq: 123456,
  event_id: "evt_01JD0Z5W3K8Q4V2M7N6P5R4S3T",
  time: "2026-01-31T12:00:00.000Z",
  actor: "key_01JD0Z5W3K8Q4V2M7N6P5R4S3T",
  action: "record.write",
  resource: {
    tenant_id: "tnt_01JD0Z5W3K8Q4V2M7N6P5R4S3T",
    dataset_id: "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T",
    record_id: "rec_1",
  },
  outcome: "success",
  request_id: "6d1e3c4a-2f7b-4f0e-9a51-3c2d8b7e6f10",
  client_ip: "203.0.113.7",
  details: { count: 100, first_id: "rec_1", last_id: "rec_100" },
};

test("audit event CPU (one event)", async ({ bench }) => {
  await bench.compare(
    bench("validate + guard details", () => {
      normalizeEventInput(event);
    }),
    bench("RFC 8785 canonical form", () => {
      canonicalEvent(event);
    }),
    bench("chain hash (canonical form + SHA-256)", () => {
      chainHash(GENESIS_HASH, event);
    }),
  );
});
