/** Dataset upkeep beside its records: DEK rotation and the on-demand validation report. */
import { createRoute, z } from "@hono/zod-openapi";
import * as datasets from "../../../src/shared/datasets/service";
import * as lifecycle from "../../../src/shared/records/lifecycle";
import { getValidationReport, startValidationReport } from "../../../src/shared/records/report";
import { idParam, PageQuerySchema } from "../../../src/shared/schema/common";
import { ReportJobSchema, RotatedKeySchema, ValidationReportSchema } from "../../../src/shared/schema/records";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonResponse, pick, router } from "../openapi";

const Params = z.object({ id: idParam("ds") });

const rotateDatasetKey = createRoute({
  ...tenantRoute("datasets:write", "datasets"),
  method: "post",
  path: "/{id}/rotate-key",
  summary: "Rotate the dataset's data-encryption key",
  description: "Adds a DEK version; new writes are sealed under it. Records sealed under older versions still decrypt.",
  request: { params: Params },
  responses: { 200: jsonResponse(RotatedKeySchema, "The new key version"), ...pick(401, 403, 404, 409, 422, 503) },
});

const startReport = createRoute({
  ...tenantRoute("records:read", "datasets"),
  method: "post",
  path: "/{id}/validation-report",
  summary: "Validate every stored record against the current schema (queued job)",
  description:
    "Changing a dataset's schema applies to new writes only. This starts a job that checks the stored records against " +
    "the schema as it is now; GET the same path for the result. A new report replaces the previous one. 409 when the dataset has no schema.",
  request: { params: Params },
  responses: { 202: jsonResponse(ReportJobSchema, "The job was queued"), ...pick(401, 403, 404, 409, 422, 503) },
});

const getReport = createRoute({
  ...tenantRoute("records:read", "datasets"),
  method: "get",
  path: "/{id}/validation-report",
  summary: "The latest validation report, with a page of invalid records",
  request: { params: Params, query: PageQuerySchema },
  responses: { 200: jsonResponse(ValidationReportSchema, "The report"), ...pick(400, 401, 403, 404, 422, 503) },
});

export const datasetMaintenanceRoutes = router()
  .openapi(rotateDatasetKey, async (c) => {
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    return c.json(await lifecycle.rotateDatasetKey(c.env, auditScope(c), dataset), 200);
  })
  .openapi(startReport, async (c) => {
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    const job = await startValidationReport(c.env, auditScope(c), dataset);
    c.header("Location", `/api/v1/datasets/${dataset.id}/validation-report`);
    return c.json(job, 202);
  })
  .openapi(getReport, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    return c.json(await getValidationReport(c.env, auditScope(c), dataset, limit, cursor), 200);
  });
