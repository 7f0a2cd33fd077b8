/** Operator key maintenance: re-wrapping a tenant's KEKs under the newest master key, and the state of its key hierarchy. */
import { createRoute, z } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import { tenantKeyStatus } from "../../../src/shared/tenants/kek-rotation";
import { rewrapTenantKeks } from "../../../src/shared/crypto/master-rotation";
import { idParam } from "../../../src/shared/schema/common";
import { RewrapResultSchema } from "../../../src/shared/schema/records";
import { TenantKeyStatusSchema } from "../../../src/shared/schema/tenant-jobs";
import * as tenants from "../../../src/shared/tenants/service";
import { auditScope } from "../context";
import { operatorRoute } from "../route-access";
import { jsonResponse, pick, router } from "../openapi";

const rewrap = createRoute({
  ...operatorRoute("tenants"),
  method: "post",
  path: "/{id}/rewrap-keys",
  summary: "Re-wrap the tenant's KEKs under the newest master key (operator)",
  description:
    "Master key rotation: add a version to MASTER_KEYS, call this for every tenant, then the old version can be removed. " +
    "The KEKs themselves do not change, so dataset keys and records are untouched. Safe to repeat.",
  request: { params: z.object({ id: idParam("tnt") }) },
  responses: { 200: jsonResponse(RewrapResultSchema, "What was re-wrapped"), ...pick(401, 403, 404, 422, 503) },
});

const keyStatus = createRoute({
  ...operatorRoute("tenants"),
  method: "get",
  path: "/{id}/key-status",
  summary: "The tenant's KEK versions: master version, retirement, and how many keys each wraps (operator)",
  description:
    "Counts only, never key material. Once no tenant lists an old master version in `master_versions_in_use`, that " +
    "version can be removed from MASTER_KEYS.",
  request: { params: z.object({ id: idParam("tnt") }) },
  responses: { 200: jsonResponse(TenantKeyStatusSchema, "The key hierarchy"), ...pick(401, 403, 404, 422) },
});

export const tenantKeyRoutes = router()
  .openapi(rewrap, async (c) => {
    const { id } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    const result = await audited(c.env, auditScope(c, id), { action: "tenant.kek_rewrap" }, () =>
      rewrapTenantKeks(c.env, id),
    );
    return c.json(result, 200);
  })
  .openapi(keyStatus, async (c) => {
    const { id } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    return c.json(await tenantKeyStatus(c.env, id), 200);
  });
