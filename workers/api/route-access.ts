/**
 * @module
 * What a route declares beside its schema, once: the OpenAPI security scheme and tag, and the
 * middleware that enforces them, in the order it runs — the route's body rule (media type and
 * size limit, ./middleware/body-limit.ts; the JSON default unless the route names its own),
 * reading a JSON body under the I-JSON rules (./middleware/json-body.ts), authentication, then
 * the scope check for tenant keys. Spread into `createRoute`, so the document and the
 * enforcement cannot drift apart.
 *
 * @example
 * const getDataset = createRoute({ ...tenantRoute("datasets:read", "datasets"), method: "get", path: "/{id}", … });
 * const batch = createRoute({ ...tenantRoute("records:write", "records", bodyLimit(MAX_BATCH_BYTES)), … });
 * const createTenant = createRoute({ ...operatorRoute("tenants"), method: "post", path: "/", … });
 */
import type { MiddlewareHandler } from "hono";
import type { Scope } from "../../src/shared/auth/scopes";
import type { AppEnv } from "./context";
import { operatorAuth, requireScope, tenantAuth } from "./middleware/auth";
import { jsonBodyLimit } from "./middleware/body-limit";
import { jsonBody } from "./middleware/json-body";
import { operatorSecurity, tenantSecurity } from "./openapi";

/**
 * A route for a tenant API key holding `scope` (401 without a valid key, 403 without the scope);
 * `body` is its body rule (default: JSON up to 1 MiB).
 */
export function tenantRoute(scope: Scope, tag: string, body: MiddlewareHandler<AppEnv> = jsonBodyLimit) {
  return { security: tenantSecurity, tags: [tag], middleware: [body, jsonBody, tenantAuth, requireScope(scope)] };
}

/** A route for the operator token (401 without it); JSON bodies up to 1 MiB. */
export function operatorRoute(tag: string) {
  return { security: operatorSecurity, tags: [tag], middleware: [jsonBodyLimit, jsonBody, operatorAuth] };
}
