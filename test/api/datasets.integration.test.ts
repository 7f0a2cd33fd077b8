import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

const MISSING = "ds_01M8D7FC3N01XM8X2HV5R7MNCG";

describe("datasets", () => {
  it("creates a dataset with the seed's body and reads it back with an ETag", async () => {
    const { token } = await newTenant();
    const body = {
      name: "test-dataset-1-0",
      description: "Load test dataset",
      schema: { type: "object", properties: { name: { type: "string" }, email: { type: "string" } } },
    };
    const datasets = client(token).api.v1.datasets;
    const createdRes = await datasets.$post({ json: body });
    const created = await expectJson(createdRes, 201);
    expect(created).toMatchObject({ ...body, version: 1, record_count: 0, bytes: 0 });
    expect(created.id).toMatch(/^ds_/);
    expect(createdRes.headers.get("location")).toBe(`/api/v1/datasets/${created.id}`);

    const gotRes = await datasets[":id"].$get({ param: { id: created.id } });
    expect(await expectJson(gotRes, 200)).toEqual(created);
    expect(gotRes.headers.get("etag")).toBe(createdRes.headers.get("etag"));
  });

  it("updates metadata with If-Match; a stale ETag gets 412 and a missing one 428", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { description: "v1" });
    const dataset = client(token).api.v1.datasets[":id"];
    const param = { id: ds.id };
    const first = await dataset.$get({ param });
    await expectJson(first, 200);
    const etag = first.headers.get("etag")!;

    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, { method: "PUT", token, body: { description: "no precondition" } }),
      428,
    );

    const updatedRes = await dataset.$put({
      param,
      header: { "if-match": etag },
      json: { description: "v2", schema: { type: "object", required: ["text"] } },
    });
    const updated = await expectJson(updatedRes, 200);
    expect(updated).toMatchObject({
      description: "v2",
      version: 2,
      schema: { type: "object", required: ["text"] },
    });
    expect(updatedRes.headers.get("etag")).not.toBe(etag);

    const p = await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, {
        method: "PUT",
        token,
        headers: { "If-Match": etag },
        body: { description: "lost update" },
      }),
      412,
    );
    expect(p.detail).toContain(updatedRes.headers.get("etag")!);
    const after = await expectJson(await dataset.$get({ param }), 200);
    expect(after.description).toBe("v2");

    await expectJson(
      await dataset.$put({ param, header: { "if-match": "*" }, json: { description: null, schema: null } }),
      200,
    );
    const cleared = await expectJson(await dataset.$get({ param }), 200);
    expect(cleared).toMatchObject({ description: null, schema: null, version: 3 });
  });

  it("rejects a second live dataset with the same name, and frees the name on delete", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { name: "chats" });
    const p = await expectProblem(await call("/api/v1/datasets", { token, body: { name: "chats" } }), 409);
    expect(p.detail).toContain("chats");

    const del = await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token });
    expect(del.status).toBe(204);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token }), 404);
    const body = await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    expect(body.items.map((d) => d.id)).not.toContain(ds.id);

    const again = await createDataset(token, { name: "chats" });
    expect(again.id).not.toBe(ds.id);
  });

  it("a rename onto a taken name is a 409 and changes nothing", async () => {
    const { token } = await newTenant();
    await createDataset(token, { name: "a" });
    const b = await createDataset(token, { name: "b" });
    await expectProblem(
      await call(`/api/v1/datasets/${b.id}`, {
        method: "PUT",
        token,
        headers: { "If-Match": "*" },
        body: { name: "a" },
      }),
      409,
    );
    const dataset = client(token).api.v1.datasets[":id"];
    expect((await expectJson(await dataset.$get({ param: { id: b.id } }), 200)).name).toBe("b");
  });

  it("pages through more than two pages with no duplicates or gaps", async () => {
    const { token } = await newTenant();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await createDataset(token)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: { limit: string; cursor?: string } = cursor ? { limit: "3", cursor } : { limit: "3" };
      const body = await expectJson(await client(token).api.v1.datasets.$get({ query }), 200);
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((d) => d.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
  });

  it("rejects an invalid JSON Schema with 422 pointing at the problem", async () => {
    const { token } = await newTenant();
    let p = await expectProblem(
      await call("/api/v1/datasets", {
        token,
        body: { name: "x", schema: { type: "object", properties: { age: { type: "integer", minimum: "zero" } } } },
      }),
      422,
    );
    expect(p.errors).toContainEqual(expect.objectContaining({ path: "$.schema.properties.age.minimum" }));
    p = await expectProblem(
      await call("/api/v1/datasets", {
        token,
        body: { name: "x", schema: { type: "object", properties: { a: { pattern: "([a-z" } } } },
      }),
      422,
    );
    expect(p.errors).toContainEqual(expect.objectContaining({ path: "$.schema.properties.a.pattern" }));
    p = await expectProblem(
      await call("/api/v1/datasets", { token, body: { name: "x", schema: { $ref: "#/$defs/missing" } } }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.schema");
    const body = await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    expect(body.items).toHaveLength(0);
  });

  it("lists every wrong field at once", async () => {
    const { token } = await newTenant();
    const p = await expectProblem(
      await call("/api/v1/datasets", {
        token,
        body: { name: "has space", description: 5, schema: "object", colour: "red" },
      }),
      422,
    );
    expect(p.errors!.map((e) => e.path).sort()).toEqual(["$.colour", "$.description", "$.name", "$.schema"]);
    await expectProblem(await call("/api/v1/datasets", { token, body: {} }), 422);
    await expectProblem(await call("/api/v1/datasets", { token, body: [] }), 422);
  });

  it("answers 400, 413 and 415 for malformed, oversized and non-JSON bodies", async () => {
    const { token } = await newTenant();
    const json = { "Content-Type": "application/json" };
    await expectProblem(await call("/api/v1/datasets", { token, raw: '{"name": "x",', headers: json }), 400);
    await expectProblem(
      await call("/api/v1/datasets", { token, raw: "name: x", headers: { "Content-Type": "text/yaml" } }),
      415,
    );
    await expectProblem(await call("/api/v1/datasets", { token, raw: '{"name":"x"}', headers: {} }), 415);
    const huge = JSON.stringify({
      name: "big",
      description: "d",
      schema: { type: "object", description: "x".repeat(1_100_000) },
    });
    await expectProblem(await call("/api/v1/datasets", { token, raw: huge, headers: json }), 413);
    // A streamed body without Content-Length is cut off at the limit too.
    const stream = new ReadableStream({
      start(controller) {
        const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
        for (let i = 0; i < 20; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    await expectProblem(
      await call("/api/v1/datasets", { token, raw: stream, headers: { ...json, "Transfer-Encoding": "chunked" } }),
      413,
    );
  });

  it("answers 422 for malformed ids and 404 for unknown ones", async () => {
    const { token } = await newTenant();
    await expectProblem(await call("/api/v1/datasets/abc", { token }), 422);
    await expectProblem(await call(`/api/v1/datasets/${MISSING}`, { token }), 404);
    await expectProblem(
      await call(`/api/v1/datasets/${MISSING}`, {
        method: "PUT",
        token,
        headers: { "If-Match": "*" },
        body: { description: "x" },
      }),
      404,
    );
    await expectProblem(await call(`/api/v1/datasets/${MISSING}`, { method: "DELETE", token }), 404);
  });

  it("another tenant's dataset answers 404 exactly like a missing one, on every method", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const ds = await createDataset(a.token, { name: "private" });
    const attempts: [string, Parameters<typeof call>[1]][] = [
      ["GET", { token: b.token }],
      ["PUT", { method: "PUT", token: b.token, headers: { "If-Match": "*" }, body: { description: "pwned" } }],
      ["DELETE", { method: "DELETE", token: b.token }],
    ];
    for (const [, init] of attempts) {
      const theirs = await expectProblem(await call(`/api/v1/datasets/${ds.id}`, init), 404);
      const missing = await expectProblem(await call(`/api/v1/datasets/${MISSING}`, init), 404);
      expect({ ...theirs, request_id: "" }).toEqual({ ...missing, request_id: "" });
    }
    const list = await expectJson(await client(b.token).api.v1.datasets.$get({ query: {} }), 200);
    expect(list.items).toHaveLength(0);
    // B may use the same name: names are unique per tenant.
    await createDataset(b.token, { name: "private" });
    const mine = await expectJson(await client(a.token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
    expect(mine).toMatchObject({ description: null, version: 1 });
  });

  it("audits dataset changes in the tenant's chain", async () => {
    const { tenant, token } = await newTenant();
    const stub = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenant.id}`));
    const before = (await stub.chainHead()).seq;
    const ds = await createDataset(token);
    const dataset = client(token).api.v1.datasets[":id"];
    await expectJson(
      await dataset.$put({ param: { id: ds.id }, header: { "if-match": "*" }, json: { description: "d" } }),
      200,
    );
    await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token });
    expect((await stub.chainHead()).seq).toBe(before + 3);
  });
});
