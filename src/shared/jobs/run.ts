/**
 * The job engine: a job is split into ranges that run in parallel, each range advances in
 * chunks, one queue message per chunk. Delivery is at least once, so every step is keyed:
 *
 *   start   plans the ranges (INSERT OR IGNORE, so a second start inserts nothing) and
 *           sends one message per range;
 *   chunk   runs the next chunk of a range from the cursor stored in D1 (not the one in the
 *           message), then applies it with a compare-and-set on the range's `step`: of two
 *           copies of a chunk, delivered twice or running at once, one lands and the other
 *           changes nothing and sends nothing, so the chain never forks. A copy that crashed
 *           after its compare-and-set is redelivered and runs the range's next chunk;
 *   finish  once every range is done (or failed) commits or reports the job; the job's
 *           status moves with a compare-and-set, so it is finished and audited once.
 *
 * A kind's chunk must itself be keyed (e.g. staged rows keyed by line number), so running
 * it twice has the effect of running it once; the engine makes counters, continuation and
 * the finish exact.
 */
import { auditLogObject, toEventInput, type AuditEnv } from "../audit/append";
import { InvalidAuditEvent, normalizeEventInput } from "../audit/event";
import { DomainError } from "../errors";
import { dropCreatedDataset, type CreatedDatasetEnv } from "./created-dataset";
import type { JobChunkMessage, JobMessage } from "../queue/messages";
import type { schema } from "../db/client";

export interface JobEnv extends AuditEnv {
  DB: D1Database;
  JOBS: Queue;
}

export type JobRow = typeof schema.jobs.$inferSelect;

/** A range as a chunk sees it. */
export interface RangeState {
  rangeNo: number;
  /** Kind-specific bounds, as the plan gave them. */
  bounds: Record<string, unknown>;
  /** Where the next chunk starts; null before the first. */
  cursor: string | null;
  counters: Record<string, number>;
}

/** What one chunk did: where the range continues (null when it is done) and counters to add. */
export interface ChunkResult {
  next: string | null;
  progress: Record<string, number>;
}

export interface Plan {
  ranges: Record<string, unknown>[];
  itemsTotal?: number | null;
  bytesTotal?: number | null;
}

export type FinalStatus = "succeeded" | "failed" | "partially_failed";

export interface Finish {
  status: FinalStatus;
  error?: string | null;
  /** Extra counters for the job's progress and finish event. */
  progress?: Record<string, number>;
}

/**
 * Thrown by a kind's plan, chunk or finish when the job cannot go on whatever is retried (its dataset was deleted):
 * the engine discards what the job staged and removes a dataset it created (as after a cancel), then ends the job
 * `failed` with `<slug>: <detail>` as its error, once. Anything else thrown is retried.
 */
export class JobFailure extends DomainError {}

/** What a job kind supplies. Every function may run more than once for the same input. */
export interface JobKind<E extends JobEnv = JobEnv> {
  /** Splits the job into ranges (at most MAX_RANGES_PER_JOB); default: one range. */
  plan?: (env: E, job: JobRow) => Promise<Plan>;
  chunk: (env: E, job: JobRow, range: RangeState) => Promise<ChunkResult>;
  /** Once every range is done: commit what the chunks staged. Default: succeeded. */
  finish?: (env: E, job: JobRow, counters: Record<string, number>) => Promise<Finish>;
  /** After a cancel, or an outcome that keeps nothing: remove what the chunks staged. */
  discard?: (env: E, job: JobRow) => Promise<void>;
  /**
   * Milliseconds one delivery keeps running chunks of a range before handing on to a new message
   * (default CHUNK_TIME_BUDGET_MS). A kind whose chunks are cheap to redo takes more, since each
   * hand-on waits for the queue's next batch.
   */
  budgetMs?: number;
}

