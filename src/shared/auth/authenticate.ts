/** Resolves a bearer token to a Principal, checking the operator token or a tenant API key. */
import { and, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import { DomainError, forbidden, ProblemError, unauthorized } from "../errors";
import { digestsEqual, hashSecret, parseApiKey, secretsEqual } from "./api-key";
import { cacheTtlMs } from "../cache-ttl";
import { getCachedKey, putCachedKey, type CachedKey } from "./key-cache";
import type { Principal } from "./principal";

export interface AuthEnv {
  DB: D1Database;
  OPERATOR_TOKEN?: string;
  AUTH_CACHE_TTL_SECONDS?: string;
}

/** A failed authentication that names a known key (for the audit log); 401, or 403 when suspended, at the edge. */
export class KeyAuthFailure extends DomainError {
  constructor(
    readonly keyId: string,
    readonly tenantId: string,
    readonly reason: "bad-secret" | "revoked" | "suspended",
  ) {
    super(
      reason === "suspended" ? "tenant-suspended" : "unauthorized",
      reason === "suspended" ? "The tenant is suspended." : "The API key is not valid.",
    );
    this.name = "KeyAuthFailure";
  }
}

export function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized("Send Authorization: Bearer <token>.");
  const m = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!m) throw unauthorized("The Authorization header must be 'Bearer <token>'.");
  return m[1];
}

export async function authenticateOperator(env: AuthEnv, header: string | undefined): Promise<Principal> {
  const token = bearerToken(header);
  if (!env.OPERATOR_TOKEN) throw new ProblemError(503, "internal", { detail: "OPERATOR_TOKEN is not configured." });
  if (!(await secretsEqual(token, env.OPERATOR_TOKEN))) {
    // A tenant key on an operator route is a permission problem, not a bad credential.
    if (parseApiKey(token)) throw forbidden("This endpoint needs the operator token.");
    throw unauthorized("The operator token is not valid.");
  }
  return { kind: "operator" };
}

export async function authenticateKey(env: AuthEnv, header: string | undefined): Promise<Principal & { kind: "key" }> {
  const token = bearerToken(header);
  const parsed = parseApiKey(token);
  if (!parsed) throw unauthorized("The API key is malformed.");
  const key = getCachedKey(parsed.keyId) ?? (await loadKey(env, parsed.keyId));
  if (!key) throw unauthorized("The API key is not valid.");
  if (!digestsEqual(await hashSecret(parsed.secret), key.secretHash)) {
    throw new KeyAuthFailure(key.keyId, key.tenantId, "bad-secret");
  }
  if (key.revoked) throw new KeyAuthFailure(key.keyId, key.tenantId, "revoked");
  if (key.tenantStatus !== "active") throw new KeyAuthFailure(key.keyId, key.tenantId, "suspended");
  return { kind: "key", keyId: key.keyId, tenantId: key.tenantId, scopes: key.scopes };
}

/** One D1 query: the key joined with its tenant's status. Unknown keys are not cached. */
async function loadKey(env: AuthEnv, keyId: string): Promise<CachedKey | undefined> {
  const row = await db(env.DB)
    .select({
      keyId: schema.apiKeys.id,
      tenantId: schema.apiKeys.tenantId,
      secretHash: schema.apiKeys.secretHash,
      scopes: schema.apiKeys.scopes,
      revokedAt: schema.apiKeys.revokedAt,
      tenantStatus: schema.tenants.status,
    })
    .from(schema.apiKeys)
    .innerJoin(schema.tenants, and(eq(schema.tenants.id, schema.apiKeys.tenantId)))
    .where(eq(schema.apiKeys.id, keyId))
    .get();
  if (!row) return undefined;
  const entry: CachedKey = {
    keyId: row.keyId,
    tenantId: row.tenantId,
    secretHash: row.secretHash,
    scopes: JSON.parse(row.scopes) as string[],
    revoked: row.revokedAt !== null,
    tenantStatus: row.tenantStatus,
    expiresAt: Date.now() + cacheTtlMs(env.AUTH_CACHE_TTL_SECONDS),
  };
  putCachedKey(entry);
  return entry;
}
