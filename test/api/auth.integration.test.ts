import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createKey, createTenant, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("tenant API key authentication", () => {
  it("401 without credentials, with a malformed header, a malformed key or an unknown key", async () => {
    let p = await expectProblem(await call("/api/v1/datasets"), 401);
    expect(p.detail).toMatch(/Bearer/);
    await expectProblem(await call("/api/v1/datasets", { headers: { Authorization: "Basic abc" } }), 401);
    await expectProblem(await call("/api/v1/datasets", { token: "not-a-key" }), 401);
    p = await expectProblem(
      await call("/api/v1/datasets", {
        token: "ldv.key_01M8D7FC4Z0W2PM1FJD6RP15KE.hPWvqiwIJfybu6hD9VGlbmzJG8nfaBb5XGGBvjwhY1c",
      }),
      401,
    );
    expect(p.detail).toBe("The API key is not valid.");
  });

  it("401 for a known key id with a wrong secret, and the failure is in the tenant's audit chain", async () => {
    const { tenant, key } = await newTenant();
    const forged = `ldv.${key.id}.${"A".repeat(43)}`;
    const res = await call("/api/v1/datasets", { token: forged });
    await expectProblem(res, 401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const stub = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenant.id}`));
    const head = await stub.chainHead();
    expect(head.seq).toBeGreaterThan(0);
  });

  it("403 when the key lacks the route's scope; * holds every scope", async () => {
    const t = await createTenant();
    const reader = await createKey(t.id, ["datasets:read"]);
    await expectJson(await client(reader.key).api.v1.datasets.$get({ query: {} }), 200);
    const p = await expectProblem(await call("/api/v1/datasets", { token: reader.key, body: { name: "x" } }), 403);
    expect(p.detail).toContain("datasets:write");
    const all = await createKey(t.id, ["*"]);
    await expectJson(await client(all.key).api.v1.datasets.$post({ json: { name: "x" } }), 201);
  });

  it("403 for every key of a suspended tenant, and back to normal when reactivated", async () => {
    const { tenant, token } = await newTenant();
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    await expectJson(
      await operator().api.v1.tenants[":id"].$patch({ param: { id: tenant.id }, json: { status: "suspended" } }),
      200,
    );
    const p = await expectProblem(await call("/api/v1/datasets", { token }), 403);
    expect(p.type).toMatch(/tenant-suspended$/);
    await expectJson(
      await operator().api.v1.tenants[":id"].$patch({ param: { id: tenant.id }, json: { status: "active" } }),
      200,
    );
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
  });

  it("a revocation made elsewhere (straight to D1, as another isolate would) takes effect within the cache bound", async () => {
    // The test config sets AUTH_CACHE_TTL_SECONDS=1; production uses 30 (max 60).
    const { key, token } = await newTenant();
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), key.id)
      .run();
    await sleep(1100);
    await expectProblem(await call("/api/v1/datasets", { token }), 401);
  });

  it("a suspension made elsewhere takes effect within the cache bound", async () => {
    const { tenant, token } = await newTenant();
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    await env.DB.prepare("UPDATE tenants SET status = 'suspended' WHERE id = ?").bind(tenant.id).run();
    await sleep(1100);
    await expectProblem(await call("/api/v1/datasets", { token }), 403);
  });
});
