/**
 * The one place a tenant key is refused for a missing scope: the refusal is audited as `auth.scope_denied` (outcome
 * `denied`) and answered 403, whether the scope is the route's (workers/api/middleware/auth.ts) or one a request body
 * asks for (a dataset job's type, an anonymize target).
 */
import { appendAudit, type AuditEnv, type AuditScope } from "../audit/append";
import { forbidden } from "../errors";
import { hasScope, type Scope } from "./scopes";

/**
 * Resolves when `scopes` hold `needed`; otherwise audits the refusal (best effort: a refused request stays refused
 * when the audit log is unavailable) and throws.
 * @param details what asked for the scope (`route`, `job_type`…), kept in the event beside `scope`.
 * @throws ProblemError 403 `forbidden` with `detail` (or one naming the scope).
 */
export async function requireKeyScope(
  env: AuditEnv,
  scope: AuditScope,
  scopes: readonly string[],
  needed: Scope,
  details: Record<string, string>,
  detail = `This API key lacks the '${needed}' scope.`,
): Promise<void> {
  if (hasScope(scopes, needed)) return;
  await appendAudit(env, scope, {
    action: "auth.scope_denied",
    outcome: "denied",
    details: { scope: needed, ...details },
  }).catch(() => undefined);
  throw forbidden(detail);
}
