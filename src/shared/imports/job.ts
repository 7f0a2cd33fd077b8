/**
 * The import job (kind `dataset.import`): ranges of the uploaded file run in parallel; each
 * chunk reads its lines from the sealed file, prepares them like any write, stages the
 * valid ones in the DatasetObject (keyed by byte offset) and records the invalid ones in
 * `job_errors` (keyed by range and line). The finish commits everything staged in file
 * order, or with `on_error: "abort"` and any invalid line, discards it: nothing stored.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AuditScope } from "../audit/append";
import { db, schema } from "../db/client";
import { MAX_RANGES_PER_JOB, registerKind, type ChunkResult, type JobEnv, type JobRow } from "../jobs/run";
import type { StageItem } from "../records/bulk-write";
import { datasetKeyRow, unwrapDatasetKey } from "../crypto/dataset-keys";
import { datasetObject } from "../records/object";
import { unwrap } from "../records/wire";
import { startSearchRebuild } from "../search/rebuild";
import { enabledSearch } from "../search/settings";
import { csvChunk } from "./csv";
import { ERRORS_PER_RANGE, MIN_RANGE_BYTES } from "./limits";
import { parseLine, prepareLine } from "./lines";
import { firstCursor, nextLines, type LineCursor } from "./ndjson";
import { parquetChunk, parquetPlan } from "./parquet";
import { readPlain } from "./sealed-object";
import type { SourceChunk, SourceItem } from "./source";

export const IMPORT_JOB_KIND = "dataset.import";

export type ImportJobEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "BLOBS">;
type ImportRow = typeof schema.imports.$inferSelect;

async function context(env: ImportJobEnv, job: JobRow) {
  const { import_id: importId } = JSON.parse(job.params) as { import_id: string };
  const imp = await db(env.DB)
    .select()
    .from(schema.imports)
    .where(and(eq(schema.imports.id, importId), eq(schema.imports.tenantId, job.tenantId)))
    .get();
  if (!imp) throw new Error("import row missing");
  const ref = { tenantId: job.tenantId, datasetId: imp.datasetId };
  return { imp, ref, binding: { ...ref, importId: imp.id } };
}

/** Reads plaintext of the import's sealed file. */
export async function fileReader(env: ImportJobEnv, imp: ImportRow) {
  const key = await unwrapDatasetKey(env, await datasetKeyRow(env.DB, imp.tenantId, imp.datasetId, imp.keyVersion));
  const binding = { tenantId: imp.tenantId, datasetId: imp.datasetId, importId: imp.id };
  return (start: number, end: number) => readPlain(env.BLOBS, imp.objectKey, key, binding, start, end, imp.bytes ?? 0);
}

async function ndjsonChunk(
  read: (s: number, e: number) => Promise<Uint8Array>,
  imp: ImportRow,
  bounds: { start: number; end: number },
  cursor: string | null,
): Promise<SourceChunk> {
  const at: LineCursor = cursor ? JSON.parse(cursor) : firstCursor(bounds.start);
  const { lines, next, bytes, through } = await nextLines(read, at, bounds.end, imp.bytes ?? 0);
  const items: SourceItem[] = lines.map((l) => {
    if (!l.bytes)
      return {
        pos: l.pos,
        line: l.line,
        errors: [{ path: "$", message: "The line is longer than the 2 MiB line limit." }],
      };
    const parsed = parseLine(l.bytes);
    return parsed.ok
      ? { pos: l.pos, line: l.line, value: parsed.value }
      : { pos: l.pos, line: l.line, errors: parsed.errors };
  });
  return { items, next: next ? JSON.stringify(next) : null, lines: through - at.l, bytes };
}

