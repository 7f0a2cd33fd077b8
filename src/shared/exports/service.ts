/**
 * Exports for the routes: start one (audited: who exported which dataset, how), read it with
 * its manifest, stream the file (decrypting piece by piece, with byte ranges for resuming),
 * stream the full manifest with every record's hash, and sign short-lived download URLs.
 */
import { and, asc, eq } from "drizzle-orm";
import { appendAudit, type AuditScope } from "../audit/append";
import { secretsEqual } from "../auth/api-key";
import { tenantSecretKey } from "../crypto/tenant-secrets";
import { db, schema } from "../db/client";
import { conflict, notFound, validationFailed } from "../errors";
import { base64UrlEncode, newId } from "../ids";
import { createJob, type JobsEnv } from "../jobs/service";
import type { ExportView, StartExport } from "../schema/exports";
import { EXPORT_JOB_KIND, type ExportOptions, type ExportRow } from "./job";
import { openPiece, type ExportPart } from "./pieces";

export type ExportsEnv = JobsEnv & Pick<Env, "DB" | "BLOBS" | "MASTER_KEYS" | "DATASET" | "AUDIT_LOG">;

/** Longest life of a signed download URL. */
export const MAX_URL_SECONDS = 15 * 60;

const CONTENT_TYPES = {
  ndjson: "application/x-ndjson",
  csv: "text/csv; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
} as const;

async function toView(d1: D1Database, row: ExportRow): Promise<ExportView> {
  const job = row.jobId
    ? await d1.prepare("SELECT status FROM jobs WHERE id = ?").bind(row.jobId).first<{ status: string }>()
    : null;
  const options = JSON.parse(row.options) as ExportOptions;
  return {
    id: row.id,
    dataset_id: row.datasetId,
    format: row.format,
    view: row.view,
    fields: options.fields ?? null,
    job_id: row.jobId,
    status: (job?.status ?? "queued") as ExportView["status"],
    bytes: row.bytes,
    manifest: row.manifest ? JSON.parse(row.manifest) : null,
    created_by: row.createdBy,
    created_at: row.createdAt,
  };
}

export async function exportRow(d1: D1Database, tenantId: string, id: string): Promise<ExportRow> {
  const row = await db(d1)
    .select()
    .from(schema.exportsTable)
    .where(and(eq(schema.exportsTable.id, id), eq(schema.exportsTable.tenantId, tenantId)))
    .get();
  if (!row) throw notFound("The export");
  return row;
}

/** Starts an export of a live dataset; 202 with the export and its job. */
export async function startExport(
  env: ExportsEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string; schema: string | null },
  input: StartExport,
): Promise<ExportView> {
  let fields = input.fields;
  if (input.format === "csv" && !fields) {
    const props = dataset.schema
      ? Object.keys((JSON.parse(dataset.schema) as { properties?: object }).properties ?? {})
      : [];
    if (!props.length)
      throw validationFailed([
        { path: "$.fields", message: "A CSV export needs `fields`, or a dataset schema with properties." },
      ]);
    fields = props;
  }
  const id = newId("exp");
  const jobId = newId("job");
  const options: ExportOptions = {
    ...(fields ? { fields } : {}),
    ...(input.operators ? { operators: input.operators } : {}),
  };
  const row: ExportRow = {
    id,
    tenantId: dataset.tenantId,
    datasetId: dataset.id,
    format: input.format,
    view: input.view,
    options: JSON.stringify(options),
    jobId,
    manifest: null,
    bytes: null,
    createdBy: scope.actor,
    createdAt: new Date().toISOString(),
  };
  await appendAudit(env, scope, {
    action: "export.create",
    resource: { dataset_id: dataset.id },
    details: { export_id: id, format: input.format, view: input.view, fields: fields?.length ?? null },
  });
  await db(env.DB).insert(schema.exportsTable).values(row);
  await createJob(env, scope, {
    id: jobId,
    kind: EXPORT_JOB_KIND,
    datasetId: dataset.id,
    params: { export_id: id },
    details: { export_id: id },
  });
  return toView(env.DB, row);
}

export async function getExport(env: ExportsEnv, tenantId: string, id: string): Promise<ExportView> {
  return toView(env.DB, await exportRow(env.DB, tenantId, id));
}

async function finishedExport(env: ExportsEnv, tenantId: string, id: string) {
  const row = await exportRow(env.DB, tenantId, id);
  if (row.manifest === null || row.bytes === null)
    throw conflict("The export is not written yet; wait for its job to succeed.");
  const all = await db(env.DB)
    .select()
    .from(schema.exportParts)
    .where(eq(schema.exportParts.exportId, id))
    .orderBy(asc(schema.exportParts.firstSeq))
    .all();
  // A Parquet export is served from its one file (first seq -1); its NDJSON pieces hold the hashes.
  const parts = row.format === "parquet" ? all.filter((p) => p.firstSeq === -1) : all.filter((p) => p.firstSeq >= 0);
  return { row, parts, all };
}

/** A byte range of the file: RFC 9110 `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range); null when absent. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // not a form we serve: the whole file, as RFC 9110 allows
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/**
 * The export's file, or the bytes of `range`, as a Response (200 or 206, Content-Length,
 * Accept-Ranges; 416 for a range outside it). Pieces are decrypted one at a time.
 */