/** Ranges of one job running at once. */
export const MAX_RANGES_PER_JOB = 8;
/** Jobs of one tenant running at once; the start of another waits (re-queued with a delay). */
export const MAX_RUNNING_JOBS_PER_TENANT = 4;
/** How long one delivery keeps running chunks of its range before handing on to a new message (a kind may set its own). */
export const CHUNK_TIME_BUDGET_MS = 2000;
/** Seconds a start waits when the tenant is at its limit. */
export const START_DELAY_SECONDS = 5;
/**
 * Deliveries of one message before the queue moves it to the dead-letter queue: the
 * consumer's wrangler.toml sets max_retries to this (tests use fewer).
 */
export const MAX_ATTEMPTS = 5;

const TERMINAL = new Set(["succeeded", "failed", "partially_failed", "cancelled"]);
const kinds = new Map<string, JobKind<never>>();

/** Registers a job kind (each kind's module calls this once, on import). */
export function registerKind<E extends JobEnv>(kind: string, spec: JobKind<E>): void {
  kinds.set(kind, spec as JobKind<never>);
}

/** A single-range kind given as one chunk function (cursor in, next cursor out). */
export function registerJobKind<E extends JobEnv>(
  kind: string,
  handler: (env: E, job: JobRow, cursor: string | null) => Promise<ChunkResult>,
): void {
  registerKind<E>(kind, { chunk: (env, job, range) => handler(env, job, range.cursor) });
}

const now = () => new Date().toISOString();

async function loadJob(env: JobEnv, jobId: string, tenantId: string): Promise<JobRow | null> {
  const row = await env.DB.prepare("SELECT * FROM jobs WHERE id = ? AND tenant_id = ?")
    .bind(jobId, tenantId)
    .first<Record<string, unknown>>();
  return row ? toJobRow(row) : null;
}

/** D1 rows come back with column names; the engine reads them raw for its compare-and-sets. */
function toJobRow(r: Record<string, unknown>): JobRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    datasetId: (r.dataset_id as string | null) ?? null,
    kind: r.kind as string,
    status: r.status as JobRow["status"],
    params: r.params as string,
    progress: r.progress as string,
    error: (r.error as string | null) ?? null,
    itemsTotal: (r.items_total as number | null) ?? null,
    bytesTotal: (r.bytes_total as number | null) ?? null,
    startedAt: (r.started_at as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    finishedAt: (r.finished_at as string | null) ?? null,
  };
}

interface RangeRow {
  range_no: number;
  status: "pending" | "running" | "done" | "failed";
  bounds: string;
  cursor: string | null;
  step: number;
  counters: string;
}

/**
 * A job's counters as audit details. Counters named `<counter>.<name>` (a scan's `findings.SECRETS`,
 * `records.SECRETS`) carry the name as a value, `by_type: [{type: "SECRETS", findings: 3, records: 1}]`, never as
 * a member name: an entity type like SECRETS or PASSWORD would read as a secret-bearing field and the audit would
 * refuse the event. The others stay under `counters`.
 */
export function auditCounters(counters: Record<string, number>): {
  counters: Record<string, number>;
  by_type?: Record<string, string | number>[];
} {
  const plain: Record<string, number> = {};
  const byType = new Map<string, Record<string, string | number>>();
  for (const [k, v] of Object.entries(counters)) {
    const dot = k.indexOf(".");
    if (dot < 0) {
      plain[k] = v;
      continue;
    }
    const type = k.slice(dot + 1);
    const row = byType.get(type) ?? { type };
    row[k.slice(0, dot)] = v;
    byType.set(type, row);
  }
  return byType.size ? { counters: plain, by_type: [...byType.values()] } : { counters: plain };
}

/**
 * The job.finish event, checked before anything is sent. Details the audit refuses (a producer bug) must not cost
 * the event: it is written without them, says so in `audit_note`, and the refusal is logged.
 */
