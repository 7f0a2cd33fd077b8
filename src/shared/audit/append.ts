/** Appending to a tenant's audit chain from a Worker: one AuditLogObject per tenant. */
import { newId } from "../ids";
import { DomainError, ProblemError } from "../errors";
import { normalizeEventInput, type AuditEvent, type AuditEventInput, type AuditOutcome } from "./event";
import type { AuditLogRpc } from "./rpc";

/** The binding the audit chain is reached through; `Env` (the AuditLogObject's namespace) satisfies it. */
export interface AuditEnv {
  AUDIT_LOG: DurableObjectNamespace<AuditLogRpc & Rpc.DurableObjectBranded>;
}

/** Who acts and where the request came from; the same for every event of one request. */
export interface AuditScope {
  tenantId: string;
  actor: string;
  requestId: string | null;
  clientIp: string | null;
}

export interface AuditEntry {
  action: string;
  resource?: Record<string, string>;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
}

/** The stub of a tenant's AuditLogObject (its audit chain). */
export function auditLogObject(env: AuditEnv, tenantId: string) {
  return env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenantId}`));
}

/** Builds the event a request raises; the AuditLogObject adds seq, chain time and hashes. */
export function toEventInput(scope: AuditScope, entry: AuditEntry, eventId = newId("evt")): AuditEventInput {
  return {
    event_id: eventId,
    time: new Date().toISOString(),
    actor: scope.actor,
    action: entry.action,
    // The scope's tenant always wins: an event cannot name another tenant's chain.
    resource: { ...(entry.resource ?? {}), tenant_id: scope.tenantId },
    outcome: entry.outcome ?? "success",
    request_id: scope.requestId,
    client_ip: scope.clientIp,
    details: entry.details ?? {},
  };
}

/**
 * Appends events durably or throws a 503: a request whose audit event cannot be stored
 * must not go on to change anything. A failure the runtime marks retryable (a broken
 * connection to the object) is retried once with the same event ids, which the
 * AuditLogObject stores at most once. An invalid event (a producer bug, e.g. a field
 * named `password` in details) throws InvalidAuditEvent before anything is sent.
 */
export async function appendAudit(env: AuditEnv, scope: AuditScope, ...entries: AuditEntry[]): Promise<AuditEvent[]> {
  const inputs = entries.map((e) => normalizeEventInput(toEventInput(scope, e)));
  try {
    return await appendWithRetry(env, scope.tenantId, inputs);
  } catch (cause) {
    throw new ProblemError(503, "audit-unavailable", {
      detail: "The audit log could not record this request, so nothing was changed. Retry later.",
      cause,
    });
  }
}

async function appendWithRetry(env: AuditEnv, tenantId: string, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  try {
    return await auditLogObject(env, tenantId).append(inputs);
  } catch (err) {
    const e = err as { retryable?: boolean; overloaded?: boolean };
    if (!e?.retryable || e.overloaded) throw err;
    // A fresh stub: a stub whose connection broke stays broken.
    return await auditLogObject(env, tenantId).append(inputs);
  }
}

/**
 * Runs `change` after its audit event is stored: no change without its event, and a
 * request whose event cannot be stored changes nothing (503). The stored event records
 * the authorized attempt; if the change then fails, an `error` event for the same action
 * follows, naming the attempt (`details.attempt_event_id`) and the reason, so the chain
 * never claims a change that did not happen without saying so.
 */
export async function audited<T>(
  env: AuditEnv,
  scope: AuditScope,
  entry: AuditEntry,
  change: () => Promise<T>,
): Promise<T> {
  const [attempt] = await appendAudit(env, scope, entry);
  try {
    return await change();
  } catch (err) {
    const reason = err instanceof DomainError ? err.slug : "internal";
    await appendAudit(env, scope, {
      ...entry,
      outcome: "error",
      details: { ...(entry.details ?? {}), reason, attempt_event_id: attempt.event_id },
    }).catch(() => undefined);
    throw err;
  }
}
