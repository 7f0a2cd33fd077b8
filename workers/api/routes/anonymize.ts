/** Anonymization and its reversal: POST /api/v1/anonymize and /api/v1/deanonymize. */
import { createRoute } from "@hono/zod-openapi";
import { audited } from "../../../src/shared/audit/append";
import { countCandidates, deanonymize } from "../../../src/shared/anonymize/deanonymize";
import { OperatorKeys } from "../../../src/shared/anonymize/keys";
import { anonymizeForTenant } from "../../../src/shared/anonymize/service";
import {
  AnonymizeRequestSchema,
  AnonymizeResponseSchema,
  DeanonymizeRequestSchema,
  DeanonymizeResponseSchema,
} from "../../../src/shared/schema/pii";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const anonymize = createRoute({
  ...tenantRoute("anonymize", "pii"),
  method: "post",
  path: "/anonymize",
  summary: "Detect PII in a text or JSON value and replace it with each type's operator",
  description:
    "Every item of `data` repeats its JSON path: when the findings' or the items' paths would sum to more than " +
    "4 MiB characters (a long member name holding many findings), the request is refused with 422 " +
    "`answer-too-large` and no token is written.",
  request: { body: jsonBody(AnonymizeRequestSchema) },
  responses: {
    200: jsonResponse(AnonymizeResponseSchema, "The anonymized text or data and the items changed"),
    ...pick(400, 401, 403, 413, 415, 422, 503),
  },
});

const deanonymizeRoute = createRoute({
  ...tenantRoute("deanonymize", "pii"),
  method: "post",
  path: "/deanonymize",
  summary: "Restore tokenized, FPE-encrypted and encrypted values (audited)",
  request: { body: jsonBody(DeanonymizeRequestSchema) },
  responses: {
    200: jsonResponse(DeanonymizeResponseSchema, "The restored text or data"),
    ...pick(400, 401, 403, 413, 415, 422, 503),
  },
});

export const anonymizeRoutes = router()
  .openapi(anonymize, async (c) => {
    const { tenantId } = tenantOf(c);
    const input = c.req.valid("json");
    const result = await anonymizeForTenant(c.env, tenantId, input);
    // Tokens change the vault: that write is audited (counts only, never values).
    if (result.vault.size) {
      const tokens = result.vault.size;
      await audited(c.env, auditScope(c), { action: "pii.tokenize", details: { tokens } }, () =>
        result.vault.flush(c.env.DB),
      );
    }
    return c.json(
      { ...(result.text !== undefined ? { text: result.text } : { data: result.data }), items: result.items },
      200,
    );
  })
  .openapi(deanonymizeRoute, async (c) => {
    const { tenantId } = tenantOf(c);
    const input = c.req.valid("json");
    const request = { text: input.text, data: input.data, items: input.items, fpeEntities: input.fpe_entities };
    const candidates = countCandidates(request);
    const result = await audited(
      c.env,
      auditScope(c),
      { action: "pii.deanonymize", details: { candidates: { ...candidates }, fpe_entities: input.fpe_entities ?? [] } },
      () => deanonymize(c.env.DB, new OperatorKeys(c.env, tenantId), request),
    );
    return c.json(
      { ...(result.text !== undefined ? { text: result.text } : { data: result.data }), restored: result.restored },
      200,
    );
  });
