/**
 * The rewrap-tenant job (kind `rewrap-tenant`): the operator's master-key (and, with
 * `rotate_kek`, KEK) rotation across one tenant, on the job engine (run.ts).
 *
 * The plan fixes, once, the newest master version, the KEK version everything moves to (a
 * new one made here with `rotate_kek`, else the newest) and the split of the tenant's
 * datasets into ranges by id. Range 0 re-wraps the tenant's KEKs under the newest master
 * (master-rotation.ts), then its tenant secrets, then its transit key versions under the
 * target KEK; ranges 1..n re-wrap the DEK versions of their datasets (soft-deleted ones too:
 * their keys still need a KEK), in pages of rows. Records are not touched: the DEKs do not change.
 *
 * Each chunk is one D1 transaction: the compare-and-set updates (kek-rotation.ts) and a
 * job_chunk_results row keyed (job, range, cursor) holding what it changed (`changes()`) and
 * where the range goes on. A copy of the chunk that runs again changes nothing and returns that
 * row, so counters are exact even when two copies run at once or one died before the range moved.
 *
 * The finish checks that no wrapped key is left under an older KEK version and no KEK under an
 * older master version, then marks retired the KEK versions below the target that nothing
 * names, and with `destroy_retired` deletes them, in one transaction that records its counts.
 */
import { masterKeys } from "../../crypto/master-keys";
import { kekRewraps } from "../../crypto/master-rotation";
import {
  destroyRetiredKeksStatement,
  ensureKekVersion,
  kekRewrapStatement,
  keysBelow,
  newestKekVersion,
  readWrapped,
  retireKeksStatement,
  rewrapRows,
  rewrapStatement,
  type WrappedKind,
} from "../../tenants/kek-rotation";
import { forgetTenantKeks } from "../../crypto/tenant-kek";
import { MAX_RANGES_PER_JOB, registerKind, type ChunkResult, type JobEnv, type JobRow } from "../run";

export const REWRAP_TENANT_KIND = "rewrap-tenant";
/** Wrapped keys one chunk re-wraps and stores in one D1 transaction. */
export const CHUNK_ROWS = 200;
/** A dataset range covers at least this many datasets (and there are at most MAX_RANGES_PER_JOB - 1 of them). */
export const MIN_DATASETS_PER_RANGE = 20;

export type RewrapJobEnv = JobEnv & Pick<Env, "MASTER_KEYS">;

export interface RewrapTenantParams {
  type: "rewrap-tenant";
  rotate_kek: boolean;
  destroy_retired: boolean;
  /** The newest master version the API worker knew when the job was created (the consumer must know it too). */
  requested_master_version?: number;
  /** Fixed by the first plan. */
  plan?: {
    master_version: number;
    target_kek_version: number;
    /** Dataset ids ending each dataset range but the last (inclusive), ascending. */
    boundaries: string[];
  };
}

/** Range 0 is the tenant's own keys; the others are slices of its datasets by id. */
type Bounds = { phase: "tenant" } | { phase: "datasets"; after: string | null; through: string | null };

/** What one chunk did, stored with it. */
interface StoredChunk {
  next: string | null;
  progress: Record<string, number>;
}

const FINISH_RANGE = -1;

async function savedParams(env: JobEnv, job: JobRow): Promise<RewrapTenantParams> {
  const row = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?").bind(job.id).first<{ params: string }>();
  return JSON.parse(row?.params ?? job.params) as RewrapTenantParams;
}

async function planOf(env: JobEnv, job: JobRow) {
  const plan = (JSON.parse(job.params) as RewrapTenantParams).plan ?? (await savedParams(env, job)).plan;
  if (!plan) throw new Error("the rewrap-tenant job has no plan");
  return plan;
}

