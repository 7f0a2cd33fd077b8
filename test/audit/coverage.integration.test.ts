import { describe, expect, it } from "vitest";
import { call, createDataset, createKey, createTenant, newTenant, OPERATOR } from "../helpers/api";
import { client, expectJson, operator } from "../helpers/client";
import { allEvents } from "./helpers";

const IP = { "cf-connecting-ip": "203.0.113.7" };

describe("what is audited", () => {
  it("tenant and key lifecycle, by the operator, never with the key's secret", async () => {
    const tenant = await createTenant("acme-audit");
    const key = await createKey(tenant.id, ["audit:read", "datasets:read"], "auditor");
    const other = await createKey(tenant.id, ["datasets:read"], "other");
    const tenants = client(undefined, { ...OPERATOR, ...IP }).api.v1.tenants;
    await expectJson(await tenants[":id"].keys[":keyId"].$delete({ param: { id: tenant.id, keyId: other.id } }), 200);
    const ops = operator().api.v1.tenants[":id"];
    await expectJson(await ops.$patch({ param: { id: tenant.id }, json: { status: "suspended" } }), 200);
    await expectJson(await ops.$patch({ param: { id: tenant.id }, json: { status: "active" } }), 200);

    const res = await call("/api/v1/audit/logs?order=asc", { token: key.key });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(key.key.split(".")[2]);
    expect(text).not.toContain(other.key.split(".")[2]);
    const events = JSON.parse(text).items as {
      action: string;
      actor: string;
      resource: Record<string, string>;
      details: Record<string, unknown>;
      client_ip: string | null;
    }[];
    expect(events.map((e) => [e.action, e.actor, e.resource, e.details])).toEqual([
      ["tenant.create", "operator", { tenant_id: tenant.id }, { name: "acme-audit" }],
      [
        "key.create",
        "operator",
        { tenant_id: tenant.id, key_id: key.id },
        { name: "auditor", scopes: ["audit:read", "datasets:read"] },
      ],
      [
        "key.create",
        "operator",
        { tenant_id: tenant.id, key_id: other.id },
        { name: "other", scopes: ["datasets:read"] },
      ],
      ["key.revoke", "operator", { tenant_id: tenant.id, key_id: other.id }, {}],
      ["tenant.update", "operator", { tenant_id: tenant.id }, { status: "suspended" }],
      ["tenant.update", "operator", { tenant_id: tenant.id }, { status: "active" }],
    ]);
    expect(events[3].client_ip).toBe("203.0.113.7");
  });

  it("authentication failures that name a known key: bad secret, revoked key, suspended tenant", async () => {
    const { tenant, key: adminKey, token: admin } = await newTenant();
    const victim = await createKey(tenant.id, ["datasets:read"], "victim");
    const forged = `ldv.${victim.id}.${"B".repeat(43)}`;
    expect((await call("/api/v1/datasets", { token: forged, headers: IP })).status).toBe(401);
    const ops = operator().api.v1.tenants[":id"];
    await expectJson(await ops.keys[":keyId"].$delete({ param: { id: tenant.id, keyId: victim.id } }), 200);
    // The isolate's key cache lives for AUTH_CACHE_TTL_SECONDS (1 s in tests).
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call("/api/v1/datasets", { token: victim.key })).status).toBe(401);
    await expectJson(await ops.$patch({ param: { id: tenant.id }, json: { status: "suspended" } }), 200);
    expect((await call("/api/v1/datasets", { token: admin })).status).toBe(403);
    await expectJson(await ops.$patch({ param: { id: tenant.id }, json: { status: "active" } }), 200);
    const failures = await allEvents(admin, { action: "auth.failure" });
    expect(failures.map((e) => [e.actor, e.outcome, e.resource.key_id, e.details.reason])).toEqual([
      [victim.id, "denied", victim.id, "bad-secret"],
      [victim.id, "denied", victim.id, "revoked"],
      [adminKey.id, "denied", adminKey.id, "suspended"],
    ]);
    expect(failures[0].client_ip).toBe("203.0.113.7");
    expect(failures[0].details.route).toBe("GET /api/v1/datasets");
    expect(JSON.stringify(failures)).not.toContain("B".repeat(43));
  });

  it("scope refusals name the scope and the route", async () => {
    const { tenant, token: admin } = await newTenant();
    const reader = await createKey(tenant.id, ["datasets:read"], "reader");
    expect((await call("/api/v1/audit/logs", { token: reader.key })).status).toBe(403);
    const [denied] = await allEvents(admin, { action: "auth.scope_denied" });
    expect(denied).toMatchObject({
      actor: reader.id,
      outcome: "denied",
      details: { scope: "audit:read", route: "GET /api/v1/audit/logs" },
    });
  });

  it("dataset create, update and delete, with the request id of the response", async () => {
    const { key, token } = await newTenant();
    const datasets = client(token, IP).api.v1.datasets;
    const created = await datasets.$post({ json: { name: "ds-audited", schema: { type: "object" } } });
    const { id } = await expectJson(created, 201);
    const updated = await client(token).api.v1.datasets[":id"].$put({
      param: { id },
      header: { "if-match": created.headers.get("etag")! },
      json: { description: "x", name: "ds-renamed" },
    });
    await expectJson(updated, 200);
    const deleted = await call(`/api/v1/datasets/${id}`, { token, method: "DELETE" });
    expect(deleted.status).toBe(204);
    const events = await allEvents(token, { dataset_id: id });
    expect(events.map((e) => [e.action, e.actor, e.outcome, e.details])).toEqual([
      ["dataset.create", key.id, "success", { name: "ds-audited", has_schema: true }],
      ["dataset.update", key.id, "success", { fields: ["name", "description"], schema_changed: false }],
      ["dataset.delete", key.id, "success", {}],
    ]);
    expect(events.map((e) => e.request_id)).toEqual([
      created.headers.get("x-request-id"),
      updated.headers.get("x-request-id"),
      deleted.headers.get("x-request-id"),
    ]);
    expect(events[0].client_ip).toBe("203.0.113.7");
    expect(events[1].client_ip).toBeNull();
  });

  it("a change that fails after its event is followed by an error event naming the attempt", async () => {
    const { tenant, token } = await newTenant();
    const missing = "key_01JD0Z5W3K8Q4V2M7N6P5R4S3T";
    expect(
      (await call(`/api/v1/tenants/${tenant.id}/keys/${missing}`, { method: "DELETE", headers: OPERATOR })).status,
    ).toBe(404);
    const [attempt, failure] = await allEvents(token, { resource_id: missing });
    expect(attempt).toMatchObject({ action: "key.revoke", outcome: "success" });
    expect(failure).toMatchObject({
      action: "key.revoke",
      outcome: "error",
      details: { reason: "not-found", attempt_event_id: attempt.event_id },
    });
  });

  it("requests that change nothing are not audited", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const before = (await allEvents(token)).length;
    await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
    await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    expect((await call("/api/v1/datasets", { token, body: { name: 5 } })).status).toBe(422);
    expect((await allEvents(token)).length).toBe(before);
  });
});
