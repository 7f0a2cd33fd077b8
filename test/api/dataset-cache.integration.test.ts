// The isolate's dataset cache (src/shared/datasets/cache.ts) through the real routes: reads are
// served from it, changes made through this isolate are seen at once, tenants stay apart.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

const postRecord = (token: string, id: string, data: unknown) =>
  call(`/api/v1/datasets/${id}/records`, { token, body: { data } });

/** A change made behind the API's back, as another isolate's write looks from this one. */
const changeInD1 = (id: string, description: string) =>
  env.DB.prepare("UPDATE datasets SET description = ? WHERE id = ?").bind(description, id).run();

describe("dataset cache", () => {
  it("serves GET /datasets/{id} from the isolate until this isolate changes the dataset", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { description: "first" });
    const dataset = client(token).api.v1.datasets[":id"];
    const first = await dataset.$get({ param: { id: ds.id } });
    await expectJson(first, 200);
    await changeInD1(ds.id, "changed elsewhere");
    // Within DATASET_CACHE_TTL_SECONDS the cached row answers: no D1 query was made.
    expect(
      (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200)).description,
    ).toBe("first");
    // An update through this isolate may start from the cached row (its If-Match matches), but
    // writes with a compare-and-swap on the version and caches the row D1 returns.
    const etag = first.headers.get("etag")!;
    await expectJson(
      await dataset.$put({ param: { id: ds.id }, header: { "if-match": etag }, json: { name: "renamed" } }),
      200,
    );
    expect(
      await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200),
    ).toMatchObject({
      name: "renamed",
      description: "changed elsewhere",
      version: 2,
    });
    // A delete through this isolate is a 404 at once, for reads and record routes alike.
    expect((await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token })).status).toBe(204);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token }), 404);
    await expectProblem(await postRecord(token, ds.id, { a: 1 }), 404);
  });

  it("re-reads the record counters after a record write, and keeps using the row for record routes", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    expect(
      (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200)).record_count,
    ).toBe(0);
    expect((await postRecord(token, ds.id, { n: 1 })).status).toBe(201);
    expect(
      (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200)).record_count,
    ).toBe(1);
    expect((await postRecord(token, ds.id, { n: 2 })).status).toBe(201);
    expect(
      (
        await expectJson(
          await client(token).api.v1.datasets[":id"].records.$get({ param: { id: ds.id }, query: {} }),
          200,
        )
      ).items.map((r: { data: unknown }) => r.data),
    ).toEqual([{ n: 1 }, { n: 2 }]);
    expect(
      (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200)).record_count,
    ).toBe(2);
  });

  it("updates and deletes start from the cached row but never let a stale one through", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { description: "first" });
    const got = await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } });
    await expectJson(got, 200);
    const v1 = got.headers.get("etag")!;
    // Another isolate updated it: version 2 in D1, version 1 in this isolate's cache.
    await env.DB.prepare("UPDATE datasets SET description = 'elsewhere', version = 2 WHERE id = ?").bind(ds.id).run();
    const put = (etag: string, description: string) =>
      call(`/api/v1/datasets/${ds.id}`, { method: "PUT", token, headers: { "If-Match": etag }, body: { description } });
    await expectProblem(await put(v1, "lost update"), 412);
    const row = () =>
      env.DB.prepare("SELECT description, version, deleted_at FROM datasets WHERE id = ?")
        .bind(ds.id)
        .first<{ description: string; version: number; deleted_at: string | null }>();
    expect(await row()).toMatchObject({ description: "elsewhere", version: 2 });
    // The client that saw version 2 wins, though this isolate had cached version 1.
    const ok = await put(`"${ds.id}.v2"`, "second");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe(`"${ds.id}.v3"`);
    expect(await row()).toMatchObject({ description: "second", version: 3 });
    // Another isolate deleted it while this one holds it in its cache: PUT and DELETE say 404.
    await env.DB.prepare("UPDATE datasets SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").bind(ds.id).run();
    await expectProblem(await put(`"${ds.id}.v3"`, "too late"), 404);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/records`, { token }), 404);
    const again = await createDataset(token, { description: "to delete" });
    await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: again.id } }), 200);
    await env.DB.prepare("UPDATE datasets SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(again.id)
      .run();
    await expectProblem(await call(`/api/v1/datasets/${again.id}`, { method: "DELETE", token }), 404);
    expect(await row()).toMatchObject({ description: "second", version: 3 });
  });

  it("never answers one tenant from another tenant's cached row", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const ds = await createDataset(a.token);
    await expectJson(await client(a.token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}`, { token: b.token }), 404);
    await expectProblem(await postRecord(b.token, ds.id, { a: 1 }), 404);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/records`, { token: b.token }), 404);
  });
});
