import { beforeAll, describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postBatch, postRecord, recordsPath } from "../records/helpers";
import { ids, search, searchableDataset, searchPath } from "./helpers";

describe("search queries", () => {
  let token: string;
  let ds: string;
  const rec: Record<string, string> = {};

  beforeAll(async () => {
    ({ token } = await newTenant());
    ds = (await searchableDataset(token)).id;
    const items = await postBatch(token, ds, [
      { title: "Zanzibar quokka migration", body: "The quokka eats leaves at dawn, and another quokka watches." },
      { title: "Quokka café", body: "Crème brûlée with Zanzibar spice" },
      { title: "Spice routes", body: "Pepper and clove from Zanzibar" },
      { title: "Alpha", tags: ["beta", "gamma delta"] },
      { title: "東京都に住む", n: 42, flag: true },
    ]);
    ["quokka", "cafe", "spice", "alpha", "tokyo"].forEach((k, i) => (rec[k] = items[i].id));
  });

  const find = (q: string) => ids(token, ds, q);
  const of = (...keys: string[]) => keys.map((k) => rec[k]).sort();

  it("finds single words, case- and accent-insensitively", async () => {
    expect(await find("quokka")).toEqual(of("quokka", "cafe"));
    expect(await find("QUÓKKA")).toEqual(of("quokka", "cafe"));
    expect(await find("creme")).toEqual(of("cafe"));
    expect(await find("Café")).toEqual(of("cafe"));
    expect(await find("東京")).toEqual(of("tokyo"));
    expect(await find("nothinglikethis")).toEqual([]);
  });

  it("matches whole words only: no prefix or fuzzy matching", async () => {
    expect(await find("quok")).toEqual([]);
    expect(await find("quokkas")).toEqual([]);
  });

  it("ANDs neighbouring words and AND, ORs with OR", async () => {
    expect(await find("quokka zanzibar")).toEqual(of("quokka", "cafe"));
    expect(await find("quokka AND dawn")).toEqual(of("quokka"));
    expect(await find("pepper OR dawn")).toEqual(of("spice", "quokka"));
    expect(await find("(pepper OR dawn) AND zanzibar")).toEqual(of("spice", "quokka"));
    // Lower-case operators are words.
    expect(await find("pepper and clove")).toEqual(of("spice"));
  });

  it("excludes with NOT and -word", async () => {
    expect(await find("zanzibar NOT quokka")).toEqual(of("spice"));
    expect(await find("zanzibar -quokka")).toEqual(of("spice"));
    expect(await find("zanzibar NOT (pepper OR dawn)")).toEqual(of("cafe"));
    expect(await find("spice -brulee -clove")).toEqual([]);
  });

  it("matches phrases in order, never across two strings", async () => {
    expect(await find('"eats leaves"')).toEqual(of("quokka"));
    expect(await find('"leaves eats"')).toEqual([]);
    expect(await find('"creme brulee"')).toEqual(of("cafe"));
    expect(await find('"gamma delta"')).toEqual(of("alpha"));
    // "beta" and "gamma" are neighbours in the array but live in different strings.
    expect(await find('"beta gamma"')).toEqual([]);
    expect(await find("beta gamma")).toEqual(of("alpha"));
    // A word that splits into tokens is a phrase.
    expect(await find("spice-routes")).toEqual(of("spice"));
    expect(await find("routes-spice")).toEqual([]);
  });

  it("ranks by BM25 and returns decrypted records with highlighted snippets", async () => {
    const page = await search(token, "quokka", { dataset_id: ds });
    expect(page.items.map((i) => i.id)).toEqual([rec.quokka, rec.cafe]);
    expect(page.items[0].score).toBeGreaterThan(page.items[1].score);
    const top = page.items[0];
    expect(top.data).toEqual({
      title: "Zanzibar quokka migration",
      body: "The quokka eats leaves at dawn, and another quokka watches.",
    });
    expect(top.dataset_id).toBe(ds);
    expect(top.snippet?.path).toBe("$.body");
    expect(top.snippet!.highlights.map((h) => top.snippet!.text.slice(h.start, h.end))).toEqual(["quokka", "quokka"]);
    const cafe = page.items[1];
    expect(cafe.snippet!.highlights.map((h) => cafe.snippet!.text.slice(h.start, h.end))).toEqual(["Quokka"]);
    const phrase = await search(token, '"creme brulee" OR nothing', { dataset_id: ds });
    expect(phrase.items[0].snippet!.highlights.map((h) => phrase.items[0].snippet!.text.slice(h.start, h.end))).toEqual(
      ["Crème brûlée"],
    );
  });

  it("pages with a cursor tied to its query", async () => {
    const first = await search(token, "zanzibar", { dataset_id: ds, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await search(token, "zanzibar", { dataset_id: ds, limit: 2, cursor: first.next_cursor! });
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.id))).toEqual(new Set(of("quokka", "cafe", "spice")));
    const other = await expectProblem(
      await call(searchPath("quokka", { dataset_id: ds, cursor: first.next_cursor! }), { token }),
      400,
    );
    expect(other.errors?.[0].path).toBe("$.cursor");
    await expectProblem(await call(searchPath("quokka", { dataset_id: ds, cursor: "garbage" }), { token }), 400);
    // An edited position (another score, seq or dataset) does not verify either.
    const fields = JSON.parse(atob(first.next_cursor!.replace(/-/g, "+").replace(/_/g, "/")));
    for (const edit of [{ b: fields.b - 1 }, { s: fields.s + 1 }, { d: "ds_00000000000000000000000000" }]) {
      const forged = btoa(JSON.stringify({ ...fields, ...edit }))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      const edited = await expectProblem(
        await call(searchPath("zanzibar", { dataset_id: ds, limit: 2, cursor: forged }), { token }),
        400,
      );
      expect(edited.errors?.[0].path).toBe("$.cursor");
    }
  });

  it("serves the largest page, 100 records, and pages through more", async () => {
    const many = await postBatch(
      token,
      ds,
      Array.from({ length: 130 }, (_, i) => ({ text: `platypus ${i}` })),
    );
    const first = await search(token, "platypus", { dataset_id: ds, limit: 100 });
    expect(first.items).toHaveLength(100);
    const second = await search(token, "platypus", { dataset_id: ds, limit: 100, cursor: first.next_cursor! });
    expect(second.next_cursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.id).sort()).toEqual(many.map((r) => r.id).sort());
    expect((await search(token, "platypus", { limit: 100 })).items).toHaveLength(100);
  });

  it("drops updated and deleted records from the results in the same write", async () => {
    const r = await postRecord(token, ds, { note: "ephemeral wombat" });
    expect(await find("wombat")).toEqual([r.id]);
    await expectJson(
      await client(token).api.v1.datasets[":id"].records[":recordId"].$put({
        param: { id: ds, recordId: r.id },
        header: { "if-match": '"1"' },
        json: { data: { note: "permanent numbat" } },
      }),
      200,
    );
    expect(await find("wombat")).toEqual([]);
    expect(await find("numbat")).toEqual([r.id]);
    expect((await search(token, "numbat", { dataset_id: ds })).items[0]).toMatchObject({
      version: 2,
      data: { note: "permanent numbat" },
    });
    expect((await call(`${recordsPath(ds)}/${r.id}`, { method: "DELETE", token })).status).toBe(204);
    expect(await find("numbat")).toEqual([]);
    expect(await find("numbat OR wombat OR ephemeral")).toEqual([]);
  });
});

