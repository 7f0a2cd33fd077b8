/**
 * Imports into a dataset: a multipart upload (create, PUT parts, complete) or a whole file
 * in one request; the import's state and its error report. The job does the work.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import * as datasets from "../../../src/shared/datasets/service";
import { ProblemError, validationFailed } from "../../../src/shared/errors";
import * as imports from "../../../src/shared/imports/service";
import { MAX_PARTS, MAX_REQUEST_BYTES } from "../../../src/shared/imports/limits";
import { idParam } from "../../../src/shared/schema/common";
import {
  CreateImportSchema,
  ImportSchema,
  PartSchema,
  SingleImportQuerySchema,
} from "../../../src/shared/schema/imports";
import { auditScope, tenantOf, type AppContext, type AppEnv } from "../context";
import { tenantRoute } from "../route-access";
import { bodyLimit, jsonBodyLimit, OCTET_STREAM_TYPE } from "../middleware/body-limit";
import { jsonResponse, pick, router } from "../openapi";

const DatasetParams = z.object({ id: idParam("ds") });
const ImportParams = z.object({ id: idParam("ds"), importId: idParam("imp", "importId") });
const PartParams = ImportParams.extend({
  part: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PARTS)
    .openapi({ param: { name: "part", in: "path" }, example: 1 }),
});
const read = tenantRoute("records:read", "imports");
const write = tenantRoute("records:write", "imports");

/** Media types of a file sent as the body, by format. */
const FILE_TYPES: [RegExp, "ndjson" | "csv" | "parquet"][] = [
  [/^application\/(x-ndjson|jsonl|x-jsonlines)\s*(;|$)/i, "ndjson"],
  [/^text\/csv\s*(;|$)/i, "csv"],
  [/^application\/(vnd\.apache\.parquet|x-parquet)\s*(;|$)/i, "parquet"],
];
const IMPORT_BODY_TYPES = /^(application\/(x-ndjson|jsonl|x-jsonlines|vnd\.apache\.parquet|x-parquet)|text\/csv)/i;

// A file body (NDJSON, CSV, Parquet, maybe gzip) up to 100 MiB, streamed; a JSON body (the
// upload's options) keeps the JSON default.
const importFileLimit = bodyLimit(MAX_REQUEST_BYTES, { alsoAccept: IMPORT_BODY_TYPES });
const importBodyLimit: MiddlewareHandler<AppEnv> = (c, next) =>
  (IMPORT_BODY_TYPES.test(c.req.header("content-type") ?? "") ? importFileLimit : jsonBodyLimit)(c, next);

const file = { schema: z.string().openapi({ format: "binary" }) };

