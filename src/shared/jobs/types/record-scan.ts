/**
 * Detection of one record inside a dataset job, and what a record the tenant's recognizers
 * cannot finish on costs the job.
 *
 * A request's tenant-pattern budget (TENANT_SCAN_BUDGET work, TENANT_MAX_MATCHES matches; see
 * pii/tenant-scan.ts) is what one record may cost in a job: each record gets a fresh
 * ScanBudget, so a chunk of thousands of ordinary records never runs into a limit that was
 * sized for one request, while a single hostile record is still bounded. A record that goes
 * past its own budget is not passed as clean (no "no PII" for text nobody finished reading):
 * the job skips it (a scan leaves it out of the report, an anonymize leaves it unchanged or
 * out of the copy), counts it as `scan_limited`, and lists it among the job's errors
 * (`job_errors`: line = the record's seq, reason names the record id and the recognizer).
 */
import { ProblemError } from "../../errors";
import type { PreparedOptions } from "../../pii/detect";
import { detectJsonWithNames } from "../../pii/member-names";
import { ScanBudget } from "../../pii/tenant-scan";
import type { Finding } from "../../pii/types";
import type { JobEnv } from "../run";

/** Errors a range keeps in `job_errors`; the counter `scan_limited` still counts every skipped record. */
export const SCAN_LIMIT_ERRORS_PER_RANGE = 100;

/** A record skipped because the tenant's recognizers went past its scan budget. */
export interface ScanLimited {
  scanLimited: true;
  /** The 413's detail: which recognizer reached which limit, never record content. */
  reason: string;
}

const perRecordOptions = new WeakMap<PreparedOptions, PreparedOptions>();

/**
 * The findings of one record (values and member names) within a scan budget of its own, or
 * ScanLimited when a tenant recognizer went past it. Other errors propagate.
 */
export function detectRecord(data: unknown, opts: PreparedOptions): Finding[] | ScanLimited {
  // One copy of the chunk's options whose budget is renewed per record, not a copy per record: member-names keeps
  // its cache of names' findings per options object, and the records of a chunk share their names.
  let own = perRecordOptions.get(opts);
  if (!own) perRecordOptions.set(opts, (own = { ...opts }));
  own.budget = new ScanBudget();
  try {
    return detectJsonWithNames(data, own);
  } catch (err) {
    if (err instanceof ProblemError && err.slug === "scan-limit-exceeded")
      return { scanLimited: true, reason: err.detail ?? err.slug };
    throw err;
  }
}

export const isScanLimited = (r: unknown): r is ScanLimited =>
  typeof r === "object" && r !== null && (r as ScanLimited).scanLimited === true;

/**
 * Lists skipped records among the job's errors, keyed (job, range, seq), so a chunk run twice
 * lists each once. `already` is how many the range listed before (its `scan_limited` counter).
 */
export async function noteScanLimited(
  env: Pick<JobEnv, "DB">,
  jobId: string,
  rangeNo: number,
  already: number,
  skipped: { seq: number; id: string; reason: string }[],
): Promise<void> {
  const kept = skipped.slice(0, Math.max(0, SCAN_LIMIT_ERRORS_PER_RANGE - already));
  if (!kept.length) return;
  await env.DB.batch(
    kept.map((s) =>
      env.DB.prepare(
        "INSERT OR IGNORE INTO job_errors (job_id, range_no, line, n, path, reason) VALUES (?, ?, ?, 0, '$', ?)",
      ).bind(jobId, rangeNo, s.seq, `record ${s.id} was skipped: scan-limit-exceeded: ${s.reason}`.slice(0, 500)),
    ),
  );
}

/** The job's error note when records were skipped for their scan budget (null when none were). */
export function scanLimitNote(counters: Record<string, number>, what: string): string | null {
  const n = counters.scan_limited ?? 0;
  if (!n) return null;
  return (
    `scan-limit-exceeded: ${n} records ${what}: the tenant's custom recognizers went past the work one record may ` +
    `cost (see first_errors for the record ids).`
  );
}
