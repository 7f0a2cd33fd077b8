/** Transit test helpers: keys and calls through the real API worker. */
import type { InferRequestType } from "hono/client";
import type { CreateTransitKey, UpdateTransitKey } from "../../src/shared/schema/transit";
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

type Transit = ReturnType<typeof client>["api"]["v1"];
type EncryptRequest = InferRequestType<Transit["encrypt"]["$post"]>["json"];
type DecryptRequest = InferRequestType<Transit["decrypt"]["$post"]>["json"];
type EncryptItem = NonNullable<EncryptRequest["batch_input"]>[number];

/** The `batch_results` of an /encrypt, /decrypt or /rewrap answer; fails if the answer is the single-item form. */
export function batch<T extends object>(body: T): Extract<T, { batch_results: unknown }>["batch_results"] {
  if (!("batch_results" in body)) throw new Error(`expected batch_results, got: ${JSON.stringify(body)}`);
  return (body as Extract<T, { batch_results: unknown }>).batch_results;
}

/** A batch item that succeeded; fails if it is an `error` item. */
export function ok<T extends object>(item: T): Exclude<T, { error: unknown }> {
  if ("error" in item) throw new Error(`expected a result, got an error item: ${JSON.stringify(item)}`);
  return item as Exclude<T, { error: unknown }>;
}

/** The `error` of a batch item that failed; fails if the item succeeded. */
export function failed<T extends object>(item: T): Extract<T, { error: unknown }>["error"] {
  if (!("error" in item)) throw new Error(`expected an error item, got: ${JSON.stringify(item)}`);
  return (item as Extract<T, { error: unknown }>).error;
}

/** POST /encrypt of one item; fails unless 200. */
export async function encrypt(token: string, body: EncryptRequest) {
  return single(await expectJson(await client(token).api.v1.encrypt.$post({ json: body }), 200));
}

/** POST /encrypt of `items` as one batch under `key`: its `batch_results`, a result or an `error` per item, in order. */
export async function encryptBatch(token: string, key: string, items: EncryptItem[]) {
  return batch(await expectJson(await client(token).api.v1.encrypt.$post({ json: { key, batch_input: items } }), 200));
}

/** POST /decrypt of one item; fails unless 200. */
export async function decrypt(token: string, body: DecryptRequest) {
  return single(await expectJson(await client(token).api.v1.decrypt.$post({ json: body }), 200));
}

/** POST /datakey; fails unless 200. */
export async function dataKey(token: string, body: InferRequestType<Transit["datakey"]["$post"]>["json"]) {
  return expectJson(await client(token).api.v1.datakey.$post({ json: body }), 200);
}

export async function rotate(token: string, name: string) {
  return expectJson(await client(token).api.v1.keys[":name"].rotate.$post({ param: { name } }), 200);
}

/** PATCH /keys/{name} with a policy change; fails unless 200. Returns the key. */
export async function patchKey(token: string, name: string, body: UpdateTransitKey) {
  return expectJson(await client(token).api.v1.keys[":name"].$patch({ param: { name }, json: body }), 200);
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
