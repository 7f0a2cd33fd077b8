// Exports end to end: seq order, manifest (per-record hashes, a root that repeats), download
// with Content-Length and ranges, signed URLs, views and fields, CSV, export → import into a
// new dataset → the same hashes and root, audit, and tenant isolation.
import { describe, expect, it } from "vitest";
import type { InferRequestType } from "hono/client";
import { logs } from "../audit/helpers";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postBatch, postRecord } from "../records/helpers";
import { allRecords, importFile, waitForJob } from "../imports/helpers";

type StartExport = InferRequestType<
  ReturnType<typeof client>["api"]["v1"]["datasets"][":id"]["exports"]["$post"]
>["json"];

async function exportOf(token: string, datasetId: string, body: StartExport) {
  const api = client(token).api.v1;
  const started = await expectJson(
    await api.datasets[":id"].exports.$post({ param: { id: datasetId }, json: body }),
    202,
  );
  const job = await waitForJob(token, started.job_id!);
  expect(job.status).toBe("succeeded");
  return expectJson(await api.exports[":id"].$get({ param: { id: started.id } }), 200);
}

/**
 * GET /exports/{id}/manifest; fails unless 200. Raw: the route declares a streamed byte body, not a JSON schema,
 * so the typed client would type it as a string.
 */
async function manifestOf(token: string, id: string) {
  const res = await call(`/api/v1/exports/${id}/manifest`, { token });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`manifest: expected 200, got ${res.status}: ${text}`);
  return JSON.parse(text) as { root_hash: string; records: { seq: number; sha256: string }[] };
}

async function download(token: string, id: string, headers: Record<string, string> = {}) {
  const res = await call(`/api/v1/exports/${id}/download`, { token, headers });
  return { res, text: await res.text() };
}

const sha256 = async (text: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");

async function rootOf(hashes: string[]) {
  const bytes = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) =>
    bytes.set(
      h.match(/../g)!.map((x) => parseInt(x, 16)),
      i * 32,
    ),
  );
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

const records = [
  { name: "Ada", n: 1, ok: true, tags: ["x", "y"], nested: { deep: { v: 1.5 } } },
  { name: 'comma, "quote"', n: 2, ok: false },
  { name: "line\nbreak", n: 3, ok: true },
  { name: "ünïcödé 😀", n: 4, ok: false },
];

