/** GET /audit/logs: filters to an AuditLogObject page query, and the opaque cursor that continues it. */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { badRequest } from "../errors";
import { decodeCursor, encodeCursor } from "../pagination";
import type { AuditLogsQuery } from "../schema/audit";
import { auditLogObject, type AuditEnv } from "./append";
import type { AuditEvent } from "./event";
import type { AuditFilter } from "./store";

/** Ties a cursor to the filters and order it was made for, so it cannot silently change a query. */
function fingerprint(filter: AuditFilter, order: string): string {
  return createHash("sha256")
    .update(canonicalize({ filter, order }) ?? "")
    .digest("hex")
    .slice(0, 16);
}

/**
 * One page of a tenant's events, newest first unless `order` is asc. The tenant's own
 * id as `resource_id` matches every event (each event belongs to its tenant).
 */
export async function listAuditEvents(
  env: AuditEnv,
  tenantId: string,
  query: AuditLogsQuery,
): Promise<{ items: AuditEvent[]; next_cursor: string | null }> {
  const filter: AuditFilter = {
    action: query.action,
    actor: query.actor,
    outcome: query.outcome,
    resourceId: query.resource_id === tenantId ? undefined : query.resource_id,
    datasetId: query.dataset_id,
    from: query.from,
    to: query.to,
  };
  const f = fingerprint(filter, query.order);
  let afterSeq: number | undefined;
  if (query.cursor) {
    const c = decodeCursor(query.cursor, { s: "number", f: "string" });
    if (c.f !== f)
      throw badRequest("The cursor belongs to another query; repeat the filters and order it was made with.", [
        { path: "$.cursor", message: "cursor does not match the query" },
      ]);
    afterSeq = c.s;
  }
  const page = await auditLogObject(env, tenantId).logs({ filter, order: query.order, limit: query.limit, afterSeq });
  const last = page.events[page.events.length - 1];
  return { items: page.events, next_cursor: page.more && last ? encodeCursor({ s: last.seq, f }) : null };
}
