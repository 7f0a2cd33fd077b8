/** Authentication (operator token or tenant API key) and per-route scope checks. */
import { createMiddleware } from "hono/factory";
import { wrapTime } from "hono/timing";
import { appendAudit } from "../../../src/shared/audit/append";
import { authenticateKey, authenticateOperator, KeyAuthFailure } from "../../../src/shared/auth/authenticate";
import { requireKeyScope } from "../../../src/shared/auth/require-scope";
import type { Scope } from "../../../src/shared/auth/scopes";
import { forbidden } from "../../../src/shared/errors";
import { auditScope, type AppEnv } from "../context";

export const operatorAuth = createMiddleware<AppEnv>(async (c, next) => {
  c.set("principal", await authenticateOperator(c.env, c.req.header("authorization")));
  await next();
});

export const tenantAuth = createMiddleware<AppEnv>(async (c, next) => {
  try {
    c.set("principal", await wrapTime(c, "auth", authenticateKey(c.env, c.req.header("authorization"))));
  } catch (err) {
    if (err instanceof KeyAuthFailure) {
      // A failure that names a real key belongs in that tenant's audit trail.
      await appendAudit(
        c.env,
        {
          tenantId: err.tenantId,
          actor: err.keyId,
          requestId: c.get("requestId"),
          clientIp: c.req.header("cf-connecting-ip") ?? null,
        },
        {
          action: "auth.failure",
          outcome: "denied",
          resource: { key_id: err.keyId },
          details: { reason: err.reason, route: `${c.req.method} ${c.req.path}` },
        },
      ).catch(() => undefined);
    }
    throw err;
  }
  await next();
});

/** 403 unless the key holds `scope`; the refusal is audited. */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = c.get("principal");
    if (p?.kind !== "key") throw forbidden("This endpoint needs a tenant API key.");
    await requireKeyScope(c.env, auditScope(c), p.scopes, scope, { route: `${c.req.method} ${c.req.path}` });
    await next();
  });
}
