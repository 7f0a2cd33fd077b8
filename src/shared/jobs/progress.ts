/**
 * A job's live progress for GET /jobs/{id} and its event stream: counters summed over its
 * ranges, the planned totals, records per second and an ETA (from bytes when the item
 * total is unknown), each range's status, and the first errors with line numbers.
 */
import type { schema } from "../db/client";
import type { JobDetail } from "../schema/jobs";
import { sumCounters } from "./run";
import { toJob } from "./service";

type JobRow = typeof schema.jobs.$inferSelect;

/** Errors shown inline; the full list is the import's error report. */
export const FIRST_ERRORS = 5;

export async function jobDetail(d1: D1Database, row: JobRow): Promise<JobDetail> {
  const [ranges, errors] = await d1.batch([
    d1
      .prepare(
        "SELECT range_no, status, cursor, counters, attempts, error FROM job_ranges WHERE job_id = ? ORDER BY range_no",
      )
      .bind(row.id),
    d1
      .prepare(
        "SELECT range_no, line, path, reason FROM job_errors WHERE job_id = ? ORDER BY range_no, line, n LIMIT ?",
      )
      .bind(row.id, FIRST_ERRORS),
  ]);
  const rangeRows = ranges.results as {
    range_no: number;
    status: string;
    cursor: string | null;
    counters: string;
    attempts: number;
    error: string | null;
  }[];
  const job = toJob(row);
  const live = rangeRows.length ? sumCounters(rangeRows) : job.progress;
  const itemsDone = live.items ?? 0;
  const bytesDone = live.bytes ?? 0;
  const end = row.finishedAt ? Date.parse(row.finishedAt) : Date.now();
  const seconds = row.startedAt ? Math.max(0.001, (end - Date.parse(row.startedAt)) / 1000) : null;
  const rate = seconds ? itemsDone / seconds : null;
  let eta: number | null = null;
  if (seconds && !row.finishedAt) {
    if (row.itemsTotal && itemsDone) eta = ((row.itemsTotal - itemsDone) / itemsDone) * seconds;
    else if (row.bytesTotal && bytesDone) eta = ((row.bytesTotal - bytesDone) / bytesDone) * seconds;
  }
  return {
    ...job,
    progress: { ...job.progress, ...live },
    totals: { items: row.itemsTotal, bytes: row.bytesTotal },
    records_per_second: rate === null ? null : Math.round(rate * 10) / 10,
    eta_seconds: eta === null ? null : Math.max(0, Math.round(eta)),
    ranges: rangeRows.map((r) => ({
      range: r.range_no,
      status: r.status as "pending" | "running" | "done" | "failed",
      counters: JSON.parse(r.counters) as Record<string, number>,
      attempts: r.attempts,
      error: r.error,
    })),
    first_errors: (errors.results as { range_no: number; line: number; path: string; reason: string }[]).map((e) => ({
      line: absoluteLine(rangeRows, e.range_no, e.line),
      path: e.path,
      reason: e.reason,
    })),
  };
}

/**
 * A line number in the whole input from one counted within its range: ranges count their
 * lines as they go (counter `lines`), so this is exact once the earlier ranges are done.
 */
export function absoluteLine(ranges: { range_no: number; counters: string }[], rangeNo: number, line: number): number {
  let before = 0;
  for (const r of ranges)
    if (r.range_no < rangeNo) before += (JSON.parse(r.counters) as Record<string, number>).lines ?? 0;
  return before + line;
}
