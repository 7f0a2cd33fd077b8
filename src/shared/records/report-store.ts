/**
 * The validation-report engine inside a DatasetObject: its `validation_report` (one row)
 * and `validation_failures` tables, chunked validation of stored records against the
 * schema snapshot taken at the start, and pages of failures. Failures' error lists are
 * sealed under the dataset's DEK (schema error messages can quote record values). The job
 * that drives it is in report.ts.
 */
import type { AuditScope } from "../audit/append";
import { aad, open, seal } from "../crypto/aes-gcm";
import { notFound } from "../errors";
import { SchemaPatternProblem } from "../json-schema/linear-regex";
import { RecordIntegrityError } from "./integrity-error";
import { utf8 } from "./canonical";
import { MAX_PAGE_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import { openRow } from "./reads";
import type { ValidationChunk, ValidationReport } from "./report";
import * as store from "./store";
import { schemaErrors, validatorFor } from "./validate";
import type { DatasetRef } from "./wire";

const decoder = new TextDecoder();
/** Records validated per queue message of a validation report. */
const REPORT_CHUNK_RECORDS = 500;
/** Failures kept (sealed) per report; the counters cover all of them. */
const REPORT_MAX_FAILURES = 1000;

interface ReportRow {
  job_id: string;
  schema: string;
  status: "running" | "complete";
  through_seq: number;
  checked: number;
  invalid: number;
  key_version: number;
  started_at: string;
  finished_at: string | null;
  [key: string]: SqlStorageValue;
}

function reportRow(sql: SqlStorage): ReportRow | undefined {
  return sql.exec<ReportRow>("SELECT * FROM validation_report WHERE id = 1").toArray()[0];
}

const failureAad = (ref: DatasetRef, jobId: string, seq: number) =>
  aad("validation-failure", ref.tenantId, ref.datasetId, jobId, seq);

/** Starts a validation report of every stored record against `schemaText`, replacing any earlier one. */
export async function startReport(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  jobId: string,
  schemaText: string,
): Promise<null> {
  const { version } = await ctx.keys.current(ref);
  const sql = ctx.storage.sql;
  ctx.storage.transactionSync(() => {
    sql.exec("DELETE FROM validation_failures");
    sql.exec(
      `INSERT OR REPLACE INTO validation_report
         (id, job_id, schema, status, through_seq, checked, invalid, key_version, started_at, finished_at)
       VALUES (1, ?, ?, 'running', 0, 0, 0, ?, ?, NULL)`,
      jobId,
      schemaText,
      version,
      new Date().toISOString(),
    );
  });
  return null;
}

/**
 * Validates the next records of a running report. Idempotent under redelivery: records
 * at or before the report's `through_seq` were counted already and are not counted twice.
 */
export async function validateChunk(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  jobId: string,
): Promise<ValidationChunk> {
  const sql = ctx.storage.sql;
  const report = reportRow(sql);
  if (!report || report.job_id !== jobId || report.status !== "running") {
    return { done: true, checked: 0, invalid: 0 };
  }
  const rows = store.recordRowsAfter(sql, report.through_seq, REPORT_CHUNK_RECORDS);
  const validator = validatorFor(report.schema);
  const key = await ctx.keys.version(ref, report.key_version);
  const failures: { seq: number; id: string; sealed: Uint8Array }[] = [];
  let bytes = 0;
  let checked = 0;
  for (const row of rows) {
    if (checked > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
    const errors = await reportErrors(ctx, ref, scope, row, validator);
    if (errors.length) {
      const sealed = await seal(key, utf8(JSON.stringify(errors)), failureAad(ref, jobId, row.seq));
      failures.push({ seq: row.seq, id: row.id, sealed });
    }
    bytes += row.size;
    checked++;
  }
  const through = checked ? rows[checked - 1].seq : report.through_seq;
  const done = checked === rows.length && rows.length < REPORT_CHUNK_RECORDS;
  const counted = ctx.storage.transactionSync(() => {
    // A redelivered or concurrent chunk that lost the race counts nothing.
    const current = reportRow(sql);
    if (!current || current.job_id !== jobId || current.through_seq !== report.through_seq) return false;
    let stored = sql.exec<{ n: number }>("SELECT count(*) AS n FROM validation_failures").one().n;
    for (const f of failures) {
      if (stored >= REPORT_MAX_FAILURES) break;
      sql.exec(
        "INSERT OR REPLACE INTO validation_failures (seq, record_id, sealed_errors) VALUES (?, ?, ?)",
        f.seq,
        f.id,
        store.exactBuffer(f.sealed),
      );
      stored++;
    }
    sql.exec(
      `UPDATE validation_report
         SET through_seq = ?, checked = checked + ?, invalid = invalid + ?, status = ?, finished_at = ?
       WHERE id = 1`,
      through,
      checked,
      failures.length,
      done ? "complete" : "running",
      done ? new Date().toISOString() : null,
    );
    return true;
  });
  if (!counted) return { done: false, checked: 0, invalid: 0 };
  return { done, checked, invalid: failures.length };
}

/**
 * The latest validation report, with a page of its failures (decrypted) after `afterSeq`.
 * @throws ProblemError 404 when no report was started.
 */
export async function reportPage(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  afterSeq: number,
  limit: number,
): Promise<ValidationReport> {
  const sql = ctx.storage.sql;
  const report = reportRow(sql);
  if (!report) throw notFound("A validation report of this dataset");
  const key = await ctx.keys.version(ref, report.key_version);
  const rows = sql
    .exec<{ seq: number; record_id: string; sealed_errors: ArrayBuffer }>(
      "SELECT seq, record_id, sealed_errors FROM validation_failures WHERE seq > ? ORDER BY seq LIMIT ?",
      afterSeq,
      limit + 1,
    )
    .toArray();
  const items = [];
  for (const r of rows.slice(0, limit)) {
    const plain = await open(key, new Uint8Array(r.sealed_errors), failureAad(ref, report.job_id, r.seq));
    items.push({ record_id: r.record_id, seq: r.seq, errors: JSON.parse(decoder.decode(plain)) });
  }
  return {
    job_id: report.job_id,
    status: report.status,
    checked: report.checked,
    invalid: report.invalid,
    started_at: report.started_at,
    finished_at: report.finished_at,
    items,
    next: rows.length > limit ? rows[limit - 1].seq : null,
  };
}

/** Schema errors of a stored record; a record that fails its integrity check is reported, not fatal. */
async function reportErrors(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  row: store.RecordRow,
  validator: ReturnType<typeof validatorFor>,
) {
  try {
    return schemaErrors(validator, JSON.parse(await openRow(ctx, ref, scope, row)), "$");
  } catch (err) {
    if (err instanceof RecordIntegrityError) {
      return [{ path: "$", message: "The record failed its integrity check." }];
    }
    // A request would be refused; a stored record is reported, and the report goes on.
    if (err instanceof SchemaPatternProblem) return [{ path: "$", message: err.message }];
    throw err;
  }
}
