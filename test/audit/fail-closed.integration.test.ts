import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant, OPERATOR } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { verify, withChainSql } from "./helpers";

/**
 * Makes the tenant's AuditLogObject refuse every append, as a storage failure would: a
 * trigger in its own SQLite aborts the insert (no test-only code in the object).
 */
const breakAudit = (tenantId: string) =>
  withChainSql(tenantId, (sql) =>
    sql.exec("CREATE TRIGGER refuse_appends BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END"),
  );
const repairAudit = (tenantId: string) => withChainSql(tenantId, (sql) => sql.exec("DROP TRIGGER refuse_appends"));

const datasetRow = (tenantId: string, name: string) =>
  env.DB.prepare("SELECT id, version, description, deleted_at FROM datasets WHERE tenant_id = ? AND name = ?")
    .bind(tenantId, name)
    .first<{ id: string; version: number; description: string | null; deleted_at: string | null }>();

describe("when the audit log cannot record, the request fails and changes nothing", () => {
  it("dataset create answers 503 and no dataset row exists", async () => {
    const { tenant, token } = await newTenant();
    await breakAudit(tenant.id);
    const problem = await expectProblem(await call("/api/v1/datasets", { token, body: { name: "never-stored" } }), 503);
    expect(problem.type).toMatch(/audit-unavailable$/);
    expect(await datasetRow(tenant.id, "never-stored")).toBeNull();
    await repairAudit(tenant.id);
    await expectJson(await client(token).api.v1.datasets.$post({ json: { name: "never-stored" } }), 201);
    expect(await datasetRow(tenant.id, "never-stored")).not.toBeNull();
  });

  it("dataset update and delete answer 503 and leave the dataset as it was", async () => {
    const { tenant, token } = await newTenant();
    const ds = await createDataset(token, { name: "kept", description: "before" });
    await breakAudit(tenant.id);
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, {
        token,
        method: "PUT",
        body: { description: "after" },
        headers: { "If-Match": "*" },
      }),
      503,
    );
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token, method: "DELETE" }), 503);
    expect(await datasetRow(tenant.id, "kept")).toEqual({
      id: ds.id,
      version: 1,
      description: "before",
      deleted_at: null,
    });
  });

  it("key issue and tenant suspension answer 503 and change nothing", async () => {
    const { tenant, token } = await newTenant();
    await breakAudit(tenant.id);
    await expectProblem(
      await call(`/api/v1/tenants/${tenant.id}/keys`, { headers: OPERATOR, body: { name: "k2", scopes: ["*"] } }),
      503,
    );
    await expectProblem(
      await call(`/api/v1/tenants/${tenant.id}`, { method: "PATCH", headers: OPERATOR, body: { status: "suspended" } }),
      503,
    );
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE tenant_id = ?")
      .bind(tenant.id)
      .first<{ n: number }>();
    expect(keys?.n).toBe(1);
    const status = await env.DB.prepare("SELECT status FROM tenants WHERE id = ?")
      .bind(tenant.id)
      .first<{ status: string }>();
    expect(status?.status).toBe("active");
    // Reads are not blocked, and the chain holds no trace of the refused requests.
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    await repairAudit(tenant.id);
    expect(await verify(token)).toMatchObject({ ok: true, head_seq: 2 });
  });

  it("an authentication failure is still refused (401) when it cannot be audited", async () => {
    const { tenant, key, token } = await newTenant();
    await breakAudit(tenant.id);
    await expectProblem(await call("/api/v1/datasets", { token: `ldv.${key.id}.${"D".repeat(43)}` }), 401);
    await repairAudit(tenant.id);
    expect(await verify(token)).toMatchObject({ ok: true, head_seq: 2 });
  });
});