describe("export", () => {
  it("writes the dataset in seq order with a manifest whose root is the same for the same data", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postBatch(token, ds.id, records);
    const stored = await allRecords(token, ds.id);
    const exp = await exportOf(token, ds.id, { format: "ndjson" });
    expect(exp.status).toBe("succeeded");
    expect(exp.manifest).toMatchObject({
      record_count: 4,
      format: "ndjson",
      view: "stored",
      dataset_id: ds.id,
      hash_algorithm: "sha256",
    });

    const { res, text } = await download(token, exp.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).byteLength));
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    const lines = text.split("\n").filter(Boolean);
    expect(lines.map((l) => JSON.parse(l))).toEqual(stored.map((r) => r.data));
    // Each line is the record's canonical form; its SHA-256 is the stored one.
    for (const [i, line] of lines.entries()) expect(await sha256(line)).toBe(stored[i].sha256);

    const full = await manifestOf(token, exp.id);
    expect(full.records).toEqual(stored.map((r) => ({ seq: r.seq, sha256: r.sha256 })));
    expect(full.root_hash).toBe(await rootOf(stored.map((r) => r.sha256)));

    const again = await exportOf(token, ds.id, { format: "ndjson" });
    expect(again.manifest!.root_hash).toBe(exp.manifest!.root_hash);
    await postRecord(token, ds.id, { name: "new" });
    const changed = await exportOf(token, ds.id, { format: "ndjson" });
    expect(changed.manifest!.root_hash).not.toBe(exp.manifest!.root_hash);
    expect(changed.manifest!.record_count).toBe(5);

    const audit = await logs(token, { dataset_id: ds.id, action: "export.create" });
    expect(audit.items).toHaveLength(3);
    const downloads = await logs(token, { dataset_id: ds.id, action: "export.download" });
    expect(downloads.items).toHaveLength(1);
  });

  it("serves byte ranges of the file for resuming a download, and signed short-lived URLs", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const file = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, pad: "r".repeat(100) })).join("\n");
    const imp = await importFile(token, ds.id, file, "application/x-ndjson");
    await waitForJob(token, imp.job_id);
    const exp = await exportOf(token, ds.id, { format: "ndjson" });
    const whole = (await download(token, exp.id)).text;
    const size = new TextEncoder().encode(whole).byteLength;
    expect(exp.bytes).toBe(size);
    const part = await download(token, exp.id, { Range: "bytes=100000-200000" });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get("content-range")).toBe(`bytes 100000-200000/${size}`);
    expect(part.res.headers.get("content-length")).toBe("100001");
    expect(part.text).toBe(new TextDecoder().decode(new TextEncoder().encode(whole).subarray(100000, 200001)));
    const tail = await download(token, exp.id, { Range: "bytes=-10" });
    expect(tail.text).toBe(whole.slice(-10));
    const bad = await download(token, exp.id, { Range: `bytes=${size}-` });
    expect(bad.res.status).toBe(416);

    const signed = await expectJson(
      await client(token).api.v1.exports[":id"].url.$post({ param: { id: exp.id }, query: { expires_in: "60" } }),
      200,
    );
    const url = new URL(signed.url);
    const viaUrl = await call(url.pathname + url.search);
    expect(viaUrl.status).toBe(200);
    expect(await viaUrl.text()).toBe(whole);
    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1));
    await expectProblem(await call(tampered.pathname + tampered.search), 404);
    const expired = new URL(url);
    expired.searchParams.set("expires", "1000");
    await expectProblem(await call(expired.pathname + expired.search), 404);
  });

  it("exports, then imports into a new dataset, reproducing the same record hashes and manifest root", async () => {
    const { token } = await newTenant();
    const source = await createDataset(token);
    await postBatch(token, source.id, records);
    const first = await exportOf(token, source.id, { format: "ndjson" });
    const file = (await download(token, first.id)).text;
    const target = await createDataset(token);
    const imp = await importFile(token, target.id, file, "application/x-ndjson", "?on_error=abort");
    expect((await waitForJob(token, imp.job_id)).status).toBe("succeeded");
    const second = await exportOf(token, target.id, { format: "ndjson" });
    expect(second.manifest!.root_hash).toBe(first.manifest!.root_hash);
    const a = await manifestOf(token, first.id);
    const b = await manifestOf(token, second.id);
    expect(b.records.map((r) => r.sha256)).toEqual(a.records.map((r) => r.sha256));
  });

  it("writes CSV (RFC 4180) with the chosen fields, which imports back typed by the schema", async () => {
    const { token } = await newTenant();
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, n: { type: "integer" }, ok: { type: "boolean" } },
    };
    const ds = await createDataset(token, { schema });
    const flat = records.map(({ name, n, ok }) => ({ name, n, ok }));
    await postBatch(token, ds.id, flat);
    const exp = await exportOf(token, ds.id, { format: "csv", fields: ["name", "n", "ok"] });
    const csv = (await download(token, exp.id)).text;
    expect(csv.split("\r\n")[0]).toBe("name,n,ok");
    expect(csv).toContain('"comma, ""quote""",2,false\r\n');
    expect(csv).toContain('"line\nbreak",3,true\r\n');
    const target = await createDataset(token, { schema });
    const imp = await importFile(token, target.id, csv, "text/csv", "?on_error=abort");
    const job = await waitForJob(token, imp.job_id);
    expect(job.status).toBe("succeeded");
    expect((await allRecords(token, target.id)).map((r) => r.data)).toEqual(flat);
    const back = await exportOf(token, target.id, { format: "csv", fields: ["name", "n", "ok"] });
    expect(back.manifest!.root_hash).toBe(exp.manifest!.root_hash);
  });

  it("writes Parquet (hyparquet-writer in workerd) that imports back to the same records and root", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const rows = Array.from({ length: 50 }, (_, i) => ({
      id: i,
      name: `r${i}`,
      score: i / 8,
      ok: i % 2 === 0,
      meta: { tags: ["a", String(i)] },
    }));
    await postBatch(token, ds.id, rows);
    const exp = await exportOf(token, ds.id, { format: "parquet" });
    const res = await call(`/api/v1/exports/${exp.id}/download`, { token });
    expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("PAR1");
    expect(bytes.byteLength).toBe(exp.bytes);
    const target = await createDataset(token);
    const imp = await importFile(token, target.id, bytes, "application/vnd.apache.parquet", "?on_error=abort");
    expect((await waitForJob(token, imp.job_id)).status).toBe("succeeded");
    expect((await allRecords(token, target.id)).map((r) => r.data)).toEqual(rows);
    const back = await exportOf(token, target.id, { format: "parquet" });
    expect(back.manifest!.root_hash).toBe(exp.manifest!.root_hash);
  });

  it("exports the anonymized view and only the fields asked for", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postRecord(token, ds.id, { email: "write to jane@example.com", keep: 1, drop: 2 });
    const exp = await exportOf(token, ds.id, { format: "ndjson", view: "anonymized", fields: ["email", "keep"] });
    const text = (await download(token, exp.id)).text;
    expect(JSON.parse(text.trim())).toEqual({ email: "write to <EMAIL>", keep: 1 });
    expect(exp.manifest).toMatchObject({ view: "anonymized", fields: ["email", "keep"] });
  });

  it("answers 404 for another tenant's dataset and export on every export route", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const ds = await createDataset(a.token);
    const exp = await exportOf(a.token, ds.id, { format: "ndjson" });
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/exports`, { method: "POST", token: b.token, body: { format: "ndjson" } }),
      404,
    );
    for (const [method, path] of [
      ["GET", `/api/v1/exports/${exp.id}`],
      ["GET", `/api/v1/exports/${exp.id}/manifest`],
      ["GET", `/api/v1/exports/${exp.id}/download`],
      ["POST", `/api/v1/exports/${exp.id}/url`],
    ]) {
      await expectProblem(await call(path, { method, token: b.token }), 404);
    }
    // A URL signed by tenant A does not work when it names tenant B.
    const signed = await expectJson(
      await client(a.token).api.v1.exports[":id"].url.$post({ param: { id: exp.id }, query: {} }),
      200,
    );
    const url = new URL(signed.url);
    url.searchParams.set("tenant", b.tenant.id);
    await expectProblem(await call(url.pathname + url.search), 404);
  });
});
