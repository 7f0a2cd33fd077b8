/**
 * Exports: start one for a dataset (a job writes it), read it and its manifest, download it
 * (byte ranges for resuming) with an API key or a signed short-lived URL.
 */
import { createRoute, z } from "@hono/zod-openapi";
import * as datasets from "../../../src/shared/datasets/service";
import { notFound } from "../../../src/shared/errors";
import * as exportsService from "../../../src/shared/exports/service";
import { idParam } from "../../../src/shared/schema/common";
import { ExportSchema, SignedUrlSchema, StartExportSchema } from "../../../src/shared/schema/exports";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const DatasetParams = z.object({ id: idParam("ds") });
const Params = z.object({ id: idParam("exp") });
const read = tenantRoute("records:read", "exports");
const bytes = { schema: z.string().openapi({ format: "binary" }) };

const startExport = createRoute({
  ...read,
  method: "post",
  path: "/datasets/{id}/exports",
  summary: "Export a dataset to a file, in seq order",
  description:
    "202 with the export and its `job_id`. Records written after the job starts are not in it. Audited with who exported what.",
  request: { params: DatasetParams, body: jsonBody(StartExportSchema) },
  responses: { 202: jsonResponse(ExportSchema, "The export, started"), ...pick(400, 401, 403, 404, 415, 422, 503) },
});

const getExport = createRoute({
  ...read,
  method: "get",
  path: "/exports/{id}",
  summary: "An export, with its manifest once written",
  request: { params: Params },
  responses: { 200: jsonResponse(ExportSchema, "The export"), ...pick(401, 403, 404, 422) },
});

const manifest = createRoute({
  ...read,
  method: "get",
  path: "/exports/{id}/manifest",
  summary: "The full manifest: the summary and every record's seq and SHA-256, in seq order",
  request: { params: Params },
  responses: {
    200: { description: "The manifest (JSON, streamed)", content: { "application/json": bytes } },
    ...pick(401, 403, 404, 409, 422),
  },
});

const download = createRoute({
  ...read,
  method: "get",
  path: "/exports/{id}/download",
  summary: "Download the exported file (Range supported)",
  request: { params: Params, headers: z.object({ range: z.string().optional() }) },
  responses: {
    200: { description: "The file", content: { "application/x-ndjson": bytes, "text/csv": bytes } },
    206: { description: "A byte range of the file", content: { "application/x-ndjson": bytes, "text/csv": bytes } },
    416: { description: "The range is outside the file" },
    ...pick(401, 403, 404, 409, 422, 503),
  },
});

const signUrl = createRoute({
  ...read,
  method: "post",
  path: "/exports/{id}/url",
  summary: "A signed download URL that needs no API key, valid up to 15 minutes",
  request: {
    params: Params,
    query: z.object({ expires_in: z.coerce.number().int().min(1).max(exportsService.MAX_URL_SECONDS).default(300) }),
  },
  responses: {
    200: jsonResponse(SignedUrlSchema, "The URL and when it expires"),
    ...pick(401, 403, 404, 409, 422, 503),
  },
});

const signedDownload = createRoute({
  method: "get",
  path: "/exports/{id}/signed",
  tags: ["exports"],
  summary: "Download through a signed URL (from POST /exports/{id}/url); a bad or expired signature is a 404",
  request: {
    params: Params,
    query: z.object({ tenant: z.string().max(64), expires: z.coerce.number().int(), sig: z.string().max(128) }),
    headers: z.object({ range: z.string().optional() }),
  },
  responses: {
    200: { description: "The file", content: { "application/x-ndjson": bytes, "text/csv": bytes } },
    206: { description: "A byte range of the file", content: { "application/x-ndjson": bytes } },
    ...pick(404, 422, 503),
  },
});

export const exportRoutes = router()
  .openapi(startExport, async (c) => {
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    return c.json(await exportsService.startExport(c.env, auditScope(c), dataset, c.req.valid("json")), 202);
  })
  .openapi(getExport, async (c) =>
    c.json(await exportsService.getExport(c.env, tenantOf(c).tenantId, c.req.valid("param").id), 200),
  )
  .openapi(manifest, async (c) => {
    const stream = await exportsService.manifestStream(c.env, tenantOf(c).tenantId, c.req.valid("param").id);
    return new Response(stream, { headers: { "Content-Type": "application/json" } }) as never;
  })
  .openapi(
    download,
    async (c) =>
      exportsService.downloadExport(
        c.env,
        auditScope(c),
        c.req.valid("param").id,
        c.req.header("range"),
        "key",
      ) as never,
  )
  .openapi(signUrl, async (c) =>
    c.json(
      await exportsService.signDownloadUrl(
        c.env,
        auditScope(c),
        c.req.valid("param").id,
        c.req.valid("query").expires_in,
        new URL(c.req.url).origin,
      ),
      200,
    ),
  )
  .openapi(signedDownload, async (c) => {
    const { id } = c.req.valid("param");
    const { tenant, expires, sig } = c.req.valid("query");
    if (!(await exportsService.verifyDownloadUrl(c.env, tenant, id, expires, sig))) throw notFound("The export");
    const scope = {
      tenantId: tenant,
      actor: "signed-url",
      requestId: c.get("requestId") ?? null,
      clientIp: c.req.header("cf-connecting-ip") ?? null,
    };
    return exportsService.downloadExport(c.env, scope, id, c.req.header("range"), "signed-url") as never;
  });
