// Imported records join the dataset's blind search index in the commit's transaction: found by
// word and phrase with no rebuild, and no plaintext word in the object's SQLite, staged or committed.
import { describe, expect, it } from "vitest";
import { newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { datasetStub } from "../records/helpers";
import { dumpObject, ids, latestJob, searchableDataset, slots } from "../search/helpers";
import { unwrap } from "../../src/shared/records/wire";
import { allRecords, importFile, waitForJob } from "./helpers";

const words = ["xylophonist", "quixotically", "zephyrean", "mbaqanga", "ptarmigan", "fjordlike"];

async function sha256Hex(text: string) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function stageItems(values: unknown[]) {
  return Promise.all(
    values.map(async (v, pos) => {
      const canonical = JSON.stringify(v);
      return {
        pos,
        canonical,
        size: new TextEncoder().encode(canonical).byteLength,
        sha256: await sha256Hex(canonical),
      };
    }),
  );
}

describe("imports and the search index", () => {
  it("indexes imported records at commit: found by word and by phrase without a rebuild, no plaintext stored", async () => {
    const { tenant, token } = await newTenant();
    const ds = (await searchableDataset(token)).id;
    const lines = [
      { text: "The Xylophonist played quixotically", nested: { deep: ["ZEPHYREAN winds"] } },
      { text: "mbaqanga rhythms of the ptarmigan" },
      { text: "fjordlike coastline of the ptarmigan" },
    ];
    const rebuildBefore = await latestJob(token, ds);
    const imp = await importFile(
      token,
      ds,
      lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
      "application/x-ndjson",
    );
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    const recs = await allRecords(token, ds);
    expect(recs).toHaveLength(3);
    // No rebuild ran for the import: the newest rebuild is still the one enabling search.
    expect((await latestJob(token, ds))?.id).toBe(rebuildBefore?.id);
    const [slot] = await slots(tenant.id, ds);
    expect(slot).toMatchObject({ state: "active", through_seq: 0 });
    expect(await ids(token, ds, "xylophonist")).toEqual([recs[0].id]);
    expect(await ids(token, ds, '"zephyrean winds"')).toEqual([recs[0].id]);
    expect(await ids(token, ds, "ptarmigan")).toEqual([recs[1].id, recs[2].id].sort());
    expect(await ids(token, ds, '"fjordlike coastline"')).toEqual([recs[2].id]);
    expect(await ids(token, ds, '"coastline fjordlike"')).toEqual([]);
    const { tables, text } = await dumpObject(tenant.id, ds);
    expect(tables).toEqual(expect.arrayContaining(["import_staging", "records", `search_fts_${slot.slot}_data`]));
    for (const w of [...words, "played", "coastline", "rhythms", "winds"]) expect(text).not.toContain(w);
  });

  it("stages blind documents only, and reports the index stale when search changed between stage and commit", async () => {
    const { tenant, token } = await newTenant();
    const ref = { tenantId: tenant.id, datasetId: (await searchableDataset(token)).id };
    const stub = datasetStub(ref.tenantId, ref.datasetId);
    const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
    unwrap(await stub.stageImport(ref, "imp_a", await stageItems([{ text: "xylophonist quixotically" }])));
    // Staged: blind tokens beside the ciphertext, no plaintext.
    expect((await dumpObject(ref.tenantId, ref.datasetId)).text).not.toContain("xylophonist");
    const a = unwrap(await stub.commitImport(ref, scope, "imp_a", "job_a"));
    expect(a).toMatchObject({ count: 1, search_stale: false });
    expect(await ids(token, ref.datasetId, "xylophonist")).toHaveLength(1);

    // Staged while search is off, committed after it was turned on: the staged records carry no
    // document for the new index, so the commit says a rebuild must index them.
    const { tenant: t2, token: token2 } = await newTenant();
    const off = (await searchableDataset(token2, { enabled: false })).id;
    const ref2 = { tenantId: t2.id, datasetId: off };
    const stub2 = datasetStub(t2.id, off);
    unwrap(await stub2.stageImport(ref2, "imp_b", await stageItems([{ text: "zephyrean" }])));
    const dataset = client(token2).api.v1.datasets[":id"];
    const res = await dataset.$get({ param: { id: off } });
    await expectJson(res, 200);
    const header = { "if-match": res.headers.get("etag")! };
    await expectJson(await dataset.$put({ param: { id: off }, header, json: { search: { enabled: true } } }), 200);
    const settle = await latestJob(token2, off);
    if (settle) await waitForJob(token2, settle.id);
    const b = unwrap(await stub2.commitImport(ref2, { ...scope, tenantId: t2.id }, "imp_b", "job_b"));
    expect(b).toMatchObject({ count: 1, search_stale: true });
  });
});
