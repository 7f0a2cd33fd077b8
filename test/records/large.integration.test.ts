import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, newTenant } from "../helpers/api";
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

const blobs = async (tenantId: string, datasetId: string) =>
  (await env.BLOBS.list({ prefix: `records/${tenantId}/${datasetId}/` })).objects.map((o) => o.key);

describe("records too large for a row live in R2", () => {
  it("a record over 256 KiB of ciphertext goes to R2, reads back, and its blob follows updates and deletes", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const small = await postRecord(token, ds.id, { s: "x".repeat(200_000) });
    const big = await postRecord(token, ds.id, { s: "y".repeat(300_000) });
    expect((await rawRow(tenant.id, ds.id, small.id)).blob_key).toBeNull();
    const row = await rawRow(tenant.id, ds.id, big.id);
    expect(row.ciphertext).toBeNull();
    // One object per write: the record version, then a random part no other write reuses.
    expect(row.blob_key).toMatch(new RegExp(`^records/${tenant.id}/${ds.id}/${big.id}/v1\\.[0-9a-f]{32}$`));
    expect(await blobs(tenant.id, ds.id)).toEqual([row.blob_key]);

    const got = await getRecord(token, ds.id, big.id);
    expect(got.body.data.s).toHaveLength(300_000);
    const page = await listRecords(token, ds.id);
    expect(page.items.map((r) => r.id)).toEqual([small.id, big.id]);

    // Bigger again: a new blob for v2, the v1 blob is gone.
    await replaceRecord(token, ds.id, big.id, { s: "z".repeat(400_000) }, '"1"');
    const v2 = (await rawRow(tenant.id, ds.id, big.id)).blob_key!;
    expect(v2).toMatch(new RegExp(`^records/${tenant.id}/${ds.id}/${big.id}/v2\\.[0-9a-f]{32}$`));
    expect(await blobs(tenant.id, ds.id)).toEqual([v2]);
    // Small again: back in the row, no blob left.
    await replaceRecord(token, ds.id, big.id, { s: "small now" }, '"2"');
    expect(await blobs(tenant.id, ds.id)).toEqual([]);
    expect((await rawRow(tenant.id, ds.id, big.id)).ciphertext).not.toBeNull();

    const third = await postRecord(token, ds.id, { s: "w".repeat(500_000) });
    expect(await blobs(tenant.id, ds.id)).toHaveLength(1);
    expect((await call(`${recordsPath(ds.id)}/${third.id}`, { method: "DELETE", token })).status).toBe(204);
    expect(await blobs(tenant.id, ds.id)).toEqual([]);
    expect(await datasetCounters(ds.id)).toEqual({
      record_count: 2,
      bytes: '{"s":""}'.length * 2 + 200_000 + "small now".length,
    });
  });

  it("a page ends early once its records add up to 8 MiB, and the cursor continues", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    for (let b = 0; b < 2; b++)
      await postBatch(
        token,
        ds.id,
        Array.from({ length: 10 }, (_, i) => ({ i: b * 10 + i, s: "q".repeat(900_000) })),
      );
    const first = await listRecords(token, ds.id, { limit: "1000" });
    expect(first.items.length).toBe(9);
    expect(first.next_cursor).not.toBeNull();
    const second = await listRecords(token, ds.id, { limit: "1000", cursor: first.next_cursor! });
    const third = await listRecords(token, ds.id, { limit: "1000", cursor: second.next_cursor! });
    const all = [...first.items, ...second.items, ...third.items].map((r) => r.data.i);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(third.next_cursor).toBeNull();
  });
});