function finishEvent(job: JobRow, outcome: "success" | "error", details: Record<string, unknown>, eventId: string) {
  const scope = { tenantId: job.tenantId, actor: "system", requestId: null, clientIp: null };
  const { counters, ...rest } = details;
  const entry = (d: Record<string, unknown>) => ({
    action: "job.finish",
    outcome,
    resource: { job_id: job.id, ...(job.datasetId ? { dataset_id: job.datasetId } : {}) },
    details: { kind: job.kind, ...d },
  });
  const full = { ...rest, ...(counters ? auditCounters(counters as Record<string, number>) : {}) };
  try {
    return normalizeEventInput(toEventInput(scope, entry(full), eventId));
  } catch (err) {
    if (!(err instanceof InvalidAuditEvent)) throw err;
    console.error(
      JSON.stringify({ message: "job.finish details refused by the audit", job_id: job.id, error: err.message }),
    );
    return normalizeEventInput(
      toEventInput(
        scope,
        entry({ status: rest.status, audit_note: `details withheld: ${err.message}`.slice(0, 500) }),
        eventId,
      ),
    );
  }
}

/**
 * The id of a job's finish event: fixed per run of the job (POST /jobs/{id}/retry counts runs in `params.retries`),
 * so copies of a finish append it once and a retried job's new finish is a new event.
 */
const finishEventId = (job: JobRow) =>
  `evt_finish_${job.id}_${(JSON.parse(job.params) as { retries?: number }).retries ?? 0}`;

const chunkMessage = (
  job: Pick<JobRow, "id" | "tenantId">,
  range: number,
  cursor: string | null = null,
): JobMessage => ({
  type: "job.chunk",
  job_id: job.id,
  tenant_id: job.tenantId,
  cursor,
  range,
});

const finishMessage = (job: Pick<JobRow, "id" | "tenantId">): JobMessage => ({
  type: "job.finish",
  job_id: job.id,
  tenant_id: job.tenantId,
});

/** Handles one message of the jobs queue. Throws on a failure worth retrying. */
export async function runJobMessage<E extends JobEnv>(env: E, message: JobMessage): Promise<void> {
  const job = await loadJob(env, message.job_id, message.tenant_id);
  // Unknown jobs, or another tenant's id in a message: nothing to do.
  if (!job) return;
  if (message.type === "job.finish") return finishJob(env, job);
  if (TERMINAL.has(job.status)) return;
  const kind = kinds.get(job.kind) as JobKind<E> | undefined;
  if (!kind) {
    await endJob(env, job, { status: "failed", error: `unknown job kind '${job.kind}'` }, { reason: "unknown kind" });
    return;
  }
  if (message.range === undefined) return startJob(env, kind, job);
  return runChunk(env, kind, job, message.range);
}

/** Kept for callers of the previous engine: a chunk message, whatever its range. */
export const runJobChunk = (env: JobEnv, message: JobChunkMessage) => runJobMessage(env, message);