/** Dataset ids ending each slice but the last of the tenant's datasets: one slice per MIN_DATASETS_PER_RANGE, at most MAX_RANGES_PER_JOB - 1. */
async function datasetBoundaries(d1: D1Database, tenantId: string): Promise<string[]> {
  const count = await d1
    .prepare("SELECT count(DISTINCT dataset_id) AS n FROM dataset_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  const n = count?.n ?? 0;
  const ranges = Math.max(1, Math.min(MAX_RANGES_PER_JOB - 1, Math.ceil(n / MIN_DATASETS_PER_RANGE)));
  const size = Math.ceil(n / ranges);
  const out: string[] = [];
  for (let i = 1; i < ranges; i++) {
    const row = await d1
      .prepare(
        "SELECT dataset_id FROM (SELECT DISTINCT dataset_id FROM dataset_keys WHERE tenant_id = ?) ORDER BY dataset_id LIMIT 1 OFFSET ?",
      )
      .bind(tenantId, i * size - 1)
      .first<{ dataset_id: string }>();
    if (row) out.push(row.dataset_id);
  }
  return out;
}

/** One page of a tenant's wrapped keys of a kind, re-wrapped and stored with its result in one transaction. */
async function rewrapPage(
  env: RewrapJobEnv,
  job: JobRow,
  rangeNo: number,
  cursor: string | null,
  work: () => Promise<{ statement: D1PreparedStatement; counter: string; stored: StoredChunk }>,
): Promise<ChunkResult> {
  const key = [job.id, rangeNo, cursor ?? ""] as const;
  const prior = await readChunk(env.DB, ...key);
  if (prior) return prior;
  const { statement, counter, stored } = await work();
  const [, , read] = await env.DB.batch([
    statement,
    // changes() is what the compare-and-set just stored, in this transaction.
    env.DB.prepare(
      "INSERT OR IGNORE INTO job_chunk_results (job_id, range_no, cursor, result) VALUES (?, ?, ?, json_set(?, ?, changes()))",
    ).bind(...key, JSON.stringify(stored), `$.progress.${counter}`),
    env.DB.prepare("SELECT result FROM job_chunk_results WHERE job_id = ? AND range_no = ? AND cursor = ?").bind(
      ...key,
    ),
  ]);
  return JSON.parse((read.results[0] as { result: string }).result) as StoredChunk;
}

async function readChunk(d1: D1Database, jobId: string, rangeNo: number, cursor: string) {
  const row = await d1
    .prepare("SELECT result FROM job_chunk_results WHERE job_id = ? AND range_no = ? AND cursor = ?")
    .bind(jobId, rangeNo, cursor)
    .first<{ result: string }>();
  return row ? (JSON.parse(row.result) as StoredChunk) : null;
}

/** A page of wrapped keys of one kind after `after`, re-wrapped under the target KEK. */
async function wrappedPage(
  env: RewrapJobEnv,
  job: JobRow,
  kind: WrappedKind,
  target: number,
  after: [string, number] | null,
  throughName: string | null,
) {
  const rows = await readWrapped(env.DB, job.tenantId, kind, { after, throughName, limit: CHUNK_ROWS });
  const items = await rewrapRows(env, job.tenantId, kind, rows, target);
  const last = rows.at(-1);
  return {
    rows,
    statement: rewrapStatement(env.DB, job.tenantId, kind, items, target),
    next: rows.length < CHUNK_ROWS || !last ? null : JSON.stringify([last.name, last.version]),
  };
}

/** Range 0: `keks` (under the newest master), then `secrets`, then `transit:<after>` pages. */
function tenantChunk(env: RewrapJobEnv, job: JobRow, cursor: string | null, target: number) {
  return rewrapPage(env, job, 0, cursor, async () => {
    if (cursor === null) {
      const { masterVersion, kekVersions, rewraps } = await kekRewraps(env, job.tenantId);
      return {
        statement: kekRewrapStatement(env.DB, job.tenantId, rewraps, masterVersion),
        counter: "keks_rewrapped",
        stored: { next: "secrets:", progress: { kek_versions: kekVersions, items: kekVersions } },
      };
    }
    const [phase, rest] = [cursor.slice(0, cursor.indexOf(":")), cursor.slice(cursor.indexOf(":") + 1)];
    const kind: WrappedKind = phase === "secrets" ? "secrets" : "transit";
    const after = rest ? (JSON.parse(rest) as [string, number]) : null;
    const page = await wrappedPage(env, job, kind, target, after, null);
    const next = page.next !== null ? `${phase}:${page.next}` : kind === "secrets" ? "transit:" : null;
    // Tenant secrets are counted as `purpose_keys`: the audit guard refuses a field named `secrets`.
    const total = kind === "secrets" ? "purpose_keys" : "transit_versions";
    return {
      statement: page.statement,
      counter: kind === "secrets" ? "purpose_keys_rewrapped" : "transit_rewrapped",
      stored: { next, progress: { [total]: page.rows.length, items: page.rows.length } },
    };
  });
}

/** Ranges 1..n: DEK versions of the range's datasets, in (dataset id, version) pages. */
function datasetChunk(
  env: RewrapJobEnv,
  job: JobRow,
  rangeNo: number,
  bounds: Extract<Bounds, { phase: "datasets" }>,
  cursor: string | null,
  target: number,
) {
  return rewrapPage(env, job, rangeNo, cursor, async () => {
    const after: [string, number] | null =
      cursor !== null
        ? (JSON.parse(cursor) as [string, number])
        : bounds.after !== null
          ? [bounds.after, Number.MAX_SAFE_INTEGER]
          : null;
    const page = await wrappedPage(env, job, "deks", target, after, bounds.through);
    // A dataset is counted on the page holding its first row after the cursor's dataset.
    const datasets = new Set(page.rows.map((r) => r.name).filter((name) => name !== after?.[0])).size;
    return {
      statement: page.statement,
      counter: "deks_rewrapped",
      stored: { next: page.next, progress: { datasets, deks: page.rows.length, items: page.rows.length } },
    };
  });
}

registerKind<RewrapJobEnv>(REWRAP_TENANT_KIND, {
  async plan(env, job) {
    let params = await savedParams(env, job);
    if (!params.plan) {
      const master = await masterKeys(env.MASTER_KEYS);
      const newest = await newestKekVersion(env.DB, job.tenantId);
      const plan = {
        master_version: master.current,
        target_kek_version: params.rotate_kek ? newest + 1 : newest,
        boundaries: await datasetBoundaries(env.DB, job.tenantId),
      };
      // The first plan wins; a second start reads it back, so both make the same ranges and KEK.
      await env.DB.prepare(
        "UPDATE jobs SET params = json_set(params, '$.plan', json(?)) WHERE id = ? AND json_extract(params, '$.plan') IS NULL",
      )
        .bind(JSON.stringify(plan), job.id)
        .run();
      params = await savedParams(env, job);
    }
    const plan = params.plan!;
    if (params.rotate_kek) await ensureKekVersion(env, job.tenantId, plan.target_kek_version);
    const edges = [null, ...plan.boundaries, null];
    const datasets: Bounds[] = edges.slice(1).map((through, i) => ({ phase: "datasets", after: edges[i], through }));
    const totals = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM tenant_keys WHERE tenant_id = ?1) + (SELECT count(*) FROM dataset_keys WHERE tenant_id = ?1)
            + (SELECT count(*) FROM tenant_secrets WHERE tenant_id = ?1) + (SELECT count(*) FROM transit_key_versions WHERE tenant_id = ?1) AS n`,
    )
      .bind(job.tenantId)
      .first<{ n: number }>();
    return { ranges: [{ phase: "tenant" }, ...datasets], itemsTotal: totals?.n ?? null };
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    const { target_kek_version: target } = await planOf(env, job);
    const bounds = range.bounds as Bounds;
    if (bounds.phase === "tenant") return tenantChunk(env, job, range.cursor, target);
    return datasetChunk(env, job, range.rangeNo, bounds, range.cursor, target);
  },

  async finish(env, job) {
    const plan = await planOf(env, job);
    const params = await savedParams(env, job);
    const target = plan.target_kek_version;
    const master = await masterKeys(env.MASTER_KEYS);
    const requested = params.requested_master_version ?? 0;
    if (plan.master_version < requested)
      return {
        status: "failed",
        error:
          `The queue consumer's MASTER_KEYS has no version ${requested} (its newest is ${plan.master_version}), so ` +
          `the KEKs were not moved to it; set the secret on the consumer too and run the job again.`,
      };
    const below = await keysBelow(env.DB, job.tenantId, target);
    const oldMaster = await env.DB.prepare(
      "SELECT count(*) AS n FROM tenant_keys WHERE tenant_id = ? AND master_version <> ?",
    )
      .bind(job.tenantId, master.current)
      .first<{ n: number }>();
    const left = below.deks + below.secrets + below.transit;
    if (left || oldMaster?.n)
      return {
        status: "failed",
        error:
          `${left} wrapped keys are still under KEK versions older than ${target} and ${oldMaster?.n ?? 0} KEKs ` +
          `under a master version other than ${master.current} (written while the job ran); run the job again.`,
      };
    const key = [job.id, FINISH_RANGE, "finish"] as const;
    const at = new Date().toISOString();
    const stmts = [
      retireKeksStatement(env.DB, job.tenantId, target, at),
      env.DB.prepare(
        "INSERT OR IGNORE INTO job_chunk_results (job_id, range_no, cursor, result) VALUES (?, ?, ?, json_object('retired_kek_versions', changes(), 'destroyed_kek_versions', ?))",
      ).bind(...key, params.destroy_retired ? null : 0),
    ];
    if (params.destroy_retired)
      stmts.push(
        destroyRetiredKeksStatement(env.DB, job.tenantId, target),
        env.DB.prepare(
          "UPDATE job_chunk_results SET result = json_set(result, '$.destroyed_kek_versions', changes()) WHERE job_id = ? AND range_no = ? AND cursor = ? AND json_extract(result, '$.destroyed_kek_versions') IS NULL",
        ).bind(...key),
      );
    stmts.push(
      env.DB.prepare("SELECT result FROM job_chunk_results WHERE job_id = ? AND range_no = ? AND cursor = ?").bind(
        ...key,
      ),
      // Every range is done, so no chunk runs again: only the finish's own row is still needed.
      env.DB.prepare("DELETE FROM job_chunk_results WHERE job_id = ? AND range_no >= 0").bind(job.id),
    );
    const res = await env.DB.batch(stmts);
    const outcome = JSON.parse((res.at(-2)!.results[0] as { result: string }).result) as Record<string, number>;
    // This isolate may hold a destroyed KEK unwrapped; nothing names it any more, so drop it.
    if (outcome.destroyed_kek_versions) forgetTenantKeks(job.tenantId);
    return {
      status: "succeeded",
      progress: { master_version: plan.master_version, target_kek_version: target, ...outcome },
    };
  },
});
