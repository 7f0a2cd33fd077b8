/** Audit events: their shape, their validation, and the hash chain over their RFC 8785 canonical form. */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { hexToBytes } from "@noble/hashes/utils.js";
import { guardDetails, InvalidAuditEvent } from "./safe-details";

export { InvalidAuditEvent };

export type AuditOutcome = "success" | "denied" | "error";
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ["success", "denied", "error"];

/** What a caller hands to the audit log; the AuditLogObject adds seq, the chain time and the hashes. */
export interface AuditEventInput {
  /** Unique per event; appending the same id twice stores it once (outbox forwarding relies on this). */
  event_id: string;
  /**
   * When the producer raised the event. The AuditLogObject stores its own, monotonic
   * append time as `time`; a producer time more than OCCURRED_AT_SLACK_MS earlier (an
   * event forwarded late from an outbox) is kept as `details.occurred_at`.
   */
  time: string;
  /** API key id, `operator`, or `system` for jobs. */
  actor: string;
  action: string;
  /** Ids of what was touched: tenant_id, dataset_id, record_id, key_id, job_id... */
  resource: Record<string, string>;
  outcome: AuditOutcome;
  request_id: string | null;
  client_ip: string | null;
  /** Counts, names and reasons. Never secrets, record content or PII values (see safe-details.ts). */
  details: Record<string, unknown>;
}

/**
 * A details value once stored. Deliberately shallow (not a recursive JSON type): the
 * RPC stub types cannot expand a recursive type.
 */
export type JsonValue = string | number | boolean | null | object;

/** An event as stored in the chain. */
export interface AuditEvent extends Omit<AuditEventInput, "details"> {
  details: Record<string, JsonValue>;
  seq: number;
  prev_hash: string;
  hash: string;
}

/** The chain starts from 32 zero bytes. */
export const GENESIS_HASH = "0".repeat(64);

/** A late producer time is kept in details under this key. */
export const OCCURRED_AT_SLACK_MS = 1000;

const ACTION = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const RESOURCE_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_RESOURCE_ENTRIES = 16;
const MAX_RESOURCE_VALUE = 128;
const MAX_ACTOR = 128;
const MAX_REQUEST_ID = 128;
const MAX_CLIENT_IP = 64;

const isIsoTime = (t: unknown): t is string => typeof t === "string" && t.length <= 40 && !Number.isNaN(Date.parse(t));

/**
 * Checks an event's fields and returns a normalized copy: details go through a JSON
 * round trip (so what is hashed is exactly what is stored and read back) and through
 * the secret guard. Throws InvalidAuditEvent for anything a producer should never send.
 */
export function normalizeEventInput(input: AuditEventInput): AuditEventInput {
  const fail = (m: string): never => {
    throw new InvalidAuditEvent(m);
  };
  if (!input || typeof input !== "object") fail("not an object");
  if (typeof input.event_id !== "string" || !EVENT_ID.test(input.event_id)) fail("event_id");
  if (!isIsoTime(input.time)) fail("time is not an ISO 8601 timestamp");
  if (typeof input.actor !== "string" || input.actor.length === 0 || input.actor.length > MAX_ACTOR) fail("actor");
  if (typeof input.action !== "string" || input.action.length > 100 || !ACTION.test(input.action))
    fail(`action '${String(input.action)}'`);
  if (!AUDIT_OUTCOMES.includes(input.outcome)) fail("outcome");
  if (input.request_id !== null && (typeof input.request_id !== "string" || input.request_id.length > MAX_REQUEST_ID))
    fail("request_id");
  if (input.client_ip !== null && (typeof input.client_ip !== "string" || input.client_ip.length > MAX_CLIENT_IP))
    fail("client_ip");
  const resource = input.resource;
  if (!resource || typeof resource !== "object" || Array.isArray(resource)) fail("resource");
  const entries = Object.entries(resource);
  if (entries.length > MAX_RESOURCE_ENTRIES) fail("too many resource ids");
  for (const [k, v] of entries) {
    if (!RESOURCE_KEY.test(k) || typeof v !== "string" || v.length === 0 || v.length > MAX_RESOURCE_VALUE)
      fail(`resource.${k}`);
  }
  if (typeof resource.tenant_id !== "string") fail("resource.tenant_id is required");
  return {
    event_id: input.event_id,
    time: new Date(input.time).toISOString(),
    actor: input.actor,
    action: input.action,
    resource: { ...resource },
    outcome: input.outcome,
    request_id: input.request_id,
    client_ip: input.client_ip,
    details: guardDetails(input.details ?? {}),
  };
}

/** The scalar fields of the hashed part of an event. */
export type EventScalars = Pick<
  AuditEvent,
  "seq" | "event_id" | "time" | "actor" | "action" | "request_id" | "client_ip"
> & { outcome: string };

/**
 * The hashed part of an event (everything but the hashes) in RFC 8785 form, from its
 * scalar fields and the canonical text of `resource` and `details`. The top level has
 * fixed keys, written here in their sorted order; strings and numbers are serialized as
 * RFC 8785 prescribes (ECMAScript JSON.stringify). The AuditLogObject stores resource and
 * details in exactly this canonical text, so verification splices the stored text in
 * without parsing it (any change to those bytes changes the hash).
 */
export function canonicalFromParts(e: EventScalars, resourceText: string, detailsText: string): string {
  if (!Number.isSafeInteger(e.seq)) throw new InvalidAuditEvent("seq is not an integer");
  const s = JSON.stringify;
  return (
    `{"action":${s(e.action)},"actor":${s(e.actor)},"client_ip":${s(e.client_ip)},"details":${detailsText},` +
    `"event_id":${s(e.event_id)},"outcome":${s(e.outcome)},"request_id":${s(e.request_id)},"resource":${resourceText},` +
    `"seq":${e.seq},"time":${s(e.time)}}`
  );
}

/** RFC 8785 text of a JSON value (resource or details). */
export function canonicalText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InvalidAuditEvent("cannot be canonicalized");
  return text;
}

/**
 * The hashed part of an event in RFC 8785 form. Equal to `canonicalize({seq, event_id,
 * time, actor, action, resource, outcome, request_id, client_ip, details})` (a property
 * test checks it), about twice as fast.
 */
export function canonicalEvent(e: AuditEventInput & { seq: number }): string {
  return canonicalFromParts(e, canonicalText(e.resource), canonicalText(e.details));
}

/** SHA-256(32 raw bytes of prev_hash || UTF-8 of the canonical event), hex. */
export function hashCanonical(prevHash: string, canonical: string): string {
  return createHash("sha256").update(hexToBytes(prevHash)).update(canonical, "utf8").digest("hex");
}

/**
 * hash = SHA-256(32 raw bytes of prev_hash || UTF-8 of the canonical event), hex.
 * Synchronous (node:crypto, native in workerd with nodejs_compat) so the AuditLogObject
 * can chain inside one storage transaction; about 8x faster than a JS SHA-256.
 * @example chainHash(GENESIS_HASH, { ...input, seq: 1 })
 */
export function chainHash(prevHash: string, e: AuditEventInput & { seq: number }): string {
  return hashCanonical(prevHash, canonicalEvent(e));
}
