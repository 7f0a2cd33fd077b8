/** Audit events: their shape, and the hash chain over their RFC 8785 canonical form. */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import canonicalize from "canonicalize";

export type AuditOutcome = "success" | "denied" | "error";

/** What a caller hands to the audit log; the TenantObject adds seq and the hashes. */
export interface AuditEventInput {
  /** Unique per event; appending the same id twice stores it once (outbox forwarding relies on this). */
  event_id: string;
  time: string;
  /** API key id, `operator`, or `system` for jobs. */
  actor: string;
  action: string;
  /** Ids of what was touched: tenant_id, dataset_id, record_id, key_id, job_id... */
  resource: Record<string, string>;
  outcome: AuditOutcome;
  request_id: string | null;
  client_ip: string | null;
  /** Counts, names and reasons. Never secrets, record content or PII values. */
  details: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

/** The chain starts from 32 zero bytes. */
export const GENESIS_HASH = "0".repeat(64);

/** The hashed part of an event: everything but the hashes themselves. */
export function canonicalEvent(e: AuditEventInput & { seq: number }): string {
  const body = {
    seq: e.seq,
    event_id: e.event_id,
    time: e.time,
    actor: e.actor,
    action: e.action,
    resource: e.resource,
    outcome: e.outcome,
    request_id: e.request_id,
    client_ip: e.client_ip,
    details: e.details,
  };
  const text = canonicalize(body);
  if (text === undefined) throw new Error("audit event cannot be canonicalized");
  return text;
}

/**
 * hash = SHA-256(prev_hash bytes || UTF-8 canonical event), hex. Synchronous (noble) so
 * that the TenantObject can chain inside one storage transaction.
 */
export function chainHash(prevHash: string, e: AuditEventInput & { seq: number }): string {
  const prev = hexToBytes(prevHash);
  const body = utf8ToBytes(canonicalEvent(e));
  const buf = new Uint8Array(prev.length + body.length);
  buf.set(prev);
  buf.set(body, prev.length);
  return bytesToHex(sha256(buf));
}
