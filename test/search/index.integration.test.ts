import { describe, expect, it } from "vitest";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { auditEvents, datasetStub, postBatch, postRecord, recordsPath } from "../records/helpers";
import { unwrap } from "../../src/shared/records/wire";
import {
  dumpObject,
  ids,
  indexTerms,
  latestJob,
  search,
  searchableDataset,
  searchPath,
  slots,
  waitForJob,
} from "./helpers";

describe("the index holds no plaintext", () => {
  it("no word of any record, in any form, appears in any table of the object", async () => {
    const { tenant, token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    const words = ["xylophonist", "quixotically", "zephyrean", "mbaqanga", "ptarmigan", "fjordlike"];
    const created = await postBatch(token, ds, [
      { text: `The Xylophonist played quixotically`, nested: { deep: ["ZEPHYREAN winds"] } },
      { text: "mbaqanga rhythms of the ptarmigan" },
    ]);
    const one = await postRecord(token, ds, { text: "fjordlike coastline" });
    await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$put({
        param: { id: ds, recordId: created[1].id },
        header: { "if-match": "*" },
        json: { data: { text: "mbaqanga and fjordlike" } },
      }),
      200,
    );
    await call(`${recordsPath(ds)}/${one.id}`, { method: "DELETE", token });
    // Found through the index, so it is really there...
    expect(await ids(token, ds, "xylophonist")).toEqual([created[0].id]);
    expect(await ids(token, ds, '"zephyrean winds"')).toEqual([created[0].id]);
    expect(await ids(token, ds, "fjordlike")).toEqual([created[1].id]);
    const [slot] = await slots(tenant.id, ds);
    expect((await indexTerms(tenant.id, ds, slot.slot)).length).toBeGreaterThan(5);
    // ...and yet no table holds any of the words.
    const { tables, text } = await dumpObject(tenant.id, ds);
    expect(tables).toEqual(
      expect.arrayContaining([
        "records",
        "search_slots",
        `search_fts_${slot.slot}_data`,
        `search_fts_${slot.slot}_idx`,
      ]),
    );
    for (const w of [...words, "played", "coastline", "rhythms", "winds"]) expect(text).not.toContain(w);
    // The index terms are 64-bit blind tokens (plus the field separator).
    for (const term of await indexTerms(tenant.id, ds, slot.slot)) expect(term).toMatch(/^(?:[0-9a-f]{16}|x)$/);
  });
});

describe("isolation", () => {
  it("another tenant's dataset id answers 404, and a tenant-wide search sees only the tenant's own datasets", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const dsA = (await searchableDataset(a.token)).id;
    const dsB = (await searchableDataset(b.token)).id;
    await postRecord(a.token, dsA, { text: "okapi secret of tenant a" });
    await postRecord(b.token, dsB, { text: "okapi of tenant b" });
    const missing = await expectProblem(
      await call(searchPath("okapi", { dataset_id: "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T" }), { token: b.token }),
      404,
    );
    const other = await expectProblem(await call(searchPath("okapi", { dataset_id: dsA }), { token: b.token }), 404);
    expect(other.detail).toBe(missing.detail);
    const all = await search(b.token, "okapi");
    expect(all.items.map((i) => i.dataset_id)).toEqual([dsB]);
    expect(
      await expectProblem(
        await call(`/api/v1/datasets/${dsA}/search/rebuild`, { method: "POST", token: b.token }),
        404,
      ),
    ).toBeTruthy();
  });

  it("dataset_id limits a search to that dataset; without it every searchable dataset is merged by score", async () => {
    const { token } = await newTenant();
    const one = (await searchableDataset(token)).id;
    const two = (await searchableDataset(token)).id;
    const off = (await createDataset(token)).id;
    await postRecord(token, one, { text: "narwhal" });
    await postRecord(token, two, { text: "narwhal narwhal narwhal tusk" });
    await postRecord(token, off, { text: "narwhal in a dataset without search" });
    expect((await search(token, "narwhal", { dataset_id: one })).items.map((i) => i.dataset_id)).toEqual([one]);
    const merged = await search(token, "narwhal");
    expect(merged.items.map((i) => i.dataset_id).sort()).toEqual([one, two].sort());
    expect(merged.items[0].score).toBeGreaterThanOrEqual(merged.items[1].score);
    // Paging across datasets visits each hit once.
    const p1 = await search(token, "narwhal", { limit: 1 });
    const p2 = await search(token, "narwhal", { limit: 1, cursor: p1.next_cursor! });
    expect(p2.next_cursor).toBeNull();
    expect([p1.items[0].dataset_id, p2.items[0].dataset_id]).toEqual(merged.items.map((i) => i.dataset_id));
    const disabled = await expectProblem(await call(searchPath("narwhal", { dataset_id: off }), { token }), 409);
    expect(disabled.type).toMatch(/search-disabled$/);
  });

  it("needs records:read, and audits each search with counts, never the query", async () => {
    const { tenant, token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    await postRecord(token, ds, { text: "pangolin" });
    const writer = await createKey(tenant.id, ["records:write", "datasets:read"]);
    await expectProblem(await call(searchPath("pangolin", { dataset_id: ds }), { token: writer.key }), 403);
    await search(token, "pangolin", { dataset_id: ds });
    const events = (await auditEvents(tenant.id)).filter((e) => e.action === "record.search");
    expect(events.at(-1)).toMatchObject({ resource: { dataset_id: ds }, details: { count: 1 } });
    expect(JSON.stringify(events)).not.toContain("pangolin");
  });
});

