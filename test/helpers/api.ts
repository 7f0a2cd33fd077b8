/** Calling the real API worker from tests, and seeding tenants and keys through it. */
import { env, exports } from "cloudflare:workers";
import type { Scope } from "../../src/shared/auth/scopes";
import type { CreateDataset, UpdateDataset } from "../../src/shared/schema/datasets";
import { BASE, client, expectJson, operator } from "./client";

export { BASE };
export const OPERATOR = { Authorization: `Bearer ${env.OPERATOR_TOKEN}` };

export interface CallInit {
  method?: string;
  token?: string;
  body?: unknown;
  /** A raw body, sent as-is (for malformed JSON and other content types). */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

export async function call(path: string, init: CallInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  let body: BodyInit | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["Content-Type"] ??= "application/json";
  }
  return exports.default.fetch(
    new Request(BASE + path, { method: init.method ?? (body ? "POST" : "GET"), headers, body }),
  );
}

export async function createTenant(name = `tenant-${crypto.randomUUID().slice(0, 8)}`) {
  return expectJson(await operator().api.v1.tenants.$post({ json: { name } }), 201);
}

export async function createKey(tenantId: string, scopes: string[] = ["*"], name = "test key") {
  const keys = operator().api.v1.tenants[":id"].keys;
  return expectJson(await keys.$post({ param: { id: tenantId }, json: { name, scopes: scopes as Scope[] } }), 201);
}

/** A fresh tenant with one all-scopes key. */
export async function newTenant(scopes: string[] = ["*"]) {
  const tenant = await createTenant();
  const key = await createKey(tenant.id, scopes);
  return { tenant, key, token: key.key };
}

/** A dataset made through the API; `body` is not checked here, so tests may pass any settings the route takes. */
export async function createDataset(token: string, body: Record<string, unknown> = {}) {
  const json = { name: `ds-${crypto.randomUUID().slice(0, 8)}`, ...body } as CreateDataset;
  return expectJson(await client(token).api.v1.datasets.$post({ json }), 201);
}

/**
 * GET /openapi.json; fails unless 200. The document is generated from the routes rather than declared by one, so
 * the typed client has no route for it: its shape is typed loosely here (paths and component schemas).
 */
export async function openapiDocument() {
  const res = await call("/openapi.json");
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/openapi.json: expected 200, got ${res.status}: ${text}`);
  return JSON.parse(text) as {
    paths: Record<string, Record<string, any>>;
    components: { schemas: Record<string, any> };
    [field: string]: unknown;
  };
}

/**
 * PUT /datasets/{id} with `body`, sending the ETag read by a GET just before as If-Match; fails unless both
 * answer 200. Returns the updated dataset.
 */
export async function updateDataset(token: string, id: string, body: UpdateDataset) {
  const dataset = client(token).api.v1.datasets[":id"];
  const res = await dataset.$get({ param: { id } });
  await expectJson(res, 200);
  const header = { "if-match": res.headers.get("etag")! };
  return expectJson(await dataset.$put({ param: { id }, header, json: body }), 200);
}

export async function expectProblem(res: Response, status: number) {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  if (!res.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected a problem document, got ${res.headers.get("content-type")}: ${text}`);
  }
  const body = JSON.parse(text);
  if (
    body.status !== status ||
    typeof body.type !== "string" ||
    typeof body.title !== "string" ||
    typeof body.request_id !== "string"
  ) {
    throw new Error(`not a complete problem document: ${text}`);
  }
  return body as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    request_id: string;
    errors?: { path: string; message: string; index?: number }[];
    [extension: string]: unknown;
  };
}
