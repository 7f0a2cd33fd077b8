/** One structured JSON log line per request: ids, route, status, duration. Never bodies, headers or secrets. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  const p = c.get("principal");
  console.log(
    JSON.stringify({
      level: "info",
      request_id: c.get("requestId"),
      tenant_id: p?.kind === "key" ? p.tenantId : undefined,
      key_id: p?.kind === "key" ? p.keyId : p?.kind,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    }),
  );
};
