/**
 * The export job (kind `dataset.export`): the dataset's seqs up to the highest one when the
 * job starts are split into ranges that run in parallel. A chunk reads the next records of
 * its range in seq order, writes them (NDJSON or CSV) as one sealed piece in R2 with the
 * SHA-256 of each record's canonical form beside it, and records the piece in D1 keyed by
 * its first seq (INSERT OR IGNORE: a chunk run twice keeps one piece). The finish builds
 * the manifest: record count and a root hash over every record's hash in seq order.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { and, asc, eq } from "drizzle-orm";
import { MemberNameCollision } from "../anonymize/json-map";
import { anonymizeForTenant } from "../anonymize/service";
import type { AuditScope } from "../audit/append";
import { aad, seal } from "../crypto/aes-gcm";
import { db, schema } from "../db/client";
import { JobFailure, MAX_RANGES_PER_JOB, registerKind, type ChunkResult, type JobEnv, type JobRow } from "../jobs/run";
import { canonicalJson, sha256Hex, utf8 } from "../records/canonical";
import { datasetKeyRow, unwrapDatasetKey } from "../crypto/dataset-keys";
import { datasetObject } from "../records/object";
import { unwrap } from "../records/wire";
import { hex } from "../ids";
import type { OperatorMap } from "../anonymize/operators";
import { csvHeader, csvRow, project } from "./format";
import { openPiece } from "./pieces";
import { MAX_PARQUET_SOURCE_BYTES, toParquet } from "./parquet";

export const EXPORT_JOB_KIND = "dataset.export";
/** Records one chunk writes (a chunk also stops at 8 MiB of records). */
export const CHUNK_RECORDS = 1000;
/** A range has at least this many records. */
export const MIN_RANGE_RECORDS = 5000;

export type ExportJobEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "BLOBS">;
export type ExportRow = typeof schema.exportsTable.$inferSelect;

export interface ExportOptions {
  fields?: string[];
  operators?: OperatorMap;
  /** The highest seq when the export was planned: later writes are not in it. */
  through_seq?: number;
}

export const pieceAad = (
  exp: Pick<ExportRow, "tenantId" | "datasetId" | "id">,
  firstSeq: number,
  what: "data" | "hashes",
) => aad("export-piece", exp.tenantId, exp.datasetId, exp.id, firstSeq, what);

export const exportPrefix = (exp: Pick<ExportRow, "tenantId" | "datasetId" | "id">) =>
  `exports/${exp.tenantId}/${exp.datasetId}/${exp.id}/`;

async function context(env: ExportJobEnv, job: JobRow) {
  const { export_id: exportId } = JSON.parse(job.params) as { export_id: string };
  const exp = await db(env.DB)
    .select()
    .from(schema.exportsTable)
    .where(and(eq(schema.exportsTable.id, exportId), eq(schema.exportsTable.tenantId, job.tenantId)))
    .get();
  if (!exp) throw new Error("export row missing");
  return {
    exp,
    ref: { tenantId: job.tenantId, datasetId: exp.datasetId },
    options: JSON.parse(exp.options) as ExportOptions,
  };
}