const createImport = createRoute({
  ...tenantRoute("records:write", "imports", importBodyLimit),
  method: "post",
  path: "/{id}/imports",
  summary: "Create an upload, or import a file sent as the body",
  description:
    "JSON body `{format, on_error?, delimiter?, part_size?}`: 201 with an upload to send parts to. A file body " +
    "(`application/x-ndjson`, `text/csv` or `application/vnd.apache.parquet`, optionally `Content-Encoding: gzip`, at most 100 MiB as sent " +
    "and 1 GiB unpacked; query `on_error`, `delimiter`): 202 with the import and its `job_id`.",
  request: {
    params: DatasetParams,
    query: SingleImportQuerySchema,
    body: {
      required: false,
      content: {
        "application/json": { schema: CreateImportSchema },
        "application/x-ndjson": file,
        "text/csv": file,
        "application/vnd.apache.parquet": file,
      },
    },
  },
  responses: {
    201: jsonResponse(ImportSchema, "The upload"),
    202: jsonResponse(ImportSchema, "The import, started"),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const getImport = createRoute({
  ...read,
  method: "get",
  path: "/{id}/imports/{importId}",
  summary: "An import: its parts received so far (to resume an upload), size and job",
  request: { params: ImportParams },
  responses: { 200: jsonResponse(ImportSchema, "The import"), ...pick(401, 403, 404, 422) },
});

const putPart = createRoute({
  ...tenantRoute("records:write", "imports", bodyLimit(MAX_REQUEST_BYTES, { alsoAccept: OCTET_STREAM_TYPE })),
  method: "put",
  path: "/{id}/imports/{importId}/parts/{part}",
  summary: "Upload one part of the file",
  description:
    "`application/octet-stream` with Content-Length, at most the import's `part_size`; every part but the last must be exactly `part_size`. " +
    "Sending a part again replaces it, so a retried part is harmless.",
  request: { params: PartParams, body: { required: true, content: { "application/octet-stream": file } } },
  responses: { 200: jsonResponse(PartSchema, "The part received"), ...pick(400, 401, 403, 404, 409, 413, 415, 422) },
});

const completeImport = createRoute({
  ...write,
  method: "post",
  path: "/{id}/imports/{importId}/complete",
  summary: "Finish the upload and start the import",
  description:
    "202 with the import and its `job_id`. Calling it again answers the same import and job: nothing is imported twice.",
  request: { params: ImportParams },
  responses: { 202: jsonResponse(ImportSchema, "The import, started"), ...pick(401, 403, 404, 409, 413, 422, 503) },
});

const errorReport = createRoute({
  ...read,
  method: "get",
  path: "/{id}/imports/{importId}/errors",
  summary: "The import's invalid lines: line number, JSON path and reason (never the value)",
  request: { params: ImportParams },
  responses: {
    200: {
      description: "NDJSON, one `{line, path, reason}` per error in file order",
      content: { "application/x-ndjson": file },
    },
    ...pick(401, 403, 404, 409, 422),
  },
});

const datasetOf = (c: AppContext, id: string) => datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, id);

export const importRoutes = router()
  .openapi(createImport, async (c) => {
    const dataset = await datasetOf(c, c.req.valid("param").id);
    const type = c.req.header("content-type") ?? "";
    const format = FILE_TYPES.find(([re]) => re.test(type))?.[1];
    if (!format) {
      const body = c.req.valid("json") as z.infer<typeof CreateImportSchema> | undefined;
      if (!body)
        throw validationFailed([
          { path: "$", message: "Send {format, on_error?, delimiter?, part_size?} as JSON, or the file itself." },
        ]);
      return c.json(await imports.createUpload(c.env, auditScope(c), dataset, body), 201);
    }
    const encoding = (c.req.header("content-encoding") ?? "identity").toLowerCase();
    if (encoding !== "identity" && encoding !== "gzip") {
      throw new ProblemError(415, "unsupported-media-type", { detail: "Content-Encoding may be gzip or none." });
    }
    if (!c.req.raw.body) throw new ProblemError(400, "bad-request", { detail: "Send the file as the body." });
    const query = c.req.valid("query");
    const view = await imports.importBody(
      c.env,
      auditScope(c),
      dataset,
      { format, ...query },
      c.req.raw.body,
      encoding === "gzip",
    );
    return c.json(view, 202);
  })
  .openapi(getImport, async (c) => {
    const { id, importId } = c.req.valid("param");
    return c.json(await imports.getImport(c.env, await datasetOf(c, id), importId), 200);
  })
  .openapi(putPart, async (c) => {
    const { id, importId, part } = c.req.valid("param");
    const length = c.req.header("content-length");
    const dataset = await datasetOf(c, id);
    return c.json(
      await imports.putPart(
        c.env,
        dataset,
        importId,
        part,
        c.req.raw.body,
        length === undefined ? null : Number(length),
      ),
      200,
    );
  })
  .openapi(completeImport, async (c) => {
    const { id, importId } = c.req.valid("param");
    return c.json(await imports.completeImport(c.env, auditScope(c), await datasetOf(c, id), importId), 202);
  })
  .openapi(errorReport, async (c) => {
    const { id, importId } = c.req.valid("param");
    const stream = await imports.errorReport(c.env, await datasetOf(c, id), importId);
    return new Response(stream, {
      status: 200,
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8" },
    }) as never;
  });
