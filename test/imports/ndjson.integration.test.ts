// NDJSON imports end to end through the API, the real queue and the consumer: one request
// (plain and gzip), multipart uploads, per-line validation and PII policy with an error
// report, on_error skip and abort, idempotent completion, cancel, and tenant isolation.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, errorReport, gzip, importFile, waitForJob } from "./helpers";

const schema = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
  required: ["name"],
  additionalProperties: false,
};

const encoder = new TextEncoder();

/** 12 lines: 1 malformed at the start, 1 invalid in the middle, a blank line, 1 too large, 1 malformed at the end. */
function mixedFile() {
  const big = "x".repeat(1024 * 1024 + 10);
  const lines = [
    "{not json",
    JSON.stringify({ name: "a", age: 1 }),
    JSON.stringify({ name: "b", age: 2 }),
    JSON.stringify({ name: "c", age: -5 }),
    JSON.stringify({ name: "d" }),
    "",
    JSON.stringify({ name: "e", age: 5 }),
    JSON.stringify({ name: big }),
    JSON.stringify({ name: "f", extra: true }),
    JSON.stringify({ name: "g", age: 7 }),
    "[1,2,3]",
    '{"name": "h", "age": 8',
  ];
  return lines.join("\n") + "\n";
}

describe("NDJSON import", () => {
  it("imports the valid lines in file order and reports the others by line, path and reason, without values", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema });
    const imp = await importFile(token, ds.id, mixedFile(), "application/x-ndjson", "?on_error=skip");
    expect(imp).toMatchObject({ status: "started", format: "ndjson", on_error: "skip" });
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({ items: 5, failed: 6, imported: 5, lines: 12 });
    const records = await allRecords(token, ds.id);
    expect(records.map((r) => r.data.name)).toEqual(["a", "b", "d", "e", "g"]);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const report = await errorReport(token, ds.id, imp.id);
    expect(report.map((e) => e.line)).toEqual([1, 4, 8, 9, 11, 12]);
    expect(report[0]).toEqual({ line: 1, path: "$", reason: "The line is not valid JSON." });
    expect(report[1].path).toBe("$.age");
    expect(report[1].reason).not.toContain("-5");
    expect(report[2].reason).toMatch(/limit is 1048576/);
    expect(report[3].path).toBe("$.extra");
    expect(report[4]).toMatchObject({ line: 11, path: "$" });
    expect(report[5]).toEqual({ line: 12, path: "$", reason: "The line is not valid JSON." });
    // The first errors show on the job too.
    expect(job.first_errors[0]).toEqual({ line: 1, path: "$", reason: "The line is not valid JSON." });
    const query = { action: "record.import", dataset_id: ds.id };
    const audit = await expectJson(await client(token).api.v1.audit.logs.$get({ query }), 200);
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0].details).toMatchObject({ count: 5, first_seq: 1, last_seq: 5 });
  });

  it("holds every line to the I-JSON rules of POST /records: such lines are reported, the rest stored", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const lines = [
      '{"n":1e400}',
      '{"name":"ok-1"}',
      '{"n":123456789012345678901234567890}',
      '{"a":"first","a":"second"}',
      '{"s":"\\ud800x"}',
      '{"name":"ok-2","n":0.5}',
    ];
    const imp = await importFile(token, ds.id, lines.join("\n") + "\n", "application/x-ndjson", "?on_error=skip");
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    const records = await allRecords(token, ds.id);
    expect(records.map((r) => r.data)).toEqual([{ name: "ok-1" }, { name: "ok-2", n: 0.5 }]);
    const report = await errorReport(token, ds.id, imp.id);
    expect(report.map((e) => [e.line, e.path])).toEqual([
      [1, "$.n"],
      [3, "$.n"],
      [4, "$.a"],
      [5, "$.s"],
    ]);
    for (const e of report) expect(e.reason).not.toMatch(/\d{5}|e\+/);
  });

  it("with on_error abort stores nothing when any line is invalid, and everything when none is", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema });
    const bad = await importFile(token, ds.id, mixedFile(), "application/x-ndjson", "?on_error=abort");
    const failed = await waitForJob(token, bad.job_id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/6 invalid lines; on_error is abort/);
    expect(await allRecords(token, ds.id)).toHaveLength(0);
    const good = await importFile(
      token,
      ds.id,
      '{"name":"x"}\r\n{"name":"y","age":3}',
      "application/x-ndjson",
      "?on_error=abort",
    );
    expect((await waitForJob(token, good.job_id)).status).toBe("succeeded");
    expect((await allRecords(token, ds.id)).map((r) => r.data)).toEqual([{ name: "x" }, { name: "y", age: 3 }]);
  });

  it("unpacks a gzip body and splits a larger file into parallel ranges that keep file order", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const n = 30_000;
    const pad = "p".repeat(300);
    const text = Array.from({ length: n }, (_, i) => JSON.stringify({ i, pad })).join("\n");
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024); // more than one range and more than one part
    const imp = await importFile(token, ds.id, await gzip(encoder.encode(text)), "application/x-ndjson", "", {
      "Content-Encoding": "gzip",
    });
    expect(imp.bytes).toBe(text.length);
    expect(imp.parts.length).toBeGreaterThan(1);
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect(job.ranges.length).toBeGreaterThan(1);
    expect(job.progress).toMatchObject({ items: n, imported: n, failed: 0, bytes: text.length, lines: n });
    const records = await allRecords(token, ds.id);
    expect(records).toHaveLength(n);
    expect(records.every((r, k) => r.data.i === k && r.seq === k + 1)).toBe(true);
  });

  it("refuses a body that is not gzip, leaving nothing behind", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const res = await call(`/api/v1/datasets/${ds.id}/imports`, {
      method: "POST",
      token,
      raw: "definitely not gzip",
      headers: { "Content-Type": "application/x-ndjson", "Content-Encoding": "gzip" },
    });
    await expectProblem(res, 400);
    expect(await allRecords(token, ds.id)).toHaveLength(0);
  });

  it("runs a dataset's PII policy on every line; rejected lines name the entity and path, never the value", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: {
        rules: { US_SSN: { action: "reject" }, EMAIL: { action: "anonymize", operator: { type: "replace" } } },
      },
    });
    const file = [JSON.stringify({ note: "ssn 123-45-6789" }), JSON.stringify({ note: "mail john@example.com" })].join(
      "\n",
    );
    const imp = await importFile(token, ds.id, file, "application/x-ndjson");
    expect((await waitForJob(token, imp.job_id)).status).toBe("succeeded");
    expect((await allRecords(token, ds.id)).map((r) => r.data)).toEqual([{ note: "mail <EMAIL>" }]);
    const report = await errorReport(token, ds.id, imp.id);
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ line: 1, path: "$.note" });
    expect(report[0].reason).toMatch(/US_SSN/);
    expect(JSON.stringify(report)).not.toContain("123-45-6789");
  });

  it("takes a multipart upload: parts in any order, a part sent twice is harmless, complete is idempotent", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema });
    const imports = client(token).api.v1.datasets[":id"].imports;
    const json = { format: "ndjson" as const, part_size: 5 * 1024 * 1024 };
    const imp = await expectJson(await imports.$post({ param: { id: ds.id }, query: {}, json }), 201);
    expect(imp).toMatchObject({ status: "uploading", part_size: 5 * 1024 * 1024, parts: [], job_id: null });
    expect(imp.max_bytes).toBeGreaterThanOrEqual(5 * 1024 ** 3);
    // Part 1: exactly 5 MiB of lines (the last line padded to fit); part 2: the rest.
    const rows: string[] = [];
    let size = 0;
    let i = 0;
    while (size < 5 * 1024 * 1024 - 2000) {
      const l = JSON.stringify({ name: `n${i}`.padEnd(1000, "."), age: i }) + "\n";
      rows.push(l);
      size += l.length;
      i++;
    }
    const filler = 5 * 1024 * 1024 - size;
    const padded = JSON.stringify({ name: "z".repeat(filler - JSON.stringify({ name: "" }).length - 1) }) + "\n";
    rows.push(padded);
    const part1 = encoder.encode(rows.join(""));
    expect(part1.byteLength).toBe(5 * 1024 * 1024);
    const part2 = encoder.encode(JSON.stringify({ name: "tail", age: 1 }) + "\n" + JSON.stringify({ name: "end" }));
    const put = (n: number, bytes: Uint8Array) =>
      call(`/api/v1/datasets/${ds.id}/imports/${imp.id}/parts/${n}`, {
        method: "PUT",
        token,
        raw: bytes,
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.byteLength) },
      });
    expect((await put(2, part2)).status).toBe(200);
    // Completing with part 1 missing is refused.
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/imports/${imp.id}/complete`, { method: "POST", token }),
      409,
    );
    expect((await put(1, part1)).status).toBe(200);
    expect((await put(1, part1)).status).toBe(200);
    const upload = imports[":importId"];
    const param = { id: ds.id, importId: imp.id };
    const resumed = await expectJson(await upload.$get({ param }), 200);
    expect(resumed.parts).toEqual([
      { part_number: 1, bytes: part1.byteLength },
      { part_number: 2, bytes: part2.byteLength },
    ]);
    const done = await expectJson(await upload.complete.$post({ param }), 202);
    const again = await expectJson(await upload.complete.$post({ param }), 202);
    expect(again.job_id).toBe(done.job_id);
    const job = await waitForJob(token, done.job_id!);
    expect(job.status).toBe("succeeded");
    const records = await allRecords(token, ds.id);
    expect(records).toHaveLength(rows.length + 2);
    expect(records[records.length - 1].data).toEqual({ name: "end" });
    expect(records[0].data).toEqual({ name: "n0".padEnd(1000, "."), age: 0 });
    // A part after completion is refused.
    await expectProblem(await put(3, part2), 409);
  });

  it("stops a cancelled import and stores nothing of it", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const text = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ i, pad: "q".repeat(200) })).join("\n");
    const imp = await importFile(token, ds.id, text, "application/x-ndjson");
    await expectJson(await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id: imp.job_id } }), 200);
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 500));
    expect(await allRecords(token, ds.id)).toHaveLength(0);
    // Cancelled means over: retrying it is refused.
    await expectProblem(await call(`/api/v1/jobs/${imp.job_id}/retry`, { method: "POST", token }), 409);
  });

  it("answers 404 for another tenant's dataset and import on every import route", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const ds = await createDataset(a.token);
    const imp = await importFile(a.token, ds.id, '{"x":1}', "application/x-ndjson");
    await waitForJob(a.token, imp.job_id);
    const bDs = await createDataset(b.token);
    for (const [method, path] of [
      ["GET", `/api/v1/datasets/${ds.id}/imports/${imp.id}`],
      ["GET", `/api/v1/datasets/${ds.id}/imports/${imp.id}/errors`],
      ["POST", `/api/v1/datasets/${ds.id}/imports/${imp.id}/complete`],
      ["GET", `/api/v1/datasets/${bDs.id}/imports/${imp.id}`],
      ["POST", `/api/v1/datasets/${bDs.id}/imports/${imp.id}/complete`],
    ]) {
      await expectProblem(await call(path, { method, token: b.token }), 404);
    }
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/imports`, { method: "POST", token: b.token, body: { format: "ndjson" } }),
      404,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/imports/${imp.id}/parts/1`, {
        method: "PUT",
        token: b.token,
        raw: "x",
        headers: { "Content-Type": "application/octet-stream" },
      }),
      404,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/imports`, {
        method: "POST",
        token: b.token,
        raw: "{}",
        headers: { "Content-Type": "application/x-ndjson" },
      }),
      404,
    );
  });
});
