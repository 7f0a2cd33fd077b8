// Tenant purpose keys: created lazily, once, even when requests race.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetTenantSecrets, tenantSecretBytes } from "../../src/shared/crypto/tenant-secrets";
import { createTenant } from "../helpers/api";

const rows = (tenantId: string, purpose: string) =>
  env.DB.prepare("SELECT version, wrapped FROM tenant_secrets WHERE tenant_id = ? AND purpose = ?")
    .bind(tenantId, purpose)
    .all<{ version: number; wrapped: string }>();

describe("tenant secrets", () => {
  it("are created on first use, wrapped, and identical for racing callers", async () => {
    const t = await createTenant();
    expect((await rows(t.id, "pii-fpe")).results).toHaveLength(0);
    const keys = await Promise.all([1, 2, 3, 4].map(() => tenantSecretBytes(env, t.id, "pii-fpe")));
    forgetTenantSecrets(t.id);
    // A fresh isolate cache reads the stored row back: still the same key.
    keys.push(await tenantSecretBytes(env, t.id, "pii-fpe"));
    for (const k of keys) expect(k).toEqual(keys[0]);
    const stored = (await rows(t.id, "pii-fpe")).results;
    expect(stored).toHaveLength(1);
    expect(stored[0].wrapped).not.toContain(btoa(String.fromCharCode(...keys[0])));
  });

  it("differ between tenants and purposes", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const [a1, a2, b1] = await Promise.all([
      tenantSecretBytes(env, a.id, "pii-fpe"),
      tenantSecretBytes(env, a.id, "pii-salt"),
      tenantSecretBytes(env, b.id, "pii-fpe"),
    ]);
    expect(a1).not.toEqual(a2);
    expect(a1).not.toEqual(b1);
  });

  it("a concurrent race through separate caches still stores one row", async () => {
    const t = await createTenant();
    // Simulate two isolates: forget the cache between the two starts.
    const first = tenantSecretBytes(env, t.id, "pii-salt");
    forgetTenantSecrets(t.id);
    const second = tenantSecretBytes(env, t.id, "pii-salt");
    const [x, y] = await Promise.all([first, second]);
    expect(x).toEqual(y);
    expect((await rows(t.id, "pii-salt")).results).toHaveLength(1);
  });
});
