import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { auditEvents, inObject, postRecord, rawRow, recordsPath } from "./helpers";

const MARKER = "TAMPER-MARKER-7f3a9c";

/** Expects the record (and any page holding it) to fail with a problem that carries no plaintext. */
async function expectUnreadable(token: string, datasetId: string, recordId: string) {
  const one = await call(`${recordsPath(datasetId)}/${recordId}`, { token });
  const text = await one.clone().text();
  expect(text).not.toContain(MARKER);
  const problem = await expectProblem(one, 500);
  expect(problem.type).toMatch(/decryption-failed$/);
  const page = await call(recordsPath(datasetId), { token });
  expect(await page.clone().text()).not.toContain(MARKER);
  await expectProblem(page, 500);
}

function copyCiphertext(from: ArrayBuffer | null): ArrayBuffer {
  if (!from) throw new Error("expected an inline ciphertext");
  return from.slice(0);
}

describe("tampered ciphertexts fail to decrypt and leak nothing", () => {
  it("a flipped byte", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { secret: MARKER });
    for (const position of [0, 20, -1]) {
      const row = await rawRow(tenant.id, ds.id, rec.id);
      const bytes = new Uint8Array(copyCiphertext(row.ciphertext));
      const i = position < 0 ? bytes.length + position : position;
      bytes[i] ^= 0x01;
      await inObject(tenant.id, ds.id, (sql) =>
        sql.exec("UPDATE records SET ciphertext = ? WHERE id = ?", bytes.buffer, rec.id),
      );
      await expectUnreadable(token, ds.id, rec.id);
      bytes[i] ^= 0x01; // restore, and the record reads again
      await inObject(tenant.id, ds.id, (sql) =>
        sql.exec("UPDATE records SET ciphertext = ? WHERE id = ?", bytes.buffer, rec.id),
      );
      expect((await call(`${recordsPath(ds.id)}/${rec.id}`, { token })).status).toBe(200);
    }
    const events = await auditEvents(tenant.id);
    const failures = events.filter((e) => e.action === "record.integrity_failure");
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]).toMatchObject({ outcome: "error", resource: { record_id: rec.id } });
    expect(JSON.stringify(events)).not.toContain(MARKER);
  });

  it("a ciphertext moved to another record id of the same dataset", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const a = await postRecord(token, ds.id, { secret: MARKER });
    const b = await postRecord(token, ds.id, { other: "b" });
    const ct = copyCiphertext((await rawRow(tenant.id, ds.id, a.id)).ciphertext);
    await inObject(tenant.id, ds.id, (sql) => sql.exec("UPDATE records SET ciphertext = ? WHERE id = ?", ct, b.id));
    await expectUnreadable(token, ds.id, b.id);
  });

  it("a ciphertext replayed onto a newer version of the same record", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const a = await postRecord(token, ds.id, { secret: MARKER });
    const v1 = copyCiphertext((await rawRow(tenant.id, ds.id, a.id)).ciphertext);
    expect(
      (
        await call(`${recordsPath(ds.id)}/${a.id}`, {
          method: "PUT",
          token,
          body: { data: { x: 1 } },
          headers: { "If-Match": "*" },
        })
      ).status,
    ).toBe(200);
    await inObject(tenant.id, ds.id, (sql) => sql.exec("UPDATE records SET ciphertext = ? WHERE id = ?", v1, a.id));
    await expectUnreadable(token, ds.id, a.id);
  });

  it("a ciphertext moved to another dataset of the same tenant, even under the same record id", async () => {
    const { token, tenant } = await newTenant();
    const ds1 = await createDataset(token);
    const ds2 = await createDataset(token);
    const a = await postRecord(token, ds1.id, { secret: MARKER });
    const b = await postRecord(token, ds2.id, { other: "b" });
    const source = await rawRow(tenant.id, ds1.id, a.id);
    await inObject(tenant.id, ds2.id, (sql) =>
      sql.exec("UPDATE records SET ciphertext = ?, id = ? WHERE id = ?", copyCiphertext(source.ciphertext), a.id, b.id),
    );
    await expectUnreadable(token, ds2.id, a.id);
  });

  it("a ciphertext moved to another tenant's dataset", async () => {
    const t1 = await newTenant();
    const t2 = await newTenant();
    const ds1 = await createDataset(t1.token);
    const ds2 = await createDataset(t2.token);
    const a = await postRecord(t1.token, ds1.id, { secret: MARKER });
    const b = await postRecord(t2.token, ds2.id, { other: "b" });
    const source = await rawRow(t1.tenant.id, ds1.id, a.id);
    await inObject(t2.tenant.id, ds2.id, (sql) =>
      sql.exec("UPDATE records SET ciphertext = ? WHERE id = ?", copyCiphertext(source.ciphertext), b.id),
    );
    await expectUnreadable(t2.token, ds2.id, b.id);
  });

  it("a tampered R2 blob of a large record", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { secret: MARKER, padding: "x".repeat(300_000) });
    const row = await rawRow(tenant.id, ds.id, rec.id);
    expect(row.ciphertext).toBeNull();
    const obj = await env.BLOBS.get(row.blob_key!);
    const bytes = new Uint8Array(await obj!.arrayBuffer());
    bytes[1000] ^= 0x80;
    await env.BLOBS.put(row.blob_key!, bytes);
    await expectUnreadable(token, ds.id, rec.id);
  });
});
