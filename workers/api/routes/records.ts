/** Records of a dataset: create (single and batch, idempotent), list in order, read, replace (If-Match), delete. */
import { createRoute, z, type RouteConfigToTypedResponse } from "@hono/zod-openapi";
import { markCountersStale } from "../../../src/shared/datasets/cache";
import * as datasets from "../../../src/shared/datasets/service";
import { recordEtag } from "../../../src/shared/records/etag";
import { IdempotencyKeySchema } from "../../../src/shared/records/idempotency";
import * as records from "../../../src/shared/records/service";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import {
  BatchCreatedSchema,
  BatchWriteSchema,
  CreatedRecordSchema,
  RecordMetaSchema,
  RecordSchema,
  WriteRecordSchema,
} from "../../../src/shared/schema/records";
import { wrapTime } from "hono/timing";
import { auditScope, tenantOf, type AppContext } from "../context";
import { tenantRoute } from "../route-access";
import { bodyLimit } from "../middleware/body-limit";
import { MAX_BATCH_BYTES, MAX_RECORD_BODY_BYTES } from "../../../src/shared/records/limits";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const DatasetParams = z.object({ id: idParam("ds") });
const RecordParams = z.object({ id: idParam("ds"), recordId: idParam("rec", "recordId") });
const etagHeader = z.object({
  etag: z.string().openapi({ description: 'The record version, quoted (e.g. "2"); pass as If-Match' }),
});
const replayedHeader = z.object({
  "idempotent-replayed": z.string().optional().openapi({
    description: "`true` when this is the stored reply to an earlier request with the same Idempotency-Key",
  }),
});
const read = tenantRoute("records:read", "records");
const write = tenantRoute("records:write", "records", bodyLimit(MAX_RECORD_BODY_BYTES));

