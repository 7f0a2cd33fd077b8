import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import {
  datasetCounters,
  getRecord,
  listRecords,
  postBatch,
  postRecord,
  rawRow,
  recordsPath,
  replaceRecord,
} from "./helpers";

describe("records round trip", () => {
  it("stores, reads, replaces and deletes a record through the real object", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const data = { prompt: "What is 2+2?", completion: "4", tags: ["math"], score: 0.5, nested: { ok: true, n: null } };
    const created = await postRecord(token, ds.id, data);
    expect(created).toMatchObject({ seq: 1, version: 1 });
    expect(created.id).toMatch(/^rec_/);

    const got = await getRecord(token, ds.id, created.id);
    expect(got.body.data).toEqual(data);
    expect(got.body).toMatchObject({ id: created.id, seq: 1, version: 1, created_at: created.created_at });
    expect(got.res.headers.get("etag")).toBe('"1"');
    const canonical =
      '{"completion":"4","nested":{"n":null,"ok":true},"prompt":"What is 2+2?","score":0.5,"tags":["math"]}';
    expect(got.body.size).toBe(canonical.length);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
    expect(got.body.sha256).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));

    const row = await rawRow(tenant.id, ds.id, created.id);
    expect(row.ciphertext).not.toBeNull();
    expect(row.ciphertext!.byteLength).toBe(12 + canonical.length + 16);

    const replaced = await replaceRecord(token, ds.id, created.id, { prompt: "x" }, '"1"');
    expect(replaced.body).toMatchObject({ id: created.id, seq: 1, version: 2 });
    expect(replaced.res.headers.get("etag")).toBe('"2"');
    const again = await getRecord(token, ds.id, created.id);
    expect(again.body.data).toEqual({ prompt: "x" });
    expect(again.body.version).toBe(2);

    const del = await call(`${recordsPath(ds.id)}/${created.id}`, { method: "DELETE", token });
    expect(del.status).toBe(204);
    await expectProblem(await call(`${recordsPath(ds.id)}/${created.id}`, { token }), 404);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
  });

  it("keeps every key as sent, including __proto__ and unicode, and numbers in canonical form", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const raw = '{"data":{"__proto__":{"x":1},"constructor":"c","ünï":"😀","n":1.50,"big":1e21,"arr":[{"b":1,"a":2}]}}';
    const res = await call(recordsPath(ds.id), { token, raw, headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const got = await call(`${recordsPath(ds.id)}/${id}`, { token });
    const text = await got.text();
    expect(text).toContain(
      '"data":{"__proto__":{"x":1},"arr":[{"a":2,"b":1}],"big":1e+21,"constructor":"c","n":1.5,"ünï":"😀"}',
    );
  });

  it("PUT needs If-Match (428), refuses a stale version (412 with the current ETag) and accepts *", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const { id } = await postRecord(token, ds.id, { a: 1 });
    const path = `${recordsPath(ds.id)}/${id}`;
    await expectProblem(await call(path, { method: "PUT", token, body: { data: { a: 2 } } }), 428);
    await replaceRecord(token, ds.id, id, { a: 2 }, '"1"');
    const stale = await call(path, { method: "PUT", token, body: { data: { a: 3 } }, headers: { "If-Match": '"1"' } });
    expect(stale.headers.get("etag")).toBe('"2"');
    await expectProblem(stale, 412);
    await expectProblem(
      await call(path, { method: "PUT", token, body: { data: { a: 3 } }, headers: { "If-Match": "garbage" } }),
      412,
    );
    const star = await replaceRecord(token, ds.id, id, { a: 3 }, "*");
    expect(star.body.version).toBe(3);
    await expectProblem(await call(path, { method: "DELETE", token, headers: { "If-Match": '"2"' } }), 412);
    expect((await call(path, { method: "DELETE", token, headers: { "If-Match": '"3"' } })).status).toBe(204);
  });

  it("writes 1000 records in one batch and reads them all back in order, page by page", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      schema: { type: "object", required: ["i"], properties: { i: { type: "integer" } } },
    });
    const items = await postBatch(
      token,
      ds.id,
      Array.from({ length: 1000 }, (_, i) => ({ i, text: `record number ${i}` })),
    );
    expect(items).toHaveLength(1000);
    expect(items.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(items.map((r) => r.id)).size).toBe(1000);

    const seen: { i: number; seq: number; id: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await listRecords(token, ds.id, cursor ? { limit: "300", cursor } : { limit: "300" });
      for (const r of body.items) seen.push({ i: r.data.i as number, seq: r.seq, id: r.id });
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seen.map((s) => s.id)).toEqual(items.map((r) => r.id));

    const all = await listRecords(token, ds.id, { limit: "1000" });
    expect(all.items).toHaveLength(1000);
    expect(all.next_cursor).toBeNull();
    const dflt = await listRecords(token, ds.id);
    expect(dflt.items).toHaveLength(100);
  });

  it("concurrent writes get distinct, increasing sequence numbers without gaps", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => postRecord(token, ds.id, { i })));
    const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const body = await listRecords(token, ds.id, { limit: "1000" });
    const listed = body.items.map((r) => r.seq);
    expect(listed).toEqual(seqs);
    // Each record is the one its seq was assigned to.
    for (const r of results) expect(body.items.find((x) => x.id === r.id)!.seq).toBe(r.seq);
  });

  it("keeps record_count and bytes in D1 right after any mix of writes, updates and deletes", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const a = await postRecord(token, ds.id, { v: "aaaa" }); // {"v":"aaaa"} = 12 bytes
    const batch = await postBatch(token, ds.id, [{ v: "b" }, { v: "cc" }, { v: "ddd" }]); // 9 + 10 + 11
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 4, bytes: 12 + 9 + 10 + 11 });
    await replaceRecord(token, ds.id, batch[1].id, { v: "cccccc" }, "*");
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 4, bytes: 12 + 9 + 14 + 11 });
    await Promise.all([
      call(`${recordsPath(ds.id)}/${a.id}`, { method: "DELETE", token }),
      postRecord(token, ds.id, { v: "e" }),
      call(`${recordsPath(ds.id)}/${batch[0].id}`, { method: "DELETE", token }),
      postBatch(token, ds.id, [{ v: "f" }, { v: "g" }]),
    ]);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 5, bytes: 14 + 11 + 9 + 9 + 9 });
    const body = await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
    expect(body).toMatchObject({ record_count: 5, bytes: 52 });
  });
});
