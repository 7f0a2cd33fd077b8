/**
 * Imports for the routes: create an upload (an R2 multipart upload), receive its parts
 * (sealed as they stream), complete it and start the import job; or take a whole file in
 * one request (gzip unpacked on the way in). Also the import's view and its error report.
 * Every function takes a live dataset row looked up with the caller's tenant.
 */
import { and, asc, eq } from "drizzle-orm";
import { appendAudit, type AuditScope } from "../audit/append";
import { db, schema } from "../db/client";
import {
  badRequest,
  conflict,
  DomainError,
  notFound,
  payloadTooLarge,
  ProblemError,
  validationFailed,
} from "../errors";
import { newId } from "../ids";
import { absoluteLine } from "../jobs/progress";
import { createJob, type JobsEnv } from "../jobs/service";
import { datasetKeyRow, unwrapDatasetKey } from "../crypto/dataset-keys";
import type { ImportView } from "../schema/imports";
import { IMPORT_JOB_KIND } from "./job";
import { DEFAULT_PART_BYTES, MAX_IMPORT_BYTES, MAX_PARTS, MAX_SINGLE_REQUEST_PLAIN_BYTES } from "./limits";
import { SEGMENT_BYTES, sealedLength, sealingStream, sealPart, type SealedObjectBinding } from "./sealed-object";

export type ImportsEnv = JobsEnv & Pick<Env, "DB" | "BLOBS" | "MASTER_KEYS" | "DATASET" | "AUDIT_LOG">;
type ImportRow = typeof schema.imports.$inferSelect;

export interface ImportOptions {
  format: "ndjson" | "csv" | "parquet";
  on_error: "skip" | "abort";
  delimiter?: string;
  part_size?: number;
}

/** The R2 key of an import's file. */
const objectKey = (tenantId: string, datasetId: string, importId: string) =>
  `imports/${tenantId}/${datasetId}/${importId}`;

async function toView(d1: D1Database, row: ImportRow): Promise<ImportView> {
  const parts = await db(d1)
    .select()
    .from(schema.importParts)
    .where(eq(schema.importParts.importId, row.id))
    .orderBy(asc(schema.importParts.partNo))
    .all();
  const options = JSON.parse(row.options) as { delimiter?: string };
  return {
    id: row.id,
    dataset_id: row.datasetId,
    format: row.format,
    on_error: row.onError,
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    status: row.status,
    part_size: row.partSize,
    max_parts: MAX_PARTS,
    max_bytes: MAX_IMPORT_BYTES,
    bytes: row.bytes,
    parts: parts.map((p) => ({ part_number: p.partNo, bytes: p.plainBytes })),
    job_id: row.jobId,
    created_at: row.createdAt,
  };
}

async function importRow(
  d1: D1Database,
  dataset: { id: string; tenantId: string },
  importId: string,
): Promise<ImportRow> {
  const row = await db(d1)
    .select()
    .from(schema.imports)
    .where(
      and(
        eq(schema.imports.id, importId),
        eq(schema.imports.tenantId, dataset.tenantId),
        eq(schema.imports.datasetId, dataset.id),
      ),
    )
    .get();
  if (!row) throw notFound("The import");
  return row;
}

async function keyOf(env: ImportsEnv, row: Pick<ImportRow, "tenantId" | "datasetId" | "keyVersion">) {
  return unwrapDatasetKey(env, await datasetKeyRow(env.DB, row.tenantId, row.datasetId, row.keyVersion));
}

const bindingOf = (row: ImportRow): SealedObjectBinding => ({
  tenantId: row.tenantId,
  datasetId: row.datasetId,
  importId: row.id,
});

/** Creates an upload: 201 with the import, to which the client sends parts. */
export async function createUpload(
  env: ImportsEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string },
  options: ImportOptions,
): Promise<ImportView> {
  const keyRow = await datasetKeyRow(env.DB, dataset.tenantId, dataset.id);
  const id = newId("imp");
  const key = objectKey(dataset.tenantId, dataset.id, id);
  const upload = await env.BLOBS.createMultipartUpload(key);
  const now = new Date().toISOString();
  const row: ImportRow = {
    id,
    tenantId: dataset.tenantId,
    datasetId: dataset.id,
    format: options.format,
    onError: options.on_error,
    options: JSON.stringify(options.delimiter ? { delimiter: options.delimiter } : {}),
    status: "uploading",
    objectKey: key,
    uploadId: upload.uploadId,
    partSize: options.part_size ?? DEFAULT_PART_BYTES,
    keyVersion: keyRow.version,
    bytes: null,
    jobId: null,
    createdBy: scope.actor,
    createdAt: now,
    updatedAt: now,
  };
  await appendAudit(env, scope, {
    action: "import.create",
    resource: { dataset_id: dataset.id },
    details: { import_id: id, format: options.format, on_error: options.on_error },
  });
  await db(env.DB).insert(schema.imports).values(row);
  return toView(env.DB, row);
}