describe("bad queries", () => {
  let token: string;
  let ds: string;
  beforeAll(async () => {
    ({ token } = await newTenant());
    ds = (await searchableDataset(token)).id;
  });

  const cases: [string, number][] = [
    ["", 0],
    ["   ", 0],
    ["quokka AND", 10],
    ["OR quokka", 0],
    ['"unclosed phrase', 0],
    ["(quokka OR dawn", 0],
    ["quokka )", 7],
    ["NOT quokka", 0],
    ["-quokka", 0],
    ["quokka OR NOT dawn", 10],
    ["quokka NOT NOT dawn", 11],
    ["quokka !!!", 7],
    ['quokka ""', 7],
    ["quokka ()", 8],
    ["((((((((( deep )))))))))", 8],
  ];
  for (const [q, position] of cases) {
    it(`answers 400 with position ${position} for ${JSON.stringify(q)}`, async () => {
      const p = await expectProblem(await call(searchPath(q, { dataset_id: ds }), { token }), 400);
      expect(p.type).toMatch(/query-invalid$/);
      expect(p.position).toBe(position);
      expect(p.errors?.[0].path).toBe("$.q");
    });
  }

  it("states its limits: 512 characters and 32 words", async () => {
    const long = await expectProblem(await call(searchPath("a".repeat(513), { dataset_id: ds }), { token }), 400);
    expect(long.position).toBe(512);
    expect(long.detail).toContain("512");
    const words = Array.from({ length: 33 }, (_, i) => `w${i}`);
    const many = await expectProblem(await call(searchPath(words.join(" "), { dataset_id: ds }), { token }), 400);
    expect(many.position).toBe(words.slice(0, 32).join(" ").length + 1);
    expect(many.detail).toContain("32");
    // At the limits the query runs.
    expect((await call(searchPath(words.slice(0, 32).join(" "), { dataset_id: ds }), { token })).status).toBe(200);
  });

  it("rejects a missing q and an out-of-range limit with 422", async () => {
    await expectProblem(await call(`/api/v1/search?dataset_id=${ds}`, { token }), 422);
    await expectProblem(await call(searchPath("x", { dataset_id: ds, limit: 101 }), { token }), 422);
  });
});