describe("what is indexed", () => {
  it("shows the settings on the dataset; paths default to every string", async () => {
    const { token } = await newTenant();
    const ds = await searchableDataset(token);
    expect(
      (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200)).search,
    ).toEqual({
      enabled: true,
      paths: ["$"],
    });
    expect(
      (
        await expectJson(
          await client(token).api.v1.datasets[":id"].$get({ param: { id: (await createDataset(token)).id } }),
          200,
        )
      ).search,
    ).toBeNull();
  });

  it("indexes only the configured paths", async () => {
    const { token } = await newTenant();
    const ds = (await searchableDataset(token, { enabled: true, paths: ["$.title", "$.messages[*].content"] })).id;
    const r = await postRecord(token, ds, {
      title: "lemur",
      body: "gecko",
      messages: [{ role: "user", content: "iguana" }, { role: "tapir" }],
    });
    expect(await ids(token, ds, "lemur")).toEqual([r.id]);
    expect(await ids(token, ds, "iguana")).toEqual([r.id]);
    expect(await ids(token, ds, "gecko")).toEqual([]);
    expect(await ids(token, ds, "tapir")).toEqual([]);
    expect(await ids(token, ds, "user")).toEqual([]);
  });

  it("refuses paths outside the supported subset with 422 naming each", async () => {
    const { token } = await newTenant();
    const res = await call("/api/v1/datasets", {
      token,
      body: { name: "bad-paths", search: { enabled: true, paths: ["$.ok", "title", "$..deep", "$.a[?(@.x)]"] } },
    });
    const p = await expectProblem(res, 422);
    expect(p.errors?.map((e) => e.path)).toEqual(["$.search.paths[1]", "$.search.paths[2]", "$.search.paths[3]"]);
  });

  it("never indexes values the PII policy anonymizes or encrypts, in clear", async () => {
    const { tenant, token } = await newTenant();
    const ds = (
      await searchableDataset(
        token,
        { enabled: true },
        {
          pii_policy: {
            rules: {
              EMAIL: { action: "anonymize", operator: { type: "replace" } },
              CREDIT_CARD: { action: "encrypt" },
            },
          },
        },
      )
    ).id;
    const r = await postRecord(token, ds, {
      note: "write to aardvark.keeper@zoomail.example today",
      card: "4111 1111 1111 1111",
    });
    expect(await ids(token, ds, "today")).toEqual([r.id]);
    for (const q of ["aardvark", "zoomail", '"aardvark.keeper@zoomail.example"', "4111", '"4111 1111 1111 1111"'])
      expect(await ids(token, ds, q)).toEqual([]);
    // What is stored (and so what is indexed) is the anonymized form.
    const body = await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$get({ param: { id: ds, recordId: r.id } }),
      200,
    );
    expect(body.data.note).toBe("write to <EMAIL> today");
    const { text } = await dumpObject(tenant.id, ds);
    expect(text).not.toContain("aardvark");
  });
});