async function startJob<E extends JobEnv>(env: E, kind: JobKind<E>, job: JobRow): Promise<void> {
  const existing = await env.DB.prepare(
    "SELECT range_no, status, step FROM job_ranges WHERE job_id = ? ORDER BY range_no",
  )
    .bind(job.id)
    .all<RangeRow>();
  let ranges = existing.results;
  if (!ranges.length) {
    if (job.status === "queued") {
      const running = await env.DB.prepare("SELECT count(*) AS n FROM jobs WHERE tenant_id = ? AND status = 'running'")
        .bind(job.tenantId)
        .first<{ n: number }>();
      if ((running?.n ?? 0) >= MAX_RUNNING_JOBS_PER_TENANT) {
        await env.JOBS.send(
          { type: "job.chunk", job_id: job.id, tenant_id: job.tenantId, cursor: null } satisfies JobMessage,
          { delaySeconds: START_DELAY_SECONDS },
        );
        return;
      }
    }
    let plan: Plan;
    try {
      plan = kind.plan ? await kind.plan(env, job) : { ranges: [{}] };
    } catch (err) {
      if (err instanceof JobFailure) return failJob(env, kind, job, err);
      throw err;
    }
    if (plan.ranges.length < 1 || plan.ranges.length > MAX_RANGES_PER_JOB)
      throw new Error(`a plan must have 1..${MAX_RANGES_PER_JOB} ranges`);
    const at = now();
    const stmts = plan.ranges.map((bounds, i) =>
      env.DB.prepare(
        "INSERT OR IGNORE INTO job_ranges (job_id, range_no, status, bounds, updated_at) VALUES (?, ?, 'pending', ?, ?)",
      ).bind(job.id, i, JSON.stringify(bounds), at),
    );
    stmts.push(
      env.DB.prepare(
        "UPDATE jobs SET status = 'running', items_total = ?, bytes_total = ?, started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
      ).bind(plan.itemsTotal ?? null, plan.bytesTotal ?? null, at, at, job.id),
    );
    await env.DB.batch(stmts);
    ranges = (
      await env.DB.prepare("SELECT range_no, status, step FROM job_ranges WHERE job_id = ? ORDER BY range_no")
        .bind(job.id)
        .all<RangeRow>()
    ).results;
  }
  // Ranges not yet started get their first message; a duplicate start sends duplicates, which the step compare-and-set absorbs.
  const fresh = ranges.filter((r) => r.status === "pending" && r.step === 0);
  if (fresh.length) await env.JOBS.sendBatch(fresh.map((r) => ({ body: chunkMessage(job, r.range_no) })));
  // Every range already ended (a start re-sent for a job that planned long ago): only the finish can move it.
  else if (ranges.every((r) => r.status === "done" || r.status === "failed")) await env.JOBS.send(finishMessage(job));
}

/**
 * Runs chunks of a range: after each one lands, the next runs in the same delivery while
 * CHUNK_TIME_BUDGET_MS lasts (a queue hop costs up to the batch timeout), then the range
 * continues in a new message. Every chunk is its own compare-and-set, so a cancel still
 * stops the range within one chunk.
 */
async function runChunk<E extends JobEnv>(env: E, kind: JobKind<E>, job: JobRow, rangeNo: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const next = await runOneChunk(env, kind, job, rangeNo);
    if (next === "stop") return;
    if (next === null) {
      // The range is done: finish here rather than one queue hop later (the finish is a
      // compare-and-set, so the last range to land finishes the job). If this throws, the
      // redelivered message finds the range done and sends the finish message.
      const fresh = await loadJob(env, job.id, job.tenantId);
      if (fresh) await finishJob(env, fresh);
      return;
    }
    if (Date.now() - started >= (kind.budgetMs ?? CHUNK_TIME_BUDGET_MS)) {
      await env.JOBS.send(chunkMessage(job, rangeNo, next));
      return;
    }
  }
}

