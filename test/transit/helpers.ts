/** Transit test helpers: keys and calls through the real API worker. */
import { callJson } from "../helpers/api";

export const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const utf8b64 = (text: string) => b64(new TextEncoder().encode(text));
export const fromB64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

export async function createTransitKey(token: string, body: Record<string, unknown> = {}) {
  const name = (body.name as string | undefined) ?? `k-${crypto.randomUUID().slice(0, 8)}`;
  const { body: key } = await callJson("/api/v1/keys", { token, body: { name, ...body } }, 201);
  return key as { name: string; latest_version: number; versions: { version: number; created_at: string }[] };
}

export async function encrypt(token: string, body: Record<string, unknown>) {
  return (await callJson("/api/v1/encrypt", { token, body }, 200)).body as { ciphertext: string; key_version: number };
}

/** POST /encrypt of `items` as one batch under `key`: its `batch_results`, a result or an `error` per item, in order. */
export async function encryptBatch(token: string, key: string, items: Record<string, unknown>[]) {
  const { body } = await callJson("/api/v1/encrypt", { token, body: { key, batch_input: items } }, 200);
  return body.batch_results as any[];
}

export async function decrypt(token: string, body: Record<string, unknown>) {
  return (await callJson("/api/v1/decrypt", { token, body }, 200)).body as { plaintext?: string; data?: unknown };
}

export async function rotate(token: string, name: string) {
  return (await callJson(`/api/v1/keys/${name}/rotate`, { token, method: "POST" }, 200)).body;
}

export async function patchKey(token: string, name: string, body: Record<string, unknown>) {
  return callJson(`/api/v1/keys/${name}`, { token, method: "PATCH", body });
}

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

export interface StoredEvent {
  action: string;
  outcome: string;
  resource: Record<string, string>;
  details: Record<string, unknown>;
  raw: string;
}

/** The tenant's audit events as the AuditLogObject stored them. */
export async function auditEvents(tenantId: string): Promise<StoredEvent[]> {
  const stub = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenantId}`));
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ action: string; outcome: string; resource: string; details: string }>(
        "SELECT action, outcome, resource, details FROM audit_events ORDER BY seq",
      )
      .toArray()
      .map((r) => ({
        action: r.action,
        outcome: r.outcome,
        resource: JSON.parse(r.resource),
        details: JSON.parse(r.details),
        raw: JSON.stringify(r),
      })),
  );
}