describe("rebuild and key rotation", () => {
  it("turning search on indexes the records already stored, through a queued rebuild", async () => {
    const { token } = await newTenant();
    const created = await createDataset(token);
    const recs = await postBatch(
      token,
      created.id,
      Array.from({ length: 30 }, (_, i) => ({ text: `capybara number ${i}` })),
    );
    const dataset = client(token).api.v1.datasets[":id"];
    const res = await dataset.$get({ param: { id: created.id } });
    await expectJson(res, 200);
    const header = { "if-match": res.headers.get("etag")! };
    await expectJson(
      await dataset.$put({ param: { id: created.id }, header, json: { search: { enabled: true } } }),
      200,
    );
    const job = await latestJob(token, created.id);
    expect(job).toBeDefined();
    expect((await waitForJob(token, job!.id)).status).toBe("succeeded");
    expect(await ids(token, created.id, "capybara")).toEqual(recs.map((r) => r.id).sort());
    expect(await ids(token, created.id, '"number 7"')).toEqual([recs[7].id]);
  });

  it("turning search off drops the index", async () => {
    const { tenant, token } = await newTenant();
    const ds = await searchableDataset(token);
    await postRecord(token, ds.id, { text: "dugong" });
    const dataset = client(token).api.v1.datasets[":id"];
    const res = await dataset.$get({ param: { id: ds.id } });
    await expectJson(res, 200);
    const header = { "if-match": res.headers.get("etag")! };
    await expectJson(await dataset.$put({ param: { id: ds.id }, header, json: { search: { enabled: false } } }), 200);
    expect(await slots(tenant.id, ds.id)).toEqual([]);
    expect(await indexTerms(tenant.id, ds.id, 0)).toEqual([]);
    expect(await indexTerms(tenant.id, ds.id, 1)).toEqual([]);
    await expectProblem(await call(searchPath("dugong", { dataset_id: ds.id }), { token }), 409);
  });

  it("rotating the dataset key rebuilds the index under a new search key: every blind token changes", async () => {
    const { tenant, token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    const recs = await postBatch(token, ds, [
      { text: "axolotl gills" },
      { text: "axolotl tail" },
      { text: "salamander" },
    ]);
    const [before] = await slots(tenant.id, ds);
    expect(before).toMatchObject({ state: "active", key_version: 1 });
    const termsBefore = await indexTerms(tenant.id, ds, before.slot);
    const rotated = await expectJson(
      await client(token).api.v1.datasets[":id"]["rotate-key"].$post({ param: { id: ds } }),
      200,
    );
    expect(rotated.key_version).toBe(2);
    expect(rotated.search_rebuild_job_id).toMatch(/^job_/);
    const job = await waitForJob(token, rotated.search_rebuild_job_id!);
    expect(job).toMatchObject({ status: "succeeded", kind: "search.rebuild", progress: { indexed: 3 } });
    const after = await slots(tenant.id, ds);
    expect(after).toEqual([expect.objectContaining({ state: "active", key_version: 2 })]);
    expect(after[0].slot).not.toBe(before.slot);
    const termsAfter = await indexTerms(tenant.id, ds, after[0].slot);
    expect(termsAfter.length).toBe(termsBefore.length);
    expect(termsAfter.filter((t) => t !== "x" && termsBefore.includes(t))).toEqual([]);
    expect(await indexTerms(tenant.id, ds, before.slot)).toEqual([]);
    expect(await ids(token, ds, "axolotl")).toEqual([recs[0].id, recs[1].id].sort());
    expect(await ids(token, ds, '"axolotl tail"')).toEqual([recs[1].id]);
  });

  it("searches answer from the complete old index while a rebuild runs, and writes meanwhile land in both", async () => {
    const { tenant, token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    const ref = { tenantId: tenant.id, datasetId: ds };
    const recs = await postBatch(
      token,
      ds,
      Array.from({ length: 12 }, (_, i) => ({ text: `quetzal ${i % 2 ? "odd" : "even"} bird ${i}` })),
    );
    const stub = datasetStub(tenant.id, ds);
    // Start a rebuild by hand, with no queue message, so it stays in progress while we look.
    const paths = JSON.stringify(["$"]);
    expect(await stub.startSearchRebuild(ref, "job_manual", paths)).toEqual({ ok: true, value: null });
    expect((await slots(tenant.id, ds)).map((s) => s.state).sort()).toEqual(["active", "building"]);
    expect(await ids(token, ds, "quetzal")).toHaveLength(12);
    // A write during the rebuild is searchable at once (active slot) and will be in the new one.
    const late = await postRecord(token, ds, { text: "quetzal late arrival" });
    await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$put({
        param: { id: ds, recordId: recs[0].id },
        header: { "if-match": "*" },
        json: { data: { text: "toucan now" } },
      }),
      200,
    );
    await call(`${recordsPath(ds)}/${recs[1].id}`, { method: "DELETE", token });
    const expected = [...recs.slice(2).map((r) => r.id), late.id].sort();
    expect(await ids(token, ds, "quetzal")).toEqual(expected);
    expect(await ids(token, ds, "toucan")).toEqual([recs[0].id]);
    const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
    let chunks = 0;
    for (;;) {
      const out = unwrap(await stub.searchRebuildChunk(ref, scope, "job_manual", 4));
      chunks++;
      if (out.done) break;
      // Mid-rebuild, still the full answer from the old index.
      expect(await ids(token, ds, "quetzal")).toEqual(expected);
    }
    expect(chunks).toBe(4); // 12 stored records, at most 4 per chunk, then an empty one
    expect((await slots(tenant.id, ds)).map((s) => s.state)).toEqual(["active"]);
    expect(await ids(token, ds, "quetzal")).toEqual(expected);
    expect(await ids(token, ds, "toucan")).toEqual([recs[0].id]);
    expect(await ids(token, ds, '"late arrival"')).toEqual([late.id]);
    // A redelivered chunk of the finished rebuild changes nothing.
    expect(await stub.searchRebuildChunk(ref, scope, "job_manual")).toEqual({
      ok: true,
      value: { done: true, indexed: 0, failed: 0 },
    });
  });

  it("POST /datasets/{id}/search/rebuild queues a rebuild; 409 when search is off", async () => {
    const { token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    await postRecord(token, ds, { text: "bilby" });
    const rebuild = client(token).api.v1.datasets[":id"].search.rebuild;
    const started = await expectJson(await rebuild.$post({ param: { id: ds } }), 202);
    expect((await waitForJob(token, started.job_id)).status).toBe("succeeded");
    expect(await ids(token, ds, "bilby")).toHaveLength(1);
    const off = (await createDataset(token)).id;
    await expectProblem(await call(`/api/v1/datasets/${off}/search/rebuild`, { method: "POST", token }), 409);
  });
});

describe("dataset jobs keep the index in line", () => {
  it("an anonymize job re-indexes the records it changes: the removed value stops matching", async () => {
    const { token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    const [kept, changed] = await postBatch(token, ds, [
      { note: "wombat without contact details" },
      { note: "wombat owner", email: "quokka.keeper@example.com" },
    ]);
    expect(await ids(token, ds, "quokka")).toEqual([changed.id]);
    expect(await ids(token, ds, "wombat")).toEqual([kept.id, changed.id].sort());
    const jobs = client(token).api.v1.datasets[":id"].jobs;
    const json = {
      type: "anonymize" as const,
      target: "in_place" as const,
      entities: ["EMAIL"],
      operators: { EMAIL: { type: "redact" as const } },
    };
    const started = await expectJson(await jobs.$post({ param: { id: ds }, header: {}, json }), 202);
    expect((await waitForJob(token, started.id)).status).toBe("succeeded");
    const after = await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$get({ param: { id: ds, recordId: changed.id } }),
      200,
    );
    expect(after.data.note).toBe("wombat owner");
    expect(after.data.email).not.toContain("quokka");
    expect(await ids(token, ds, "quokka")).toEqual([]);
    expect(await ids(token, ds, "wombat")).toEqual([kept.id, changed.id].sort());
  });
});

describe("one dataset searched alone (both phases in one object call)", () => {
  it("cuts its page at 8 MiB as a tenant-wide search does, continues with the cursor, and answers 404 once deleted", async () => {
    const { token } = await newTenant();
    const ds = await searchableDataset(token);
    const recs = await postBatch(
      token,
      ds.id,
      Array.from({ length: 10 }, (_, i) => ({ i, s: `okapi ${"q".repeat(900_000)}` })),
    );
    const alone = await search(token, "okapi", { dataset_id: ds.id, limit: 20 });
    const wide = await search(token, "okapi", { limit: 20 });
    expect(alone.items).toHaveLength(9);
    expect(alone.items.map((i) => i.id)).toEqual(wide.items.map((i) => i.id));
    expect(alone.items.every((i) => i.data.s === `okapi ${"q".repeat(900_000)}`)).toBe(true);
    const rest = await search(token, "okapi", { dataset_id: ds.id, limit: 20, cursor: alone.next_cursor! });
    expect(rest.next_cursor).toBeNull();
    expect([...alone.items, ...rest.items].map((i) => i.id).sort()).toEqual(recs.map((r) => r.id).sort());

    expect((await call(`/api/v1/datasets/${ds.id}`, { method: "DELETE", token })).status).toBe(204);
    await expectProblem(await call(searchPath("okapi", { dataset_id: ds.id }), { token }), 404);
  });
});
