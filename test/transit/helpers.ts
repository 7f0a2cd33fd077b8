/** Transit test helpers: keys and calls through the real API worker. */
import type { CreateTransitKey } from "../../src/shared/schema/transit";
import { callJson } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

export const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const utf8b64 = (text: string) => b64(new TextEncoder().encode(text));
export const fromB64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/**
 * The single-item form of an /encrypt, /decrypt or /rewrap answer: the routes declare a union of it and the batch form
 * (`batch_results`), chosen by the request. Fails if the answer is the batch form.
 */
export function single<T extends object>(body: T): Exclude<T, { batch_results: unknown }> {
  if ("batch_results" in body) throw new Error(`expected a single result, got a batch: ${JSON.stringify(body)}`);
  return body as Exclude<T, { batch_results: unknown }>;
}

export async function createTransitKey(token: string, body: Record<string, unknown> = {}) {
  const name = (body.name as string | undefined) ?? `k-${crypto.randomUUID().slice(0, 8)}`;
  // `body` is not checked here: tests pass any key settings the route takes.
  const json = { name, ...body } as CreateTransitKey;
  return expectJson(await client(token).api.v1.keys.$post({ json }), 201);
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
  return expectJson(await client(token).api.v1.keys[":name"].rotate.$post({ param: { name } }), 200);
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