/**
 * Receives one part, sealing it as it streams into R2. `length` (Content-Length) is
 * required, at most the part size. Sending a part number again replaces that part.
 */
export async function putPart(
  env: ImportsEnv,
  dataset: { id: string; tenantId: string },
  importId: string,
  partNo: number,
  body: ReadableStream<Uint8Array> | null,
  length: number | null,
) {
  const row = await importRow(env.DB, dataset, importId);
  if (row.status !== "uploading")
    throw conflict(`The import is ${row.status}; parts can be sent only while it is uploading.`);
  if (partNo < 1 || partNo > MAX_PARTS)
    throw validationFailed([{ path: "$path.part", message: `Part numbers run from 1 to ${MAX_PARTS}.` }]);
  if (length === null || !body) throw badRequest("Send the part with a Content-Length.");
  if (length < 1) throw badRequest("A part may not be empty.");
  if (length > row.partSize) throw payloadTooLarge(row.partSize, "A part");
  const key = await keyOf(env, row);
  const seen = { bytes: 0 };
  const sealed = body.pipeThrough(
    sealingStream(key, bindingOf(row), ((partNo - 1) * row.partSize) / SEGMENT_BYTES, seen),
  );
  const fixed = new FixedLengthStream(sealedLength(length));
  const piping = sealed.pipeTo(fixed.writable);
  const upload = env.BLOBS.resumeMultipartUpload(row.objectKey, row.uploadId);
  let part: R2UploadedPart;
  try {
    [part] = await Promise.all([upload.uploadPart(partNo, fixed.readable), piping]);
  } catch (err) {
    if (seen.bytes !== length) throw badRequest(`The part has ${seen.bytes} bytes; Content-Length said ${length}.`);
    throw err;
  }
  if (seen.bytes !== length) throw badRequest(`The part has ${seen.bytes} bytes; Content-Length said ${length}.`);
  await env.DB.prepare(
    "INSERT OR REPLACE INTO import_parts (import_id, part_no, plain_bytes, etag, created_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(row.id, partNo, length, part.etag, new Date().toISOString())
    .run();
  return { part_number: partNo, bytes: length };
}

/**
 * Completes the upload and starts the import job; 202 with the import. Idempotent: a
 * second call answers the same import and job.
 */
export async function completeImport(
  env: ImportsEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string },
  importId: string,
): Promise<ImportView> {
  const row = await importRow(env.DB, dataset, importId);
  if (row.status === "started") return ensureJob(env, scope, row);
  if (row.status !== "uploading") throw conflict(`The import is ${row.status}.`);
  const parts = await db(env.DB)
    .select()
    .from(schema.importParts)
    .where(eq(schema.importParts.importId, row.id))
    .orderBy(asc(schema.importParts.partNo))
    .all();
  if (!parts.length) throw conflict("No part has been uploaded.");
  const errors = parts.flatMap((p, i) => {
    if (p.partNo !== i + 1) return [{ path: "$.parts", message: `Part ${i + 1} is missing.` }];
    if (i < parts.length - 1 && p.plainBytes !== row.partSize)
      return [
        {
          path: `$.parts[${i}]`,
          message: `Part ${p.partNo} has ${p.plainBytes} bytes; every part but the last must have ${row.partSize}.`,
        },
      ];
    return [];
  });
  if (errors.length)
    throw new ProblemError(409, "conflict", {
      detail: "The parts do not make a whole file yet.",
      errors: errors.slice(0, 20),
    });
  const bytes = parts.reduce((n, p) => n + p.plainBytes, 0);
  if (bytes > MAX_IMPORT_BYTES) throw payloadTooLarge(MAX_IMPORT_BYTES, "The import file");
  await env.BLOBS.resumeMultipartUpload(row.objectKey, row.uploadId).complete(
    parts.map((p) => ({ partNumber: p.partNo, etag: p.etag })),
  );
  const jobId = newId("job");
  const at = new Date().toISOString();
  const moved = await env.DB.prepare(
    "UPDATE imports SET status = 'started', bytes = ?, job_id = ?, updated_at = ? WHERE id = ? AND status = 'uploading'",
  )
    .bind(bytes, jobId, at, row.id)
    .run();
  // The loser of two concurrent completes (no change) answers with the winner's job.
  void moved;
  return ensureJob(env, scope, await importRow(env.DB, dataset, importId));
}

/** Creates the job recorded on a started import if it does not exist yet (a crash between the two). */
async function ensureJob(env: ImportsEnv, scope: AuditScope, row: ImportRow): Promise<ImportView> {
  const exists = await env.DB.prepare("SELECT 1 AS x FROM jobs WHERE id = ?").bind(row.jobId).first();
  if (!exists && row.jobId) {
    try {
      await createJob(env, scope, {
        id: row.jobId,
        kind: IMPORT_JOB_KIND,
        datasetId: row.datasetId,
        params: { import_id: row.id },
        details: { import_id: row.id, format: row.format, bytes: row.bytes },
      });
    } catch (err) {
      // Another complete created it meanwhile.
      if (!(await env.DB.prepare("SELECT 1 AS x FROM jobs WHERE id = ?").bind(row.jobId).first())) throw err;
    }
  }
  return toView(env.DB, row);
}

