/** Operator key maintenance: re-wrapping a tenant's KEKs under the newest master key. */
import { createRoute, z } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import { rewrapTenantKeks } from "../../../src/shared/crypto/master-rotation";
import { idParam } from "../../../src/shared/schema/common";
import { RewrapResultSchema } from "../../../src/shared/schema/records";
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

export const tenantKeyRoutes = router().openapi(rewrap, async (c) => {
  const { id } = c.req.valid("param");
  await tenants.getTenant(c.env, id);
  const result = await audited(c.env, auditScope(c, id), { action: "tenant.kek_rewrap" }, () =>
    rewrapTenantKeks(c.env, id),
  );
  return c.json(result, 200);
});
