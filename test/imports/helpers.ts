/** Import and export helpers for tests: send files, wait for jobs, read reports. */
import { call } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

export async function waitForJob(
  token: string,
  jobId: string,
  done = (s: string) => ["succeeded", "failed", "partially_failed", "cancelled"].includes(s),
) {
  let job = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  for (let i = 0; i < 400 && !done(job.status); i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
  }
  return job;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Sends a file as the body of POST /imports and answers the 202 body. */
export async function importFile(
  token: string,
  datasetId: string,
  body: Uint8Array | string,
  type: string,
  query = "",
  headers: Record<string, string> = {},
) {
  const res = await call(`/api/v1/datasets/${datasetId}/imports${query}`, {
    method: "POST",
    token,
    raw: body,
    headers: { "Content-Type": type, ...headers },
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`import: ${res.status} ${text}`);
  return JSON.parse(text);
}

export async function allRecords(token: string, datasetId: string) {
  const out: { id: string; seq: number; sha256: string; data: Record<string, unknown> }[] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: string; cursor?: string } = cursor ? { limit: "1000", cursor } : { limit: "1000" };
    const records = client(token).api.v1.datasets[":id"].records;
    const page = await expectJson(await records.$get({ param: { id: datasetId }, query }), 200);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export async function errorReport(token: string, datasetId: string, importId: string) {
  const res = await call(`/api/v1/datasets/${datasetId}/imports/${importId}/errors`, { token });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`report: ${res.status} ${text}`);
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { line: number; path: string; reason: string });
}
