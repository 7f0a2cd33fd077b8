/**
 * @module
 * Who may call a route, declared once beside it: the OpenAPI security scheme and tag, and
 * the middleware that enforces them (authentication, then the scope check for tenant keys).
 * Spread into `createRoute`, so the document and the enforcement cannot drift apart.
 *
 * @example
 * const getDataset = createRoute({ ...tenantRoute("datasets:read", "datasets"), method: "get", path: "/{id}", … });
 * const createTenant = createRoute({ ...operatorRoute("tenants"), method: "post", path: "/", … });
 */
import type { Scope } from "../../src/shared/auth/scopes";
import { operatorAuth, requireScope, tenantAuth } from "./middleware/auth";
import { operatorSecurity, tenantSecurity } from "./openapi";

/** A route for a tenant API key holding `scope` (401 without a valid key, 403 without the scope). */
export function tenantRoute(scope: Scope, tag: string) {
  return { security: tenantSecurity, tags: [tag], middleware: [tenantAuth, requireScope(scope)] };
}

/** A route for the operator token (401 without it). */
export function operatorRoute(tag: string) {
  return { security: operatorSecurity, tags: [tag], middleware: [operatorAuth] };
}