/** One chunk: "stop" when there is nothing to do or another copy won, else where the range continues (null: done). */
async function runOneChunk<E extends JobEnv>(
  env: E,
  kind: JobKind<E>,
  job: JobRow,
  rangeNo: number,
): Promise<string | null | "stop"> {
  const range = await env.DB.prepare("SELECT * FROM job_ranges WHERE job_id = ? AND range_no = ?")
    .bind(job.id, rangeNo)
    .first<RangeRow>();
  if (!range) return "stop";
  if (range.status === "done" || range.status === "failed") {
    // A copy redelivered after its range finished: make sure the finish was asked for.
    await env.JOBS.send(finishMessage(job));
    return "stop";
  }
  const counters = JSON.parse(range.counters) as Record<string, number>;
  let result: ChunkResult;
  try {
    result = await kind.chunk(env, job, { rangeNo, bounds: JSON.parse(range.bounds), cursor: range.cursor, counters });
  } catch (err) {
    if (!(err instanceof JobFailure)) throw err;
    await failJob(env, kind, job, err);
    return "stop";
  }
  for (const [k, v] of Object.entries(result.progress)) counters[k] = (counters[k] ?? 0) + v;
  const done = result.next === null;
  const at = now();
  const [applied] = await env.DB.batch([
    // The compare-and-set: only the copy that still sees `step` where it read it lands, and only while the job is live.
    env.DB.prepare(
      `UPDATE job_ranges SET cursor = ?, step = step + 1, counters = ?, status = ?, attempts = 0, error = NULL, updated_at = ?
       WHERE job_id = ? AND range_no = ? AND step = ? AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status IN ('queued', 'running'))`,
    ).bind(result.next, JSON.stringify(counters), done ? "done" : "running", at, job.id, rangeNo, range.step, job.id),
    env.DB.prepare(
      "UPDATE jobs SET status = 'running', started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
    ).bind(at, at, job.id),
  ]);
  if (!applied.meta.changes) return "stop";
  return result.next;
}

/** Sums the counters of a job's ranges. */
export function sumCounters(ranges: { counters: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of ranges)
    for (const [k, v] of Object.entries(JSON.parse(r.counters) as Record<string, number>)) out[k] = (out[k] ?? 0) + v;
  return out;
}

async function finishJob<E extends JobEnv>(env: E, job: JobRow): Promise<void> {
  const kind = kinds.get(job.kind) as JobKind<E> | undefined;
  if (job.status === "cancelled") {
    await kind?.discard?.(env, job);
    // The consumer's env has the dataset objects; an output dataset the job made goes with it.
    await dropCreatedDataset(env as unknown as CreatedDatasetEnv, job, "job_cancelled");
    return;
  }
  if (TERMINAL.has(job.status) || !kind) return;
  const ranges = (
    await env.DB.prepare("SELECT range_no, status, counters FROM job_ranges WHERE job_id = ?")
      .bind(job.id)
      .all<RangeRow>()
  ).results;
  if (!ranges.length || ranges.some((r) => r.status === "pending" || r.status === "running")) return;
  const counters = sumCounters(ranges);
  const failed = ranges.filter((r) => r.status === "failed").length;
  if (failed) {
    // Nothing is committed: what the done ranges staged stays staged for POST /jobs/{id}/retry.
    const status: FinalStatus = failed === ranges.length ? "failed" : "partially_failed";
    await endJob(
      env,
      job,
      {
        status,
        error: `${failed} of ${ranges.length} ranges failed after every retry; POST /jobs/${job.id}/retry resumes them`,
      },
      { counters, failed_ranges: failed },
    );
    return;
  }
  let outcome: Finish;
  try {
    outcome = kind.finish ? await kind.finish(env, job, counters) : { status: "succeeded" };
  } catch (err) {
    if (err instanceof JobFailure) return failJob(env, kind, job, err, counters);
    throw err;
  }
  await endJob(env, job, outcome, { counters: { ...counters, ...(outcome.progress ?? {}) } });
}

/**
 * Ends a live job `failed` for a JobFailure. What it staged goes first, so a crash before the end leaves the job
 * running and the redelivered message (which meets the same failure) discards again, idempotently, then ends it.
 */
async function failJob<E extends JobEnv>(
  env: E,
  kind: JobKind<E>,
  job: JobRow,
  err: JobFailure,
  counters?: Record<string, number>,
): Promise<void> {
  await kind.discard?.(env, job);
  await dropCreatedDataset(env as unknown as CreatedDatasetEnv, job, "job_failed");
  const error = `${err.slug}: ${err.detail ?? ""}`;
  await endJob(env, job, { status: "failed", error }, { reason: err.slug, ...(counters ? { counters } : {}) });
  // Its unfinished ranges fail with it, so POST /jobs/{id}/retry resumes them (and meets the same failure if it holds).
  await env.DB.prepare(
    "UPDATE job_ranges SET status = 'failed', error = ?, updated_at = ? WHERE job_id = ? AND status IN ('pending', 'running')",
  )
    .bind(error.slice(0, 300), now(), job.id)
    .run();
}