/**
 * A whole file in one request: unpacked (gzip) and sealed part by part as it streams, then
 * completed like a multipart upload. Bodies that unpack to more than
 * MAX_SINGLE_REQUEST_PLAIN_BYTES are refused (413) and leave nothing behind.
 */
export async function importBody(
  env: ImportsEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string },
  options: ImportOptions,
  body: ReadableStream<Uint8Array>,
  gzip: boolean,
): Promise<ImportView> {
  const created = await createUpload(env, scope, dataset, { ...options, part_size: DEFAULT_PART_BYTES });
  const row = await importRow(env.DB, dataset, created.id);
  const key = await keyOf(env, row);
  const upload = env.BLOBS.resumeMultipartUpload(row.objectKey, row.uploadId);
  const partSize = row.partSize;
  let buffer = new Uint8Array(partSize);
  let fill = 0;
  let partNo = 0;
  let total = 0;
  const sendPart = async () => {
    partNo++;
    const plain = buffer.subarray(0, fill);
    const sealed = await sealPart(key, bindingOf(row), ((partNo - 1) * partSize) / SEGMENT_BYTES, plain);
    const part = await upload.uploadPart(partNo, sealed);
    await env.DB.prepare(
      "INSERT OR REPLACE INTO import_parts (import_id, part_no, plain_bytes, etag, created_at) VALUES (?, ?, ?, ?, ?)",
    )
      .bind(row.id, partNo, fill, part.etag, new Date().toISOString())
      .run();
    buffer = new Uint8Array(partSize);
    fill = 0;
  };
  try {
    const source = gzip
      ? body.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
      : body;
    const reader = source.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (cause instanceof DomainError) throw cause;
        throw new ProblemError(400, "bad-request", {
          detail: gzip ? "The body is not valid gzip." : "The body could not be read.",
          cause,
        });
      }
      if (chunk.done) break;
      let at = 0;
      const bytes = chunk.value;
      total += bytes.byteLength;
      if (total > MAX_SINGLE_REQUEST_PLAIN_BYTES)
        throw payloadTooLarge(MAX_SINGLE_REQUEST_PLAIN_BYTES, "The unpacked file");
      while (at < bytes.byteLength) {
        const n = Math.min(partSize - fill, bytes.byteLength - at);
        buffer.set(bytes.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === partSize) await sendPart();
      }
    }
    if (fill > 0 || partNo === 0) {
      if (total === 0) throw badRequest("The file is empty.");
      await sendPart();
    }
  } catch (err) {
    await upload.abort().catch(() => undefined);
    await env.DB.batch([
      env.DB.prepare("UPDATE imports SET status = 'aborted', updated_at = ? WHERE id = ?").bind(
        new Date().toISOString(),
        row.id,
      ),
      env.DB.prepare("DELETE FROM import_parts WHERE import_id = ?").bind(row.id),
    ]);
    throw err;
  }
  return completeImport(env, scope, dataset, row.id);
}

export async function getImport(
  env: ImportsEnv,
  dataset: { id: string; tenantId: string },
  importId: string,
): Promise<ImportView> {
  return toView(env.DB, await importRow(env.DB, dataset, importId));
}

/**
 * The import's error report as NDJSON, one `{line, path, reason}` per error in file order
 * (lines are exact once every range is done). Reasons never carry the value.
 */
export async function errorReport(
  env: ImportsEnv,
  dataset: { id: string; tenantId: string },
  importId: string,
): Promise<ReadableStream<Uint8Array>> {
  const row = await importRow(env.DB, dataset, importId);
  if (!row.jobId) throw conflict("The import has not started, so there is no report yet.");
  const jobId = row.jobId;
  const ranges = (
    await env.DB.prepare("SELECT range_no, counters FROM job_ranges WHERE job_id = ?")
      .bind(jobId)
      .all<{ range_no: number; counters: string }>()
  ).results;
  const encoder = new TextEncoder();
  let after: [number, number, number] = [-1, 0, 0];
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await env.DB.prepare(
        `SELECT range_no, line, n, path, reason FROM job_errors WHERE job_id = ? AND (range_no, line, n) > (?, ?, ?)
         ORDER BY range_no, line, n LIMIT 500`,
      )
        .bind(jobId, ...after)
        .all<{ range_no: number; line: number; n: number; path: string; reason: string }>();
      if (!page.results.length) {
        controller.close();
        return;
      }
      const text =
        page.results
          .map((e) =>
            JSON.stringify({ line: absoluteLine(ranges, e.range_no, e.line), path: e.path, reason: e.reason }),
          )
          .join("\n") + "\n";
      const last = page.results[page.results.length - 1];
      after = [last.range_no, last.line, last.n];
      controller.enqueue(encoder.encode(text));
    },
  });
}
