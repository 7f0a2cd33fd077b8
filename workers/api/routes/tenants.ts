/** Operator endpoints: tenants and their API keys. */
import { createRoute, z } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import {
  ApiKeySchema,
  CreateApiKeySchema,
  CreatedApiKeySchema,
  CreateTenantSchema,
  TenantSchema,
  UpdateTenantSchema,
} from "../../../src/shared/schema/tenants";
import { newId } from "../../../src/shared/ids";
import * as tenants from "../../../src/shared/tenants/service";
import { auditScope } from "../context";
import { operatorRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const TenantParams = z.object({ id: idParam("tnt") });
const KeyParams = z.object({ id: idParam("tnt"), keyId: idParam("key", "keyId") });
const common = operatorRoute("tenants");

const createTenant = createRoute({
  ...common,
  method: "post",
  path: "/",
  summary: "Create a tenant (operator)",
  request: { body: jsonBody(CreateTenantSchema) },
  responses: { 201: jsonResponse(TenantSchema, "The tenant"), ...pick(400, 401, 403, 413, 415, 422, 503) },
});

const listTenants = createRoute({
  ...common,
  method: "get",
  path: "/",
  summary: "List tenants (operator)",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(TenantSchema, "TenantPage"), "A page of tenants"),
    ...pick(400, 401, 403, 422),
  },
});

const getTenant = createRoute({
  ...common,
  method: "get",
  path: "/{id}",
  summary: "Get a tenant (operator)",
  request: { params: TenantParams },
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...pick(401, 403, 404, 422) },
});

const updateTenant = createRoute({
  ...common,
  method: "patch",
  path: "/{id}",
  summary: "Suspend or reactivate a tenant (operator)",
  request: { params: TenantParams, body: jsonBody(UpdateTenantSchema) },
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...pick(400, 401, 403, 404, 413, 415, 422, 503) },
});

const createKey = createRoute({
  ...common,
  method: "post",
  path: "/{id}/keys",
  summary: "Issue an API key for a tenant (operator); the secret is shown once",
  request: { params: TenantParams, body: jsonBody(CreateApiKeySchema) },
  responses: {
    201: jsonResponse(CreatedApiKeySchema, "The key, with its secret"),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const listKeys = createRoute({
  ...common,
  method: "get",
  path: "/{id}/keys",
  summary: "List a tenant's API keys, without secrets (operator)",
  request: { params: TenantParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(ApiKeySchema, "ApiKeyPage"), "A page of keys"),
    ...pick(400, 401, 403, 404, 422),
  },
});

const revokeKey = createRoute({
  ...common,
  method: "delete",
  path: "/{id}/keys/{keyId}",
  summary: "Revoke an API key (operator)",
  request: { params: KeyParams },
  responses: { 200: jsonResponse(ApiKeySchema, "The revoked key"), ...pick(401, 403, 404, 422, 503) },
});

export const tenantRoutes = router()
  .openapi(createTenant, async (c) => {
    const { name } = c.req.valid("json");
    const id = newId("tnt");
    const tenant = await audited(c.env, auditScope(c, id), { action: "tenant.create", details: { name } }, () =>
      tenants.createTenant(c.env, name, id),
    );
    return c.json(tenant, 201);
  })
  .openapi(listTenants, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await tenants.listTenants(c.env, limit, cursor), 200);
  })
  .openapi(getTenant, async (c) => c.json(await tenants.getTenant(c.env, c.req.valid("param").id), 200))
  .openapi(updateTenant, async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("json");
    await tenants.getTenant(c.env, id);
    const tenant = await audited(c.env, auditScope(c, id), { action: "tenant.update", details: { status } }, () =>
      tenants.setTenantStatus(c.env, id, status),
    );
    return c.json(tenant, 200);
  })
  .openapi(createKey, async (c) => {
    const { id } = c.req.valid("param");
    const { name, scopes } = c.req.valid("json");
    await tenants.getTenant(c.env, id);
    const keyId = newId("key");
    const key = await audited(
      c.env,
      auditScope(c, id),
      { action: "key.create", resource: { key_id: keyId }, details: { name, scopes } },
      () => tenants.createApiKey(c.env, id, name, scopes, keyId),
    );
    return c.json(key, 201);
  })
  .openapi(listKeys, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    await tenants.getTenant(c.env, id);
    return c.json(await tenants.listApiKeys(c.env, id, limit, cursor), 200);
  })
  .openapi(revokeKey, async (c) => {
    const { id, keyId } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    const key = await audited(c.env, auditScope(c, id), { action: "key.revoke", resource: { key_id: keyId } }, () =>
      tenants.revokeApiKey(c.env, id, keyId),
    );
    return c.json(key, 200);
  });