registerKind<ImportJobEnv>(IMPORT_JOB_KIND, {
  async plan(env, job) {
    const { imp } = await context(env, job);
    const total = imp.bytes ?? 0;
    if (imp.format === "parquet") return parquetPlan(await fileReader(env, imp), total, imp.id);
    // CSV quotes may hold newlines, so a CSV file is read front to back as one range.
    const n = imp.format === "csv" ? 1 : Math.max(1, Math.min(MAX_RANGES_PER_JOB, Math.ceil(total / MIN_RANGE_BYTES)));
    const size = Math.ceil(total / n);
    return {
      ranges: Array.from({ length: n }, (_, i) => ({ start: i * size, end: i === n - 1 ? total : (i + 1) * size })),
      bytesTotal: total,
    };
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    const { imp, ref } = await context(env, job);
    const dataset = await db(env.DB)
      .select()
      .from(schema.datasets)
      .where(
        and(
          eq(schema.datasets.id, imp.datasetId),
          eq(schema.datasets.tenantId, job.tenantId),
          isNull(schema.datasets.deletedAt),
        ),
      )
      .get();
    // A dataset deleted meanwhile: nothing more to import.
    if (!dataset) return { next: null, progress: {} };
    const read = await fileReader(env, imp);
    const bounds = range.bounds as { start: number; end: number };
    const source =
      imp.format === "ndjson"
        ? await ndjsonChunk(read, imp, bounds, range.cursor)
        : imp.format === "csv"
          ? await csvChunk(read, imp, dataset.schema, range.cursor)
          : await parquetChunk(read, imp, bounds, range.cursor);
    const staged: StageItem[] = [];
    const errors: { line: number; n: number; path: string; reason: string }[] = [];
    let failed = 0;
    for (const item of source.items) {
      const outcome = item.errors
        ? { ok: false as const, errors: item.errors }
        : await prepareLine(env, dataset, item.value);
      if (outcome.ok) staged.push({ pos: item.pos, ...outcome.record });
      else {
        failed++;
        outcome.errors
          .slice(0, 20)
          .forEach((e, n) => errors.push({ line: item.line, n, path: e.path, reason: e.message }));
      }
    }
    if (staged.length) unwrap(await datasetObject(env, ref).stageImport(ref, imp.id, staged));
    const room = ERRORS_PER_RANGE - (range.counters.failed ?? 0);
    const kept = errors.slice(0, Math.max(0, room));
    for (let i = 0; i < kept.length; i += 50) {
      await env.DB.batch(
        kept
          .slice(i, i + 50)
          .map((e) =>
            env.DB.prepare(
              "INSERT OR IGNORE INTO job_errors (job_id, range_no, line, n, path, reason) VALUES (?, ?, ?, ?, ?, ?)",
            ).bind(job.id, range.rangeNo, e.line, e.n, e.path.slice(0, 500), e.reason.slice(0, 500)),
          ),
      );
    }
    return { next: source.next, progress: { items: staged.length, failed, lines: source.lines, bytes: source.bytes } };
  },

  async finish(env, job, counters) {
    const { imp, ref } = await context(env, job);
    const stub = datasetObject(env, ref);
    if (imp.onError === "abort" && (counters.failed ?? 0) > 0) {
      unwrap(await stub.discardImport(ref, imp.id));
      return {
        status: "failed",
        error: `${counters.failed} invalid lines; on_error is abort, so nothing was imported (see the error report)`,
        progress: { imported: 0 },
      };
    }
    const scope: AuditScope = { tenantId: job.tenantId, actor: job.createdBy, requestId: null, clientIp: null };
    const result = unwrap(await stub.commitImport(ref, scope, imp.id, job.id));
    if (result.search_stale) {
      // Search settings or keys changed between staging and commit: the staged blind documents
      // no longer fit the index, so the records are indexed by a rebuild instead.
      const [dataset] = await db(env.DB)
        .select({ id: schema.datasets.id, tenantId: schema.datasets.tenantId, search: schema.datasets.search })
        .from(schema.datasets)
        .where(and(eq(schema.datasets.id, ref.datasetId), eq(schema.datasets.tenantId, ref.tenantId)));
      if (dataset && enabledSearch(dataset)) await startSearchRebuild(env, scope, dataset, "import");
    }
    return { status: "succeeded", progress: { imported: result.count } };
  },

  async discard(env, job) {
    const { imp, ref } = await context(env, job);
    unwrap(await datasetObject(env, ref).discardImport(ref, imp.id));
  },
});
