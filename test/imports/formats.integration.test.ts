// CSV and Parquet imports end to end: RFC 4180 quoting, delimiter option, typing by the
// dataset schema, malformed rows; Parquet with nested columns over several row groups.
import { describe, expect, it } from "vitest";
import { base64Decode } from "../../src/shared/ids";
import { createDataset, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { NESTED_PARQUET_BAD_ROW, NESTED_PARQUET_BASE64, NESTED_PARQUET_ROWS } from "../fixtures/parquet";
import { allRecords, errorReport, gzip, importFile, waitForJob } from "./helpers";

describe("CSV import", () => {
  it("reads RFC 4180 quoting (delimiters, doubled quotes, line breaks in fields) and types cells by the schema", async () => {
    const { token } = await newTenant();
    const schema = {
      type: "object",
      properties: {
        text: { type: "string" },
        n: { type: "integer" },
        x: { type: "number" },
        ok: { type: "boolean" },
        tags: { type: "array" },
      },
      required: ["text"],
    };
    const ds = await createDataset(token, { schema });
    const csv = [
      "text,n,x,ok,tags",
      'plain,1,1.5,true,"[""a""]"',
      '"has, comma",2,,false,[]',
      '"has ""quotes""",3,-2e3,TRUE,',
      '"two\nlines",4,0.25,false,"[1,2]"',
      "bad int,x1,1,true,[]",
      "short,5",
      "",
      "last,6,6,true,[]",
    ].join("\r\n");
    const imp = await importFile(token, ds.id, csv, "text/csv");
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect((await allRecords(token, ds.id)).map((r) => r.data)).toEqual([
      { text: "plain", n: 1, x: 1.5, ok: true, tags: ["a"] },
      { text: "has, comma", n: 2, ok: false, tags: [] },
      { text: 'has "quotes"', n: 3, x: -2000, ok: true },
      { text: "two\nlines", n: 4, x: 0.25, ok: false, tags: [1, 2] },
      { text: "last", n: 6, x: 6, ok: true, tags: [] },
    ]);
    const report = await errorReport(token, ds.id, imp.id);
    // "bad int" starts on physical line 7 (the quoted field before it spans two lines).
    expect(report).toEqual([
      { line: 7, path: "$.n", reason: 'Instance type "string" is invalid. Expected "integer".' },
      { line: 8, path: "$", reason: "The row has 2 fields; the header has 5." },
    ]);
  });

  it("takes a delimiter option and gzip, and reports an unclosed quote at the end", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const csv = 'a;b\n1;"x;y"\n2;"never closed\n3;z\n';
    const imp = await importFile(
      token,
      ds.id,
      await gzip(new TextEncoder().encode(csv)),
      "text/csv",
      "?delimiter=%3B",
      { "Content-Encoding": "gzip" },
    );
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect((await allRecords(token, ds.id)).map((r) => r.data)).toEqual([{ a: "1", b: "x;y" }]);
    const report = await errorReport(token, ds.id, imp.id);
    expect(report).toEqual([
      { line: 3, path: "$", reason: "A quoted field is not closed before the end of the file." },
    ]);
  });
});

describe("Parquet import", () => {
  it("imports nested columns (structs, lists of structs) over several row groups, in row order", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const imp = await importFile(token, ds.id, base64Decode(NESTED_PARQUET_BASE64), "application/vnd.apache.parquet");
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect(job.ranges.length).toBeGreaterThan(1);
    expect(job.progress).toMatchObject({ items: NESTED_PARQUET_ROWS - 1, failed: 1, lines: NESTED_PARQUET_ROWS });
    const records = await allRecords(token, ds.id);
    expect(records).toHaveLength(NESTED_PARQUET_ROWS - 1);
    expect(records[0].data).toEqual({
      id: 1,
      name: "row 1",
      score: 0.25,
      ok: false,
      meta: { lang: "en", tags: ["a"] },
      turns: [
        { role: "user", text: "q1" },
        { role: "assistant", text: "a1" },
      ],
    });
    expect(records[2].data).toMatchObject({ id: 3, meta: { lang: "fr", tags: [] } });
    expect(records.map((r) => r.data.id)).toEqual(
      Array.from({ length: NESTED_PARQUET_ROWS }, (_, i) => i + 1).filter((i) => i !== NESTED_PARQUET_BAD_ROW),
    );
    expect(await errorReport(token, ds.id, imp.id)).toEqual([
      { line: NESTED_PARQUET_BAD_ROW, path: "$", reason: "id: The integer is outside JSON's safe range." },
    ]);
  });

  it("reports a file that is not Parquet as a failed job, storing nothing", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const imp = await importFile(token, ds.id, "PAR1 but not really", "application/vnd.apache.parquet");
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/could not be started/);
    expect(
      (
        await expectJson(
          await client(token).api.v1.datasets[":id"].records.$get({ param: { id: ds.id }, query: {} }),
          200,
        )
      ).items,
    ).toHaveLength(0);
  });
});
