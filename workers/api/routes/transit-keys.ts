/** Transit keys: create, list, read, rotate, change policy, delete (crypto:admin). Key material never leaves. */
import { createRoute } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import { PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import {
  CreateTransitKeySchema,
  KeyNameParams,
  TransitKeySchema,
  TransitKeySummarySchema,
  UpdateTransitKeySchema,
} from "../../../src/shared/schema/transit";
import * as keys from "../../../src/shared/transit/keys";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const admin = tenantRoute("crypto:admin", "transit keys");
const resource = (name: string) => ({ transit_key: name });

const createKey = createRoute({
  ...admin,
  method: "post",
  path: "/",
  summary: "Create a named transit key (version 1)",
  request: { body: jsonBody(CreateTransitKeySchema) },
  responses: {
    201: jsonResponse(TransitKeySchema, "The key (metadata only)"),
    ...pick(400, 401, 403, 409, 413, 415, 422, 503),
  },
});

const listKeys = createRoute({
  ...admin,
  method: "get",
  path: "/",
  summary: "List the tenant's transit keys by name",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(TransitKeySummarySchema, "TransitKeyPage"), "A page of keys"),
    ...pick(400, 401, 403, 422),
  },
});

const getKey = createRoute({
  ...admin,
  method: "get",
  path: "/{name}",
  summary: "Get a transit key's versions and policy",
  request: { params: KeyNameParams },
  responses: { 200: jsonResponse(TransitKeySchema, "The key (metadata only)"), ...pick(401, 403, 404, 422) },
});

const rotateKey = createRoute({
  ...admin,
  method: "post",
  path: "/{name}/rotate",
  summary: "Add a new key version; new ciphertexts use it, old ones still decrypt",
  request: { params: KeyNameParams },
  responses: { 200: jsonResponse(TransitKeySchema, "The key"), ...pick(401, 403, 404, 409, 422, 503) },
});

const updateKey = createRoute({
  ...admin,
  method: "patch",
  path: "/{name}",
  summary: "Change min_decryption_version, min_encryption_version or deletion_allowed",
  request: { params: KeyNameParams, body: jsonBody(UpdateTransitKeySchema) },
  responses: { 200: jsonResponse(TransitKeySchema, "The key"), ...pick(400, 401, 403, 404, 409, 413, 415, 422, 503) },
});

const deleteKey = createRoute({
  ...admin,
  method: "delete",
  path: "/{name}",
  summary: "Delete the key and every version (crypto-shredding); needs deletion_allowed",
  request: { params: KeyNameParams },
  responses: {
    204: { description: "Deleted; its ciphertexts can no longer be decrypted" },
    ...pick(401, 403, 404, 409, 422, 503),
  },
});

export const transitKeyRoutes = router()
  .openapi(createKey, async (c) => {
    const input = c.req.valid("json");
    const prepared = await keys.prepareCreate(c.env, tenantOf(c).tenantId, input);
    const key = await audited(
      c.env,
      auditScope(c),
      {
        action: "transit.key.create",
        resource: resource(input.name),
        details: { type: input.type, derived: input.derived, convergent: input.convergent },
      },
      () => keys.insertKey(c.env.DB, prepared),
    );
    c.header("Location", `/api/v1/keys/${encodeURIComponent(key.name)}`);
    return c.json(key, 201);
  })
  .openapi(listKeys, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await keys.listKeys(c.env.DB, tenantOf(c).tenantId, limit, cursor), 200);
  })
  .openapi(getKey, async (c) =>
    c.json(await keys.getKey(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").name), 200),
  )
  .openapi(rotateKey, async (c) => {
    const current = await keys.getKeyRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").name);
    const next = await keys.prepareRotate(c.env, current);
    const key = await audited(
      c.env,
      auditScope(c),
      {
        action: "transit.key.rotate",
        resource: resource(current.name),
        details: { from_version: current.latestVersion, to_version: next.version },
      },
      () => keys.applyRotate(c.env.DB, current, next),
    );
    return c.json(key, 200);
  })
  .openapi(updateKey, async (c) => {
    const input = c.req.valid("json");
    const current = await keys.getKeyRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").name);
    const changes = keys.prepareUpdate(current, input);
    const key = await audited(
      c.env,
      auditScope(c),
      { action: "transit.key.update", resource: resource(current.name), details: { ...input } },
      () => keys.applyUpdate(c.env.DB, current, changes),
    );
    return c.json(key, 200);
  })
  .openapi(deleteKey, async (c) => {
    const current = await keys.getKeyRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").name);
    keys.assertDeletable(current);
    await audited(
      c.env,
      auditScope(c),
      { action: "transit.key.delete", resource: resource(current.name), details: { versions: current.latestVersion } },
      () => keys.deleteKey(c.env.DB, current),
    );
    return c.body(null, 204);
  });
