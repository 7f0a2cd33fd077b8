/** The AuditLogObject's schema migrations: chains written before versioning are adopted as version 1. */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditLogObject } from "../../src/shared/audit/append";
import { verifyChain } from "../../src/shared/audit/verify";
import { schemaVersion } from "../../src/shared/db/object-migrations";
import { createDataset, newTenant } from "../helpers/api";

describe("AuditLogObject schema migrations", () => {
  it("an AuditLogObject chain written before versioning is adopted as version 1 and still verifies", async () => {
    const { token, tenant } = await newTenant();
    await createDataset(token);
    await createDataset(token);
    const chain = (sql: SqlStorage) => sql.exec("SELECT * FROM audit_events ORDER BY seq").toArray();
    const before = await runInDurableObject(auditLogObject(env, tenant.id), (_i, state) => {
      // Today's version 1 is the old schema verbatim; without the version table this is an old object.
      state.storage.sql.exec("DROP TABLE schema_migrations");
      return chain(state.storage.sql);
    });
    expect(before.length).toBeGreaterThan(0);
    await abortAllDurableObjects();
    const after = await runInDurableObject(auditLogObject(env, tenant.id), (_i, state) => ({
      version: schemaVersion(state.storage.sql),
      rows: chain(state.storage.sql),
    }));
    expect(after).toEqual({ version: 1, rows: before });
    const verified = await verifyChain(env, tenant.id);
    expect(verified).toMatchObject({ ok: true, checked: before.length });
  });
});
