/** Datasets: create, read, update (If-Match), soft delete, list. */
import { createRoute, z } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import * as datasets from "../../../src/shared/datasets/service";
import { validatePolicy } from "../../../src/shared/anonymize/policy";
import { preconditionFailed, preconditionRequired } from "../../../src/shared/errors";
import { purgeDataset } from "../../../src/shared/records/lifecycle";
import { applySearchSettings } from "../../../src/shared/search/rebuild";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import { CreateDatasetSchema, DatasetSchema, UpdateDatasetSchema } from "../../../src/shared/schema/datasets";
import { wrapTime } from "hono/timing";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const Params = z.object({ id: idParam("ds") });
const etagHeader = z.object({ etag: z.string().openapi({ description: "Pass as If-Match to update" }) });
const read = tenantRoute("datasets:read", "datasets");
const write = tenantRoute("datasets:write", "datasets");

const createDataset = createRoute({
  ...write,
  method: "post",
  path: "/",
  summary: "Create a dataset",
  request: { body: jsonBody(CreateDatasetSchema) },
  responses: {
    201: jsonResponse(DatasetSchema, "The dataset", etagHeader),
    ...pick(400, 401, 403, 409, 413, 415, 422, 503),
  },
});

const listDatasets = createRoute({
  ...read,
  method: "get",
  path: "/",
  summary: "List the tenant's datasets",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(DatasetSchema, "DatasetPage"), "A page of datasets"),
    ...pick(400, 401, 403, 422),
  },
});

const getDataset = createRoute({
  ...read,
  method: "get",
  path: "/{id}",
  summary: "Get a dataset",
  request: { params: Params },
  responses: { 200: jsonResponse(DatasetSchema, "The dataset", etagHeader), ...pick(401, 403, 404, 422) },
});

const updateDataset = createRoute({
  ...write,
  method: "put",
  path: "/{id}",
  summary: "Update a dataset's metadata (If-Match required)",
  request: {
    params: Params,
    headers: z.object({ "if-match": z.string().max(200).optional().openapi({ description: "The ETag from GET" }) }),
    body: jsonBody(UpdateDatasetSchema),
  },
  responses: {
    200: jsonResponse(DatasetSchema, "The dataset", etagHeader),
    ...pick(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 503),
  },
});

const deleteDataset = createRoute({
  ...write,
  method: "delete",
  path: "/{id}",
  summary: "Soft-delete a dataset (its name becomes free), or purge it with ?purge=true",
  description:
    "Without `purge` the dataset and its records are hidden (404) but kept. With `purge=true` (also on an already " +
    "soft-deleted dataset) its wrapped data-encryption keys are destroyed (crypto-shredding), its DatasetObject's " +
    "storage and its R2 blobs are deleted; any copy of its ciphertext is unreadable from then on.",
  request: {
    params: Params,
    headers: z.object({
      "if-match": z
        .string()
        .max(200)
        .optional()
        .openapi({ description: "Optional: the ETag from GET; when sent and no longer current, 412 (RFC 9110)" }),
    }),
    query: z.object({
      purge: z
        .enum(["true", "false"])
        .optional()
        .openapi({ param: { name: "purge", in: "query" }, description: "Destroy the records and keys" }),
    }),
  },
  responses: { 204: { description: "Deleted" }, ...pick(401, 403, 404, 412, 422, 503) },
});

export const datasetRoutes = router()
  .openapi(createDataset, async (c) => {
    const { tenantId } = tenantOf(c);
    const prepared = await wrapTime(c, "prepare", datasets.prepareCreate(c.env, tenantId, c.req.valid("json")));
    const { row } = prepared;
    const dataset = await wrapTime(
      c,
      "audited-insert",
      audited(
        c.env,
        auditScope(c),
        {
          action: "dataset.create",
          resource: { dataset_id: row.id },
          details: { name: row.name, has_schema: row.schema !== null },
        },
        () => datasets.insertDataset(c.env.DB, prepared),
      ),
    );
    await applySearchSettings(c.env, auditScope(c), row, null);
    c.header("ETag", datasets.datasetEtag(dataset));
    c.header("Location", `/api/v1/datasets/${dataset.id}`);
    return c.json(dataset, 201);
  })
  .openapi(listDatasets, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await datasets.listDatasets(c.env.DB, tenantOf(c).tenantId, limit, cursor), 200);
  })
  .openapi(getDataset, async (c) => {
    const id = c.req.valid("param").id;
    const row = await wrapTime(
      c,
      "dataset",
      datasets.cachedDatasetRow(c.env, tenantOf(c).tenantId, id, { counters: true }),
    );
    c.header("ETag", datasets.datasetEtag(row));
    return c.json(datasets.toDataset(row), 200);
  })
  .openapi(updateDataset, async (c) => {
    const ifMatch = c.req.valid("header")["if-match"];
    if (!ifMatch) throw preconditionRequired("Send If-Match with the ETag from GET /api/v1/datasets/{id}.");
    const current = await datasets.rowForChange(c.env, tenantOf(c).tenantId, c.req.valid("param").id, ifMatch);
    const input = c.req.valid("json");
    const changes = datasets.prepareUpdate(current, ifMatch, input);
    await validatePolicy(c.env.DB, current.tenantId, input.pii_policy);
    const dataset = await audited(
      c.env,
      auditScope(c),
      {
        action: "dataset.update",
        resource: { dataset_id: current.id },
        details: { fields: Object.keys(input), schema_changed: input.schema !== undefined },
      },
      () => datasets.applyUpdate(c.env, current, changes),
    );
    if (changes.search !== undefined)
      await applySearchSettings(c.env, auditScope(c), { ...current, ...changes }, current.search);
    c.header("ETag", datasets.datasetEtag(dataset));
    return c.json(dataset, 200);
  })
  .openapi(deleteDataset, async (c) => {
    const ifMatch = c.req.valid("header")["if-match"];
    if (c.req.valid("query").purge === "true") {
      // A purge also reaches soft-deleted datasets, which have no ETag to match: If-Match applies to live ones.
      if (ifMatch !== undefined) {
        const live = await datasets.findLiveDataset(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
        if (live) datasets.checkIfMatch(live, ifMatch);
      }
      await purgeDataset(c.env, auditScope(c), tenantOf(c).tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    }
    const current = await datasets.rowForChange(c.env, tenantOf(c).tenantId, c.req.valid("param").id, ifMatch);
    datasets.checkIfMatch(current, ifMatch);
    await audited(
      c.env,
      auditScope(c),
      { action: "dataset.delete", resource: { dataset_id: current.id } },
      async () => {
        if (await datasets.softDeleteDataset(c.env.DB, current, ifMatch !== undefined)) return;
        // Only on this failure path: tell a deleted dataset (404) from a newer version (412).
        await datasets.getDatasetRow(c.env.DB, current.tenantId, current.id);
        throw preconditionFailed("The dataset changed while it was being deleted; read it again.");
      },
    );
    return c.body(null, 204);
  });
