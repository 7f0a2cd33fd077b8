/** The tenant's audit chain: filtered pages, verification, and NDJSON export (scope audit:read). */
import { createRoute, z } from "@hono/zod-openapi";
import { auditExport } from "../../../src/shared/audit/export";
import { listAuditEvents } from "../../../src/shared/audit/logs";
import { verifyChain } from "../../../src/shared/audit/verify";
import {
  AuditEventPageSchema,
  AuditExportQuerySchema,
  AuditLogsQuerySchema,
  AuditVerifyQuerySchema,
  AuditVerifyResultSchema,
} from "../../../src/shared/schema/audit";
import { tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonResponse, pick, router } from "../openapi";

const common = tenantRoute("audit:read", "audit");

const listLogs = createRoute({
  ...common,
  method: "get",
  path: "/logs",
  summary: "Page through the tenant's audit events, filtered",
  request: { query: AuditLogsQuerySchema },
  responses: { 200: jsonResponse(AuditEventPageSchema, "A page of events"), ...pick(400, 401, 403, 422) },
});

const verify = createRoute({
  ...common,
  method: "get",
  path: "/verify",
  summary: "Recompute the hash chain (or a seq range of it) and compare it with the last checkpoint",
  request: { query: AuditVerifyQuerySchema },
  responses: {
    200: jsonResponse(AuditVerifyResultSchema, "The verification result (ok or the first bad seq)"),
    ...pick(401, 403, 422),
  },
});

const exportChain = createRoute({
  ...common,
  method: "get",
  path: "/export",
  summary: "Stream the chain as NDJSON, one stored event per line, oldest first",
  description:
    "Verifiable offline: `node scripts/verify-audit-export.mjs export.ndjson` (see src/shared/audit/README.md). The X-Audit-Head-* headers give the head when the export started; X-Audit-Checkpoint-* the newest D1 checkpoint.",
  request: { query: AuditExportQuerySchema },
  responses: {
    200: {
      description: "NDJSON: one AuditEvent per line",
      content: { "application/x-ndjson": { schema: z.string() } },
    },
    ...pick(401, 403, 422),
  },
});

export const auditRoutes = router()
  .openapi(listLogs, async (c) => c.json(await listAuditEvents(c.env, tenantOf(c).tenantId, c.req.valid("query")), 200))
  .openapi(verify, async (c) => {
    const { from_seq, to_seq } = c.req.valid("query");
    return c.json(await verifyChain(c.env, tenantOf(c).tenantId, { fromSeq: from_seq, toSeq: to_seq }), 200);
  })
  .openapi(exportChain, async (c) => {
    const { from_seq, to_seq } = c.req.valid("query");
    const { body, headers } = await auditExport(c.env, tenantOf(c).tenantId, { fromSeq: from_seq, toSeq: to_seq });
    // hono's route typing maps application/x-ndjson to `never` (it matches *json* but is
    // not JSON); the OpenAPI entry above documents the stream, so widen the type here.
    return c.body(body, 200, headers) as never;
  });
