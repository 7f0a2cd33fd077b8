/** Tenants and their API keys (operator endpoints). */
import { z } from "@hono/zod-openapi";
import { ScopeSchema } from "../auth/scopes";
import { nameText } from "./common";

export const TenantStatusSchema = z.enum(["active", "suspended"]);

export const CreateTenantSchema = z
  .object({ name: nameText(200) })
  .strict()
  .openapi("CreateTenant");

export const UpdateTenantSchema = z.object({ status: TenantStatusSchema }).strict().openapi("UpdateTenant");

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: TenantStatusSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Tenant");

export const CreateApiKeySchema = z
  .object({
    name: nameText(200),
    scopes: z.array(ScopeSchema).min(1).max(32),
  })
  .strict()
  .openapi("CreateApiKey");

export const ApiKeySchema = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The bearer token. Shown only in this response; store it now." }),
}).openapi("CreatedApiKey");

export type Tenant = z.infer<typeof TenantSchema>;
export type ApiKey = z.infer<typeof ApiKeySchema>;