/**
 * Moves a live job to its final status once, after its job.finish event is stored (one event per run of the job,
 * however many copies get here). A failed append throws, leaving the job live for the retried message.
 */
async function endJob(env: JobEnv, job: JobRow, outcome: Finish, details: Record<string, unknown>): Promise<void> {
  const at = now();
  const progress = (details.counters as Record<string, number> | undefined) ?? JSON.parse(job.progress);
  const event = finishEvent(
    job,
    outcome.status === "succeeded" ? "success" : "error",
    {
      status: outcome.status,
      ...details,
    },
    finishEventId(job),
  );
  // Audited before the status moves, under a fixed id: if the append fails the job stays live and the message is
  // retried (never a finished job without its event), and copies that both get here store the event once.
  await auditLogObject(env, job.tenantId).append([event]);
  await env.DB.prepare(
    "UPDATE jobs SET status = ?, error = ?, progress = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
  )
    .bind(outcome.status, outcome.error?.slice(0, 500) ?? null, JSON.stringify(progress), at, at, job.id)
    .run();
}

/** A failure's description for the range row and logs: never record content. */
export function describeFailure(err: unknown): string {
  if (err instanceof DomainError) return `${err.slug}: ${err.detail ?? ""}`.slice(0, 300);
  return err instanceof Error ? err.name : "error";
}

/** Records a failed delivery of a chunk on its range (attempts and the last error). */
export async function noteFailure(env: JobEnv, message: JobMessage, err: unknown): Promise<void> {
  if (message.type !== "job.chunk" || message.range === undefined) return;
  await env.DB.prepare(
    "UPDATE job_ranges SET attempts = attempts + 1, error = ?, updated_at = ? WHERE job_id = ? AND range_no = ?",
  )
    .bind(describeFailure(err), now(), message.job_id, message.range)
    .run();
}

/**
 * A message that failed its last attempt, taken from the dead-letter queue: its range is
 * marked failed (what it had applied stays applied), and the job finishes as failed or
 * partially_failed once no range is still running.
 */
export async function deadLetter(env: JobEnv, message: JobMessage): Promise<void> {
  const job = await loadJob(env, message.job_id, message.tenant_id);
  if (!job || TERMINAL.has(job.status)) return;
  if (message.type === "job.chunk" && message.range !== undefined) {
    await env.DB.prepare(
      "UPDATE job_ranges SET status = 'failed', error = coalesce(error, 'out of retries'), updated_at = ? WHERE job_id = ? AND range_no = ? AND status IN ('pending', 'running')",
    )
      .bind(now(), job.id, message.range)
      .run();
    await finishJob(env, job);
    return;
  }
  await endJob(
    env,
    job,
    {
      status: "failed",
      error: message.type === "job.finish" ? "the job could not be finished" : "the job could not be started",
    },
    { reason: "out of retries" },
  );
}

/** Sends the messages that resume a failed job's failed ranges (or its start, if it never planned). */
export async function resumeMessages(
  env: JobEnv,
  job: Pick<JobRow, "id" | "tenantId">,
  ranges: number[],
): Promise<void> {
  if (!ranges.length)
    await env.JOBS.send({
      type: "job.chunk",
      job_id: job.id,
      tenant_id: job.tenantId,
      cursor: null,
    } satisfies JobMessage);
  else await env.JOBS.sendBatch(ranges.map((r) => ({ body: chunkMessage(job, r) })));
}

/** Asks the consumer to run the job's finish step (after a cancel, to discard what was staged). */
export const requestFinish = (env: JobEnv, job: Pick<JobRow, "id" | "tenantId">) => env.JOBS.send(finishMessage(job));
