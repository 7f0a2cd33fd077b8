/** PII detection and the tenant's custom recognizers. */
import { createRoute, z } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import * as recognizers from "../../../src/shared/pii/recognizer-store";
import { detectForTenant } from "../../../src/shared/pii/service";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import {
  DetectRequestSchema,
  DetectResponseSchema,
  RecognizerInputSchema,
  RecognizerSchema,
} from "../../../src/shared/schema/pii";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const Params = z.object({ id: idParam(recognizers.RECOGNIZER_ID_PREFIX) });
const detectAccess = tenantRoute("pii:detect", "pii");
const adminAccess = tenantRoute("pii:admin", "pii");

const detect = createRoute({
  ...detectAccess,
  method: "post",
  path: "/detect",
  summary: "Find PII and secrets in a text or in every string of a JSON value",
  description:
    "Every finding of `data` repeats its JSON path: when the paths would sum to more than 4 MiB characters (a long " +
    "member name holding many findings), the request is refused with 422 `answer-too-large`.",
  request: { body: jsonBody(DetectRequestSchema) },
  responses: {
    200: jsonResponse(DetectResponseSchema, "Findings, ordered by position (per path for JSON)"),
    ...pick(400, 401, 403, 413, 415, 422),
  },
});

const createRecognizer = createRoute({
  ...adminAccess,
  method: "post",
  path: "/recognizers",
  summary: "Add a custom recognizer (regex + context words + score)",
  request: { body: jsonBody(RecognizerInputSchema) },
  responses: { 201: jsonResponse(RecognizerSchema, "The recognizer"), ...pick(400, 401, 403, 409, 413, 415, 422, 503) },
});

const listRecognizers = createRoute({
  ...detectAccess,
  method: "get",
  path: "/recognizers",
  summary: "List the tenant's custom recognizers",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(RecognizerSchema, "RecognizerPage"), "A page of recognizers"),
    ...pick(400, 401, 403, 422),
  },
});

const getRecognizer = createRoute({
  ...detectAccess,
  method: "get",
  path: "/recognizers/{id}",
  summary: "Get a custom recognizer",
  request: { params: Params },
  responses: { 200: jsonResponse(RecognizerSchema, "The recognizer"), ...pick(401, 403, 404, 422) },
});

const replaceRecognizer = createRoute({
  ...adminAccess,
  method: "put",
  path: "/recognizers/{id}",
  summary: "Replace a custom recognizer",
  request: { params: Params, body: jsonBody(RecognizerInputSchema) },
  responses: {
    200: jsonResponse(RecognizerSchema, "The recognizer"),
    ...pick(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});

const deleteRecognizer = createRoute({
  ...adminAccess,
  method: "delete",
  path: "/recognizers/{id}",
  summary: "Delete a custom recognizer",
  request: { params: Params },
  responses: { 204: { description: "Deleted" }, ...pick(401, 403, 404, 422, 503) },
});

export const piiRoutes = router()
  .openapi(detect, async (c) => {
    const findings = await detectForTenant(c.env, tenantOf(c).tenantId, c.req.valid("json"));
    return c.json({ findings }, 200);
  })
  .openapi(createRecognizer, async (c) => {
    const row = await recognizers.prepareRecognizer(c.env.DB, tenantOf(c).tenantId, c.req.valid("json"));
    const rec = await audited(
      c.env,
      auditScope(c),
      {
        action: "pii.recognizer.create",
        resource: { recognizer_id: row.id },
        details: { name: row.name, entity: row.entity },
      },
      () => recognizers.insertRecognizer(c.env.DB, row),
    );
    c.header("Location", `/api/v1/pii/recognizers/${rec.id}`);
    return c.json(rec, 201);
  })
  .openapi(listRecognizers, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await recognizers.listRecognizers(c.env.DB, tenantOf(c).tenantId, limit, cursor), 200);
  })
  .openapi(getRecognizer, async (c) => {
    const row = await recognizers.getRecognizerRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    return c.json(recognizers.toRecognizer(row), 200);
  })
  .openapi(replaceRecognizer, async (c) => {
    const current = await recognizers.getRecognizerRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    const input = c.req.valid("json");
    recognizers.checkPattern(input);
    const rec = await audited(
      c.env,
      auditScope(c),
      {
        action: "pii.recognizer.update",
        resource: { recognizer_id: current.id },
        details: { name: input.name, entity: input.entity },
      },
      () => recognizers.replaceRecognizer(c.env.DB, current, input),
    );
    return c.json(rec, 200);
  })
  .openapi(deleteRecognizer, async (c) => {
    const current = await recognizers.getRecognizerRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    await audited(
      c.env,
      auditScope(c),
      { action: "pii.recognizer.delete", resource: { recognizer_id: current.id }, details: { name: current.name } },
      () => recognizers.deleteRecognizer(c.env.DB, current),
    );
    return c.body(null, 204);
  });