const createRecord = createRoute({
  ...write,
  method: "post",
  path: "/{id}/records",
  summary: "Store one record",
  description:
    "The record is validated against the dataset's schema, sealed (AES-256-GCM under the dataset key) and given the next sequence number. `data` is at most 1 MiB as canonical JSON; the body at most 2 MiB.",
  request: {
    params: DatasetParams,
    headers: z.object({ "idempotency-key": IdempotencyKeySchema }),
    body: jsonBody(WriteRecordSchema),
  },
  responses: {
    201: jsonResponse(CreatedRecordSchema, "The stored record's id, seq and version", replayedHeader),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const batchCreate = createRoute({
  ...tenantRoute("records:write", "records", bodyLimit(MAX_BATCH_BYTES)),
  method: "post",
  path: "/{id}/records/batch",
  summary: "Store up to 1000 records, all or nothing",
  description:
    "Body `{records: [{data}, ...]}` with 1-1000 records, at most 10 MiB (body and canonical records). Every record is validated first; " +
    "if any is rejected the reply lists every error with its record `index` and path, and nothing is stored. Sequence numbers are consecutive in input order.",
  request: {
    params: DatasetParams,
    headers: z.object({ "idempotency-key": IdempotencyKeySchema }),
    body: jsonBody(BatchWriteSchema),
  },
  responses: {
    201: jsonResponse(BatchCreatedSchema, "The stored records, in input order", replayedHeader),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const listRecords = createRoute({
  ...read,
  method: "get",
  path: "/{id}/records",
  summary: "Read records in sequence order",
  description:
    "Decrypted records by ascending seq; `limit` 1-1000 (default 100). A page also ends once its records add up to 8 MiB. Each call is audited with its count.",
  request: { params: DatasetParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(RecordSchema, "RecordPage"), "A page of records"),
    ...pick(400, 401, 403, 404, 422, 503),
  },
});

const getRecord = createRoute({
  ...read,
  method: "get",
  path: "/{id}/records/{recordId}",
  summary: "Read one record",
  request: { params: RecordParams },
  responses: { 200: jsonResponse(RecordSchema, "The record", etagHeader), ...pick(401, 403, 404, 422, 503) },
});

const updateRecord = createRoute({
  ...write,
  method: "put",
  path: "/{id}/records/{recordId}",
  summary: "Replace a record's data (If-Match required)",
  description:
    'If-Match carries the record\'s ETag (its version, e.g. `"2"`) or `*`. A stale version is a 412 whose ETag header gives the current one.',
  request: {
    params: RecordParams,
    headers: z.object({
      "if-match": z.string().max(200).optional().openapi({ description: "The record's ETag from GET" }),
    }),
    body: jsonBody(WriteRecordSchema),
  },
  responses: {
    200: jsonResponse(RecordMetaSchema, "The record's new version", etagHeader),
    ...pick(400, 401, 403, 404, 412, 413, 415, 422, 428, 503),
  },
});

const deleteRecord = createRoute({
  ...write,
  method: "delete",
  path: "/{id}/records/{recordId}",
  summary: "Delete a record",
  request: {
    params: RecordParams,
    headers: z.object({
      "if-match": z.string().max(200).optional().openapi({ description: "Optional: delete only this version" }),
    }),
  },
  responses: { 204: { description: "Deleted" }, ...pick(401, 403, 404, 412, 422, 503) },
});

/** The live dataset of the path, looked up with the caller's tenant: 404 for anyone else's or a deleted one. */
const datasetOf = (c: AppContext, id: string) =>
  wrapTime(c, "dataset", datasets.cachedDatasetRow(c.env, tenantOf(c).tenantId, id));

/** A record write changed the dataset's counters: GET /datasets/{id} reads them again. */
const countersChanged = (c: AppContext, id: string) => markCountersStale(tenantOf(c).tenantId, id);

const markReplay = (c: AppContext, replayed: boolean) => {
  if (replayed) c.header("Idempotent-Replayed", "true");
};

export const recordRoutes = router()
  .openapi(createRecord, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const dataset = await datasetOf(c, id);
    const result = await wrapTime(
      c,
      "records",
      records.createRecords(c.env, auditScope(c), dataset, [body], {
        batch: false,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        body,
      }),
    ).finally(() => countersChanged(c, id));
    const created = result.items[0];
    markReplay(c, result.replayed);
    c.header("Location", `/api/v1/datasets/${id}/records/${created.id}`);
    c.header("ETag", recordEtag(created.version));
    return c.json(created, 201);
  })
  .openapi(batchCreate, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const dataset = await datasetOf(c, id);
    const result = await records
      .createRecords(c.env, auditScope(c), dataset, body.records, {
        batch: true,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        body,
      })
      .finally(() => countersChanged(c, id));
    markReplay(c, result.replayed);
    return c.json({ items: result.items }, 201);
  })
  .openapi(listRecords, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const dataset = await datasetOf(c, c.req.valid("param").id);
    const page = await wrapTime(c, "records", records.listRecordsJson(c.env, auditScope(c), dataset, limit, cursor));
    // The text is already the JSON of a RecordPage (listRecordsJson), so it is sent as it is.
    const res = c.body(page, 200, { "Content-Type": "application/json" });
    return res as unknown as RouteConfigToTypedResponse<typeof listRecords>;
  })
  .openapi(getRecord, async (c) => {
    const { id, recordId } = c.req.valid("param");
    const dataset = await datasetOf(c, id);
    const record = await records.getRecord(c.env, auditScope(c), dataset, recordId);
    c.header("ETag", recordEtag(record.version));
    return c.json(record, 200);
  })
  .openapi(updateRecord, async (c) => {
    const { id, recordId } = c.req.valid("param");
    const dataset = await datasetOf(c, id);
    const meta = await records
      .updateRecord(c.env, auditScope(c), dataset, recordId, c.req.valid("header")["if-match"], c.req.valid("json"))
      .finally(() => countersChanged(c, id));
    c.header("ETag", recordEtag(meta.version));
    return c.json(meta, 200);
  })
  .openapi(deleteRecord, async (c) => {
    const { id, recordId } = c.req.valid("param");
    const dataset = await datasetOf(c, id);
    await records
      .deleteRecord(c.env, auditScope(c), dataset, recordId, c.req.valid("header")["if-match"])
      .finally(() => countersChanged(c, id));
    return c.body(null, 204);
  });
