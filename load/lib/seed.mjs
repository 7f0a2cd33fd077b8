// Seeds a fresh tenant and an all-scopes API key through the operator endpoints.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** $OPERATOR_TOKEN, else the one in .dev.vars (scripts/start.mjs creates the file on first start). */
export function operatorToken(root) {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const file = join(root, ".dev.vars");
  if (!existsSync(file))
    throw new Error(`${file} not found: start the stack once with scripts/start.mjs, which creates it`);
  const token = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim();
  if (!token) throw new Error(`${file} has no OPERATOR_TOKEN`);
  return token;
}

async function operatorPost(base, token, path, body) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path}: expected 201, got ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Creates tenant `name` and a key with scopes ["*"]; returns { tenantId, key }. The key is never printed. */
export async function seedTenant(base, token, name) {
  const tenant = await operatorPost(base, token, "/api/v1/tenants", { name });
  const created = await operatorPost(base, token, `/api/v1/tenants/${tenant.id}/keys`, { name: "load", scopes: ["*"] });
  return { tenantId: tenant.id, key: created.key };
}
