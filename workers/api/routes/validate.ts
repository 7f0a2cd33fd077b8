/** POST /api/v1/validate: check records against a schema or a dataset's schema, storing nothing. */
import { createRoute } from "@hono/zod-openapi";
import { dryRunValidate } from "../../../src/shared/records/dry-run";
import { ValidateRequestSchema, ValidateResponseSchema } from "../../../src/shared/schema/records";
import { tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { bodyLimit } from "../middleware/body-limit";
import { MAX_BATCH_BYTES } from "../../../src/shared/records/limits";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const validate = createRoute({
  ...tenantRoute("datasets:read", "records", bodyLimit(MAX_BATCH_BYTES)),
  method: "post",
  path: "/",
  summary: "Validate records without storing them",
  description:
    "Body `{schema | dataset_id, records: [<data>, ...]}` with 1-1000 records (at most 10 MiB). Each record is checked as a write " +
    "would check it (a JSON object, nesting ≤ 64, ≤ 1 MiB canonical, the JSON Schema) and reported on its own; paths are relative to the record. " +
    "An invalid record is a 200 with `valid: false`; an invalid schema is a 422.",
  request: { body: jsonBody(ValidateRequestSchema) },
  responses: {
    200: jsonResponse(ValidateResponseSchema, "Per-record results"),
    ...pick(400, 401, 403, 404, 413, 415, 422),
  },
});

export const validateRoutes = router().openapi(validate, async (c) =>
  c.json(await dryRunValidate(c.env.DB, tenantOf(c).tenantId, c.req.valid("json")), 200),
);
