import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postRecord, replaceRecord } from "../records/helpers";

// RFC 9110 §13.1.1: If-Match uses the strong comparison, so a weak entity-tag never matches.
describe("If-Match compares strongly on every route that takes it", () => {
  it('PUT and DELETE /records/{id}: W/"1" is 412, "1" works', async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    const rec = await postRecord(token, ds.id, { a: 1 });
    const path = `/api/v1/datasets/${ds.id}/records/${rec.id}`;
    const weak = await call(path, { token, method: "PUT", headers: { "If-Match": 'W/"1"' }, body: { data: { a: 2 } } });
    await expectProblem(weak, 412);
    await expectProblem(await call(path, { token, method: "DELETE", headers: { "If-Match": 'W/"1"' } }), 412);
    const strong = await replaceRecord(token, ds.id, rec.id, { a: 3 }, 'W/"1", "1"');
    expect(strong.res.headers.get("etag")).toBe('"2"');
  });

  it("an unquoted version is not an entity-tag: 412 on records as on datasets, nothing changed", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    const rec = await postRecord(token, ds.id, { a: 1 });
    const path = `/api/v1/datasets/${ds.id}/records/${rec.id}`;
    const put = await call(path, { token, method: "PUT", headers: { "If-Match": "1" }, body: { data: { a: 2 } } });
    expect(put.headers.get("etag")).toBe('"1"');
    await expectProblem(put, 412);
    await expectProblem(await call(path, { token, method: "DELETE", headers: { "If-Match": "1" } }), 412);
    const kept = await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$get({ param: { id: ds.id, recordId: rec.id } }),
      200,
    );
    expect(kept.data).toEqual({ a: 1 });
    // The same for a dataset's ETag without its quotes.
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, {
        token,
        method: "PUT",
        headers: { "If-Match": `${ds.id}.v${ds.version}` },
        body: { description: "x" },
      }),
      412,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}`, {
        token,
        method: "DELETE",
        headers: { "If-Match": `${ds.id}.v${ds.version}` },
      }),
      412,
    );
  });

  it("PUT /datasets/{id}: the weak form of the current ETag is 412", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    const etag = `"${ds.id}.v${ds.version}"`;
    const path = `/api/v1/datasets/${ds.id}`;
    await expectProblem(
      await call(path, { token, method: "PUT", headers: { "If-Match": `W/${etag}` }, body: { description: "x" } }),
      412,
    );
    await expectJson(
      await client(token).api.v1.datasets[":id"].$put({
        param: { id: ds.id },
        header: { "if-match": etag },
        json: { description: "x" },
      }),
      200,
    );
  });

  it("a record's ETag matches byte for byte: other spellings of the version and malformed lists are 412", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    const rec = await postRecord(token, ds.id, { a: 1 });
    const path = `/api/v1/datasets/${ds.id}/records/${rec.id}`;
    // Same number, other opaque-tag; or a list with an element that is not an entity-tag (`*` only stands alone).
    for (const header of ['"01"', '"001"', '"1.0"', '"+1"', '"1 "', '1, "1"', '"1", 1', '*, "1"', '"1"x']) {
      const put = await call(path, { token, method: "PUT", headers: { "If-Match": header }, body: { data: { a: 2 } } });
      expect(put.status, header).toBe(412);
      await expectProblem(put, 412);
      const del = await call(path, { token, method: "DELETE", headers: { "If-Match": header } });
      expect(del.status, header).toBe(412);
      await del.body?.cancel();
    }
    const kept = await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$get({ param: { id: ds.id, recordId: rec.id } }),
      200,
    );
    expect([kept.version, kept.data]).toEqual([1, { a: 1 }]);
    // Empty list elements are allowed (RFC 9110 §5.6.1), and a weak tag beside the right one is only skipped.
    const ok = await replaceRecord(token, ds.id, rec.id, { a: 3 }, ' , "1",W/"7"');
    expect(ok.res.headers.get("etag")).toBe('"2"');
  });

  it("a dataset's If-Match with an unquoted element beside its ETag is malformed: 412", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    const etag = `"${ds.id}.v${ds.version}"`;
    const res = await call(`/api/v1/datasets/${ds.id}`, {
      token,
      method: "PUT",
      headers: { "If-Match": `x, ${etag}` },
      body: { description: "x" },
    });
    await expectProblem(res, 412);
  });
});
