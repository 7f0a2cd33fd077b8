/** The Hono context of the API worker: bindings plus what middleware attaches. */
import type { Context } from "hono";
import { actorOf, type Principal } from "../../src/shared/auth/principal";
import type { AuditScope } from "../../src/shared/audit/append";

export interface AppEnv {
  /**
   * Optional vars beyond wrangler.toml's: SERVER_TIMING = "1" adds a Server-Timing header with the
   * request's phases; DATASET_CACHE_TTL_SECONDS (default 5) bounds src/shared/datasets/cache.ts.
   */
  Bindings: Env & { SERVER_TIMING?: string; DATASET_CACHE_TTL_SECONDS?: string };
  Variables: {
    requestId: string;
    principal?: Principal;
  };
}

export type AppContext = Context<AppEnv>;

/** The tenant principal set by the tenant auth middleware. */
export function tenantOf(c: AppContext): { tenantId: string; keyId: string; scopes: readonly string[] } {
  const p = c.get("principal");
  if (!p || p.kind !== "key") throw new Error("tenant route reached without a tenant principal");
  return p;
}

/** Audit attribution for this request. */
export function auditScope(c: AppContext, tenantId?: string): AuditScope {
  return {
    tenantId: tenantId ?? tenantOf(c).tenantId,
    actor: actorOf(c.get("principal")),
    requestId: c.get("requestId") ?? null,
    clientIp: c.req.header("cf-connecting-ip") ?? null,
  };
}
