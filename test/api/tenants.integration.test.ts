import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createKey, createTenant, expectProblem } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";

const op = env.OPERATOR_TOKEN;

describe("operator: tenants", () => {
  it("creates, reads, lists and suspends a tenant", async () => {
    const tenants = operator().api.v1.tenants;
    const created = await expectJson(await tenants.$post({ json: { name: "Acme Corp" } }), 201);
    expect(created).toMatchObject({ name: "Acme Corp", status: "active" });
    expect(created.id).toMatch(/^tnt_/);

    const param = { id: created.id };
    expect(await expectJson(await tenants[":id"].$get({ param }), 200)).toEqual(created);

    const patched = await expectJson(await tenants[":id"].$patch({ param, json: { status: "suspended" } }), 200);
    expect(patched.status).toBe("suspended");
  });

  it("creates the tenant's first key-encryption key with the tenant, wrapped, never raw", async () => {
    const t = await createTenant();
    const row = await env.DB.prepare("SELECT version, master_version, wrapped FROM tenant_keys WHERE tenant_id = ?")
      .bind(t.id)
      .first<{ version: number; master_version: number; wrapped: string }>();
    expect(row).toMatchObject({ version: 1, master_version: 2 });
    // 12-byte IV + 32-byte key + 16-byte tag, base64.
    expect(atob(row!.wrapped).length).toBe(60);
  });

  it("pages through tenants without gaps or duplicates", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await createTenant()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: { limit: string; cursor?: string } = cursor ? { limit: "2", cursor } : { limit: "2" };
      const body = await expectJson(await operator().api.v1.tenants.$get({ query }), 200);
      seen.push(...body.items.map((t) => t.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });

  it("rejects bad input with problem documents", async () => {
    let p = await expectProblem(await call("/api/v1/tenants", { token: op, body: { name: "" } }), 422);
    expect(p.errors?.[0].path).toBe("$.name");
    p = await expectProblem(await call("/api/v1/tenants", { token: op, body: { name: 42, extra: true } }), 422);
    expect(p.errors?.map((e) => e.path).sort()).toEqual(["$.extra", "$.name"]);
    p = await expectProblem(
      await call("/api/v1/tenants", { token: op, raw: "{not json", headers: { "Content-Type": "application/json" } }),
      400,
    );
    expect(p.type).toMatch(/malformed-json$/);
    await expectProblem(
      await call("/api/v1/tenants", {
        token: op,
        raw: "name=x",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
      415,
    );
    await expectProblem(await call("/api/v1/tenants/not-an-id", { token: op }), 422);
    await expectProblem(await call("/api/v1/tenants/tnt_01M8D7FC3N01XM8X2HV5R7MNCG", { token: op }), 404);
    await expectProblem(
      await call("/api/v1/tenants/tnt_01M8D7FC3N01XM8X2HV5R7MNCG", {
        method: "PATCH",
        token: op,
        body: { status: "gone" },
      }),
      422,
    );
    await expectProblem(await call("/api/v1/tenants?limit=0", { token: op }), 422);
    await expectProblem(await call("/api/v1/tenants?limit=1001", { token: op }), 422);
    await expectProblem(await call("/api/v1/tenants?cursor=%%%", { token: op }), 400);
  });

  it("answers 413 for a body over the 1 MiB limit", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    const p = await expectProblem(
      await call("/api/v1/tenants", { token: op, raw: big, headers: { "Content-Type": "application/json" } }),
      413,
    );
    expect(p.limit_bytes).toBe(1024 * 1024);
  });

  it("requires the operator token", async () => {
    await expectProblem(await call("/api/v1/tenants", { body: { name: "x" } }), 401);
    await expectProblem(await call("/api/v1/tenants", { token: "wrong-token", body: { name: "x" } }), 401);
    const t = await createTenant();
    const k = await createKey(t.id);
    // A valid tenant key is not the operator.
    await expectProblem(await call("/api/v1/tenants", { token: k.key }), 403);
  });
});

describe("operator: API keys", () => {
  it("shows the secret once, stores only its hash, lists keys without secrets", async () => {
    const t = await createTenant();
    const k = await createKey(t.id, ["datasets:read"], "reader");
    expect(k.key).toMatch(/^ldv\.key_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
    const secret = k.key.split(".")[2];
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(k.id).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const body = await expectJson(
      await operator().api.v1.tenants[":id"].keys.$get({ param: { id: t.id }, query: {} }),
      200,
    );
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ id: k.id, name: "reader", scopes: ["datasets:read"], revoked_at: null });
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it("rejects unknown scopes and keys of unknown tenants", async () => {
    const t = await createTenant();
    const p = await expectProblem(
      await call(`/api/v1/tenants/${t.id}/keys`, { token: op, body: { name: "k", scopes: ["root"] } }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.scopes[0]");
    await expectProblem(
      await call(`/api/v1/tenants/tnt_01M8D7FC3N01XM8X2HV5R7MNCG/keys`, {
        token: op,
        body: { name: "k", scopes: ["*"] },
      }),
      404,
    );
  });

  it("revokes a key: it stops working at once in this isolate", async () => {
    const t = await createTenant();
    const k = await createKey(t.id);
    await expectJson(await client(k.key).api.v1.datasets.$get({ query: {} }), 200);
    const key = operator().api.v1.tenants[":id"].keys[":keyId"];
    const revoked = await expectJson(await key.$delete({ param: { id: t.id, keyId: k.id } }), 200);
    expect(revoked.revoked_at).not.toBeNull();
    await expectProblem(await call("/api/v1/datasets", { token: k.key }), 401);
  });

  it("does not revoke a key through another tenant's path", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const k = await createKey(a.id);
    await expectProblem(await call(`/api/v1/tenants/${b.id}/keys/${k.id}`, { method: "DELETE", token: op }), 404);
    await expectJson(await client(k.key).api.v1.datasets.$get({ query: {} }), 200);
  });
});
