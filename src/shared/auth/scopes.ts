/** Tenant API key scopes. `*` grants every scope. */
import { z } from "@hono/zod-openapi";

export const SCOPES = [
  "datasets:read",
  "datasets:write",
  "records:read",
  "records:write",
  "pii:detect",
  "pii:admin",
  "anonymize",
  "deanonymize",
  "crypto:encrypt",
  "crypto:decrypt",
  "crypto:admin",
  "audit:read",
  "jobs:read",
  "jobs:write",
] as const;

export type Scope = (typeof SCOPES)[number];

export const ScopeSchema = z.enum([...SCOPES, "*"]).openapi({ description: "A scope, or `*` for every scope." });

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes("*") || granted.includes(needed);
}
