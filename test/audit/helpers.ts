/** Helpers for the audit tests: reading the chain through the API and reaching into an AuditLogObject's storage. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { auditLogObject } from "../../src/shared/audit/append";
import type { AuditEvent } from "../../src/shared/audit/event";
import { client, expectJson } from "../helpers/client";

export const stubOf = (tenantId: string) => auditLogObject(env, tenantId);

/** Runs SQL against a tenant's chain storage (the way an attacker with storage access would). */
export function withChainSql<R>(
  tenantId: string,
  fn: (sql: SqlStorage, storage: DurableObjectStorage) => R,
): Promise<R> {
  return runInDurableObject(stubOf(tenantId), (_instance, state) => fn(state.storage.sql, state.storage));
}

/** Query values as the URL carries them; the route's schema checks the names. */
const asQuery = (query: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));

export async function logs(token: string, query: Record<string, string | number> = {}) {
  const page = await expectJson(await client(token).api.v1.audit.logs.$get({ query: asQuery(query) }), 200);
  return page as { items: AuditEvent[]; next_cursor: string | null };
}

/** Every event of the tenant, oldest first, following cursors. */
export async function allEvents(token: string, query: Record<string, string | number> = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await logs(token, { order: "asc", limit: 1000, ...query, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export async function verify(token: string, query: Record<string, string | number> = {}) {
  return expectJson(await client(token).api.v1.audit.verify.$get({ query: asQuery(query) }), 200);
}

/** A minimal valid event input for direct appends. */
export function input(tenantId: string, over: Partial<Parameters<typeof baseInput>[0]> = {}) {
  return baseInput({ tenantId, ...over });
}

function baseInput(o: {
  tenantId: string;
  action?: string;
  actor?: string;
  details?: Record<string, unknown>;
  resource?: Record<string, string>;
  event_id?: string;
  time?: string;
}) {
  return {
    event_id: o.event_id ?? `evt_${crypto.randomUUID()}`,
    time: o.time ?? new Date().toISOString(),
    actor: o.actor ?? "key_test",
    action: o.action ?? "test.event",
    resource: { tenant_id: o.tenantId, ...(o.resource ?? {}) },
    outcome: "success" as const,
    request_id: null,
    client_ip: null,
    details: o.details ?? {},
  };
}

/** A tenant id that no D1 row needs to exist for (direct AuditLogObject tests). */
export const freshTenantId = () => `tnt_${crypto.randomUUID().replace(/-/g, "").slice(0, 26).toUpperCase()}`;