/** Writes one sealed piece and its hashes; the first writer of a first seq wins, a later copy removes its own objects. */
async function writePiece(
  env: ExportJobEnv,
  exp: ExportRow,
  firstSeq: number,
  lastSeq: number,
  records: number,
  plain: Uint8Array,
  hashes: string,
) {
  const keyRow = await datasetKeyRow(env.DB, exp.tenantId, exp.datasetId);
  const key = await unwrapDatasetKey(env, keyRow);
  const tag = crypto.randomUUID();
  const objectKey = `${exportPrefix(exp)}${String(firstSeq).padStart(12, "0")}-${tag}`;
  const hashesKey = `${objectKey}.sha256`;
  await Promise.all([
    env.BLOBS.put(objectKey, await seal(key, plain, pieceAad(exp, firstSeq, "data"))),
    env.BLOBS.put(hashesKey, await seal(key, utf8(hashes), pieceAad(exp, firstSeq, "hashes"))),
  ]);
  const res = await env.DB.prepare(
    `INSERT OR IGNORE INTO export_parts (export_id, first_seq, last_seq, records, plain_bytes, key_version, object_key, hashes_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(exp.id, firstSeq, lastSeq, records, plain.byteLength, keyRow.version, objectKey, hashesKey)
    .run();
  if (!res.meta.changes) await env.BLOBS.delete([objectKey, hashesKey]);
}

/** The export's stored pieces in file order (by first seq; the CSV header is 0, a Parquet file -1). */
function exportParts(d1: D1Database, exportId: string) {
  return db(d1)
    .select()
    .from(schema.exportParts)
    .where(eq(schema.exportParts.exportId, exportId))
    .orderBy(asc(schema.exportParts.firstSeq))
    .all();
}

/** Builds the Parquet file from the export's NDJSON pieces and stores it as the piece with first seq -1. */
async function writeParquet(env: ExportJobEnv, exp: ExportRow, options: ExportOptions) {
  const parts = await exportParts(env.DB, exp.id);
  if (parts.some((p) => p.firstSeq === -1)) return;
  const records: Record<string, unknown>[] = [];
  const decoder = new TextDecoder();
  for (const p of parts) {
    if (!p.records) continue;
    for (const line of decoder.decode(await openPiece(env, exp, p, "data")).split("\n"))
      if (line) records.push(JSON.parse(line));
  }
  await writePiece(env, exp, -1, -1, 0, toParquet(records, options.fields), "");
}

registerKind<ExportJobEnv>(EXPORT_JOB_KIND, {
  async plan(env, job) {
    const { exp, ref, options } = await context(env, job);
    const bounds = unwrap(await datasetObject(env, ref).seqBounds(ref));
    const through = bounds.max ?? 0;
    if (options.through_seq === undefined) {
      await env.DB.prepare("UPDATE exports SET options = ? WHERE id = ?")
        .bind(JSON.stringify({ ...options, through_seq: through }), exp.id)
        .run();
    }
    if (bounds.min === null || bounds.max === null) return { ranges: [{ start: 1, end: 0 }], itemsTotal: 0 };
    const n = Math.max(1, Math.min(MAX_RANGES_PER_JOB, Math.ceil(bounds.count / MIN_RANGE_RECORDS)));
    const size = Math.ceil((bounds.max - bounds.min + 1) / n);
    const ranges = Array.from({ length: n }, (_, i) => ({
      start: bounds.min! + i * size,
      end: Math.min(bounds.max!, bounds.min! + (i + 1) * size - 1),
    }));
    return { ranges, itemsTotal: bounds.count };
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    const { exp, ref, options } = await context(env, job);
    const { start, end } = range.bounds as { start: number; end: number };
    const after = range.cursor === null ? start - 1 : Number(range.cursor);
    if (after >= end) return { next: null, progress: {} };
    const scope: AuditScope = { tenantId: job.tenantId, actor: job.createdBy, requestId: null, clientIp: null };
    const page = unwrap(await datasetObject(env, ref).list(ref, scope, after, CHUNK_RECORDS));
    const rows = page.items.filter((r) => r.seq <= end);
    const done =
      page.next === null || rows.length < page.items.length || (rows.length > 0 && rows[rows.length - 1].seq >= end);
    if (!rows.length) return { next: null, progress: {} };
    const fields = options.fields;
    let text = "";
    let hashes = "";
    for (const r of rows) {
      let data = JSON.parse(r.data) as Record<string, unknown>;
      if (exp.view === "anonymized") {
        const result = await anonymizeForTenant(
          env,
          job.tenantId,
          { data, operators: options.operators },
          { listItems: false },
        ).catch((err: unknown) => {
          // No retry can help: the same record collides again.
          if (err instanceof MemberNameCollision)
            throw new JobFailure("member-name-collision", `Record ${r.id}: ${err.detail}`);
          throw err;
        });
        await result.vault.flush(env.DB);
        data = result.data as Record<string, unknown>;
      }
      const out = project(data, fields);
      const canonical = fields || exp.view === "anonymized" ? canonicalJson(out) : r.data;
      hashes += `${r.seq}\t${await sha256Hex(utf8(canonical))}\n`;
      // Parquet exports keep NDJSON pieces; the finish turns them into the file.
      text += exp.format === "csv" ? csvRow(out, fields ?? []) : canonical + "\n";
    }
    const plain = utf8(text);
    await writePiece(env, exp, rows[0].seq, rows[rows.length - 1].seq, rows.length, plain, hashes);
    return {
      next: done ? null : String(rows[rows.length - 1].seq),
      progress: { items: rows.length, bytes: plain.byteLength },
    };
  },

  async finish(env, job, counters) {
    const { exp, options } = await context(env, job);
    if (exp.format === "parquet") {
      if ((counters.bytes ?? 0) > MAX_PARQUET_SOURCE_BYTES) {
        return {
          status: "failed",
          error: `Parquet exports are limited to ${MAX_PARQUET_SOURCE_BYTES} bytes of records; export NDJSON or fewer fields.`,
        };
      }
      await writeParquet(env, exp, options);
    }
    if (exp.format === "csv") {
      const header = utf8(csvHeader(options.fields ?? []));
      await writePiece(env, exp, 0, 0, 0, header, "");
    }
    const parts = await exportParts(env.DB, exp.id);
    const root = sha256.create();
    let count = 0;
    let bytes = 0;
    for (const p of parts) {
      // Parquet is served from its one file (first seq -1); the NDJSON pieces only feed it and the hashes.
      if (exp.format === "parquet" ? p.firstSeq === -1 : p.firstSeq >= 0) bytes += p.plainBytes;
      count += p.records;
      if (!p.records) continue;
      const lines = new TextDecoder().decode(await openPiece(env, exp, p, "hashes")).split("\n");
      for (const line of lines) if (line) root.update(hexToBytes(line.slice(line.indexOf("\t") + 1)));
    }
    const dataset = await db(env.DB).select().from(schema.datasets).where(eq(schema.datasets.id, exp.datasetId)).get();
    const manifest = {
      export_id: exp.id,
      dataset_id: exp.datasetId,
      dataset_version: dataset?.version ?? null,
      through_seq: options.through_seq ?? null,
      format: exp.format,
      view: exp.view,
      fields: options.fields ?? null,
      record_count: count,
      bytes,
      hash_algorithm: "sha256",
      root_hash: hex(root.digest()),
      root_hash_of:
        "SHA-256 over the concatenated 32-byte SHA-256 digests of every record's RFC 8785 canonical form as exported, in seq order",
      schema: dataset?.schema ? JSON.parse(dataset.schema) : null,
      pii_policy: dataset?.piiPolicy ? JSON.parse(dataset.piiPolicy) : null,
      exported_at: new Date().toISOString(),
    };
    // The first finish to land fixes the manifest (its time included); a repeat leaves it.
    await env.DB.prepare("UPDATE exports SET manifest = ?, bytes = ? WHERE id = ? AND manifest IS NULL")
      .bind(JSON.stringify(manifest), bytes, exp.id)
      .run();
    return { status: "succeeded", progress: { records: count } };
  },

  async discard(env, job) {
    const { exp } = await context(env, job);
    const parts = await db(env.DB)
      .select()
      .from(schema.exportParts)
      .where(eq(schema.exportParts.exportId, exp.id))
      .all();
    const keys = parts.flatMap((p) => [p.objectKey, p.hashesKey]);
    for (let i = 0; i < keys.length; i += 1000) await env.BLOBS.delete(keys.slice(i, i + 1000));
  },
});
