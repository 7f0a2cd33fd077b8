import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, newTenant, updateDataset } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { auditEvents, datasetStub, getRecord, postBatch, postRecord, replaceRecord } from "./helpers";

/** Every value of every table of a SQLite database, as text (blobs decoded byte for byte). */
function dumpSql(sql: SqlStorage): string {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
    )
    .toArray();
  let out = "";
  for (const { name } of tables) {
    for (const row of sql.exec(`SELECT * FROM "${name}"`)) {
      for (const v of Object.values(row))
        out += (v instanceof ArrayBuffer ? latin1(new Uint8Array(v)) : String(v)) + "\n";
    }
  }
  return out;
}

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join("");

async function dumpD1(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  ).all<{ name: string }>();
  let out = "";
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    out += JSON.stringify(rows.results) + "\n";
  }
  return out;
}

async function dumpR2(): Promise<string> {
  let out = "";
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list({ cursor, include: ["customMetadata", "httpMetadata"] });
    for (const o of page.objects) {
      out += o.key + JSON.stringify(o.customMetadata ?? {}) + "\n";
      const body = await env.BLOBS.get(o.key);
      out += latin1(new Uint8Array(await body!.arrayBuffer())) + "\n";
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

describe("plaintext never reaches storage", () => {
  it("a unique marker in records (values, keys, large and small, updates, validation errors) is in no D1 row, object row or R2 object", async () => {
    const MARKER = `PLAINTEXT-MARKER-${crypto.randomUUID()}`;
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const small = await postRecord(
      token,
      ds.id,
      { note: MARKER, [MARKER]: 1 },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    const large = await postRecord(token, ds.id, { note: MARKER, pad: `${MARKER} `.repeat(8000) });
    await postBatch(token, ds.id, [{ a: MARKER }, { [MARKER]: { nested: [MARKER] } }], {
      "Idempotency-Key": crypto.randomUUID(),
    });
    await replaceRecord(token, ds.id, small.id, { note: `${MARKER}-v2` }, "*");
    // A validation report whose errors quote the record's property names.
    await updateDataset(token, ds.id, { schema: { type: "object", propertyNames: { maxLength: 8 } } });
    await expectJson(
      await client(token).api.v1.datasets[":id"]["validation-report"].$post({ param: { id: ds.id } }),
      202,
    );
    let report: { status: string; items: { errors: { message: string }[] }[] } | undefined;
    for (let i = 0; i < 100 && report?.status !== "complete"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const got = await call(`/api/v1/datasets/${ds.id}/validation-report`, { token });
      if (got.status === 200) report = await got.json();
      else await got.body?.cancel();
    }
    expect(report?.status).toBe("complete");
    // The report itself (a response to an authorized reader) does quote the marker...
    expect(JSON.stringify(report)).toContain(MARKER);
    // ...and reading back works, so the marker really went through the system.
    const read = await getRecord(token, ds.id, large.id);
    expect(read.body.data.note).toBe(MARKER);

    // ...but no storage holds it.
    const object = await runInDurableObject(datasetStub(tenant.id, ds.id), (_i, state) => dumpSql(state.storage.sql));
    expect(object).toContain(small.id); // the dump sees the rows
    expect(object).not.toContain(MARKER);
    const chain = await runInDurableObject(
      env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenant.id}`)),
      (_i, state) => dumpSql(state.storage.sql),
    );
    expect(chain).toContain("record.batch_create");
    expect(chain).not.toContain(MARKER);
    const d1 = await dumpD1();
    expect(d1).toContain(ds.id);
    expect(d1).not.toContain(MARKER);
    const r2 = await dumpR2();
    expect(r2).toContain(large.id);
    expect(r2).not.toContain(MARKER);
    expect(JSON.stringify(await auditEvents(tenant.id))).not.toContain(MARKER);
  });
});
