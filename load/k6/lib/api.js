// @ts-check
/**
 * How the scripts talk to the vault: the target (API_BASE, loopback unless ALLOW_REMOTE=1),
 * credentials (API_KEY, or a tenant made in setup() with OPERATOR_TOKEN), and request(), the one
 * place that sends HTTP. Paths are OpenAPI templates ("/api/v1/datasets/{id}") so a test can
 * check each against /openapi.json.
 */
import http from "k6/http";

export const API_BASE = (__ENV.API_BASE || "http://127.0.0.1:8787").replace(/\/+$/, "");

/**
 * True for a base URL on this machine: localhost, 127.0.0.0/8 or [::1].
 * @param {string} base
 */
export function isLoopback(base) {
  const m = /^https?:\/\/(\[[^\]]*\]|[^/:?#]*)/i.exec(base);
  if (!m) return false;
  const host = m[1].toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

// Load is only ever sent off this machine on purpose.
if (!isLoopback(API_BASE) && __ENV.ALLOW_REMOTE !== "1") {
  throw new Error(`API_BASE ${API_BASE} is not a loopback address: pass -e ALLOW_REMOTE=1 to load a remote deployment`);
}

/**
 * @typedef {object} RequestOptions
 * @property {Record<string, string | number>} [params] values for the template's {placeholders}
 * @property {string} [query] query string, with its leading "?"
 * @property {unknown} [body] JSON-serialised unless already a string
 * @property {string} [token] bearer token
 * @property {string} [name] the `name` tag: a SEED_LATENCY key for measured requests
 * @property {Record<string, string>} [headers]
 */

/**
 * Sends `method` to the OpenAPI path `template` with its placeholders filled from `params`.
 * Untagged requests are tagged "<METHOD> <template>".
 * @param {string} method
 * @param {string} template
 * @param {RequestOptions} [opts]
 */
export function request(method, template, opts = {}) {
  const params = opts.params ?? {};
  const path = template.replace(/\{(\w+)\}/g, (_, k) => {
    if (params[k] === undefined) throw new Error(`${template}: no value for {${k}}`);
    return encodeURIComponent(String(params[k]));
  });
  /** @type {Record<string, string>} */
  const headers = { ...(opts.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body = null;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  return http.asyncRequest(method, API_BASE + path + (opts.query ?? ""), body, {
    headers,
    tags: { name: opts.name ?? `${method} ${template}` },
  });
}

/**
 * Returns `res` when its status is `status`; otherwise throws with the problem document's detail.
 * For setup steps, whose failure makes the whole run meaningless.
 * @param {import("k6/http").RefinedResponse<any>} res
 * @param {number} status
 * @param {string} what
 */
export function expectStatus(res, status, what) {
  if (res.status === status) return res;
  const body = typeof res.body === "string" ? res.body.slice(0, 300) : "";
  throw new Error(`${what}: expected ${status}, got ${res.status || res.error} ${body}`);
}

/**
 * The tenant API key for the run: API_KEY when given (it needs every scope the script uses),
 * else a new tenant and an all-scopes key made with OPERATOR_TOKEN through the operator endpoints.
 * @returns {Promise<string>}
 */
export async function tenantKey() {
  if (__ENV.API_KEY) return __ENV.API_KEY;
  const op = __ENV.OPERATOR_TOKEN;
  if (!op)
    throw new Error(
      "set API_KEY (a tenant key with the scopes used), or OPERATOR_TOKEN to create a tenant for the run",
    );
  const name = `load-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const tenant = expectStatus(
    await request("POST", "/api/v1/tenants", { token: op, body: { name } }),
    201,
    "create tenant",
  );
  const id = /** @type {string} */ (tenant.json("id"));
  const key = expectStatus(
    await request("POST", "/api/v1/tenants/{id}/keys", {
      token: op,
      params: { id },
      body: { name: "load", scopes: ["*"] },
    }),
    201,
    "create API key",
  );
  return /** @type {string} */ (key.json("key"));
}

/**
 * A name unique to this run, VU and iteration (dataset names are unique per tenant).
 * @param {string} prefix
 */
export function uniqueName(prefix) {
  return `${prefix}-${RUN_ID}-${__VU}-${__ITER}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

const RUN_ID = Date.now().toString(36);
