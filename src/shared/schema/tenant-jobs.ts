/** Requests and answers of operator jobs over a whole tenant (POST /tenants/{id}/jobs) and its key status. */
import { z } from "@hono/zod-openapi";

export const RewrapTenantJobSchema = z
  .object({
    type: z.literal("rewrap-tenant"),
    rotate_kek: z
      .boolean()
      .default(false)
      .openapi({
        description:
          "Also make a new KEK version and re-wrap every dataset DEK, tenant secret and transit key version under it " +
          "(otherwise those under an older KEK version move to the newest one)",
      }),
    destroy_retired: z.boolean().default(false).openapi({
      description: "Delete the KEK versions no wrapped key names any more (otherwise they are only marked retired)",
    }),
  })
  .strict()
  .openapi("RewrapTenantJob");

/** One job type for now; a discriminated union as the dataset jobs are, so more can be added. */
export const StartTenantJobSchema = z.discriminatedUnion("type", [RewrapTenantJobSchema]).openapi("StartTenantJob");
export type StartTenantJob = z.infer<typeof StartTenantJobSchema>;

const WrappedCountsSchema = z.object({
  deks: z.number().int().openapi({ description: "Dataset DEK versions wrapped by this KEK version" }),
  purpose_keys: z
    .number()
    .int()
    .openapi({ description: "Tenant purpose keys (pseudonym, FPE, token, salt, export URL, search cursor)" }),
  transit: z.number().int().openapi({ description: "Transit key versions" }),
});

export const TenantKeyStatusSchema = z
  .object({
    tenant_id: z.string(),
    master_version: z.number().int().openapi({ description: "The newest master key version configured" }),
    master_versions_in_use: z.array(z.number().int()).openapi({
      description: "Master versions the tenant's KEKs are wrapped under; a version in no tenant's list can be dropped",
    }),
    kek_versions: z.array(
      z.object({
        version: z.number().int(),
        master_version: z.number().int(),
        created_at: z.string(),
        retired_at: z.string().nullable(),
        wrapped_keys: WrappedCountsSchema,
      }),
    ),
  })
  .openapi("TenantKeyStatus");