export async function downloadExport(
  env: ExportsEnv,
  scope: AuditScope,
  id: string,
  rangeHeader: string | undefined,
  via: "key" | "signed-url",
): Promise<Response> {
  const { row, parts } = await finishedExport(env, scope.tenantId, id);
  const size = row.bytes!;
  const range = parseRange(rangeHeader, size);
  if (range === "unsatisfiable")
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  await appendAudit(env, scope, {
    action: "export.download",
    resource: { dataset_id: row.datasetId },
    details: { export_id: id, via, bytes: size ? end - start + 1 : 0, ...(range ? { range_start: start } : {}) },
  });
  const pieces: { part: ExportPart; from: number }[] = [];
  let offset = 0;
  for (const part of parts) {
    pieces.push({ part, from: offset });
    offset += part.plainBytes;
  }
  const wanted = pieces.filter((p) => p.from <= end && p.from + p.part.plainBytes > start && p.part.plainBytes > 0);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= wanted.length) {
        controller.close();
        return;
      }
      const { part, from } = wanted[i++];
      const plain = await openPiece(env, row, part, "data");
      controller.enqueue(plain.subarray(Math.max(0, start - from), Math.min(plain.byteLength, end - from + 1)));
    },
  });
  const headers: Record<string, string> = {
    "Content-Type": CONTENT_TYPES[row.format],
    "Content-Length": String(size ? end - start + 1 : 0),
    "Accept-Ranges": "bytes",
    "Content-Disposition": `attachment; filename="${row.id}.${row.format}"`,
    ETag: `"${JSON.parse(row.manifest!).root_hash}"`,
  };
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  if (!size) return new Response(null, { status: range ? 206 : 200, headers });
  // workerd sends a plain ReadableStream chunked and drops the Content-Length set above; a
  // FixedLengthStream of the exact length makes it send Content-Length (and fail a short body).
  const fixed = new FixedLengthStream(end - start + 1);
  body.pipeTo(fixed.writable).catch(() => {});
  return new Response(fixed.readable, { status: range ? 206 : 200, headers });
}

/** The full manifest as JSON, streamed: the summary, then `records: [{seq, sha256}, …]` in seq order. */
export async function manifestStream(
  env: ExportsEnv,
  tenantId: string,
  id: string,
): Promise<ReadableStream<Uint8Array>> {
  const { row, all: parts } = await finishedExport(env, tenantId, id);
  const encoder = new TextEncoder();
  const summary = JSON.stringify(JSON.parse(row.manifest!));
  const withRecords = parts.filter((p) => p.records > 0);
  let i = -1;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i === -1) {
        controller.enqueue(encoder.encode(summary.slice(0, -1) + ',"records":['));
        i = 0;
        return;
      }
      if (i >= withRecords.length) {
        controller.enqueue(encoder.encode("]}"));
        controller.close();
        return;
      }
      const lines = new TextDecoder()
        .decode(await openPiece(env, row, withRecords[i++], "hashes"))
        .split("\n")
        .filter(Boolean);
      const items = lines.map((l) => {
        const [seq, sha] = l.split("\t");
        return `{"seq":${seq},"sha256":"${sha}"}`;
      });
      controller.enqueue(encoder.encode((first ? "" : ",") + items.join(",")));
      first = false;
    },
  });
}

const urlMessage = (tenantId: string, id: string, expires: number) =>
  new TextEncoder().encode(`export-download|${tenantId}|${id}|${expires}`);

async function urlSignature(env: ExportsEnv, tenantId: string, id: string, expires: number): Promise<string> {
  const key = await tenantSecretKey(env, tenantId, "export-url", { name: "HMAC", hash: "SHA-256" });
  return base64UrlEncode(new Uint8Array(await crypto.subtle.sign("HMAC", key, urlMessage(tenantId, id, expires))));
}

/** A URL that downloads the export without an API key until it expires (at most 15 minutes). */
export async function signDownloadUrl(env: ExportsEnv, scope: AuditScope, id: string, seconds: number, base: string) {
  const { row } = await finishedExport(env, scope.tenantId, id);
  const expires = Math.floor(Date.now() / 1000) + Math.min(seconds, MAX_URL_SECONDS);
  const sig = await urlSignature(env, scope.tenantId, id, expires);
  await appendAudit(env, scope, {
    action: "export.sign_url",
    resource: { dataset_id: row.datasetId },
    details: { export_id: id, expires_at: new Date(expires * 1000).toISOString() },
  });
  const q = new URLSearchParams({ tenant: scope.tenantId, expires: String(expires), sig });
  return { url: `${base}/api/v1/exports/${id}/signed?${q}`, expires_at: new Date(expires * 1000).toISOString() };
}

/** Checks a signed URL (constant-time); a bad, expired or foreign signature answers 404 like a missing export. */
export async function verifyDownloadUrl(
  env: ExportsEnv,
  tenantId: string,
  id: string,
  expires: number,
  sig: string,
): Promise<boolean> {
  if (!Number.isSafeInteger(expires) || expires < Math.floor(Date.now() / 1000)) return false;
  if (expires > Math.floor(Date.now() / 1000) + MAX_URL_SECONDS) return false;
  const tenant = await env.DB.prepare("SELECT 1 AS x FROM tenants WHERE id = ? AND status = 'active'")
    .bind(tenantId)
    .first();
  if (!tenant) return false;
  return secretsEqual(await urlSignature(env, tenantId, id, expires), sig);
}
