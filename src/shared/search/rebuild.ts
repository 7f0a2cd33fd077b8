/**
 * The `search.rebuild` job: recreates a dataset's blind index under its newest search
 * key and current paths, on the queue. It is a job kind of the job engine (jobs/run.ts)
 * with one range and only a `chunk`: the DatasetObject keeps the rebuild's progress (the
 * building slot's `through_seq`), so the range's cursor is only "not done yet" and a
 * redelivered chunk does nothing twice.
 *
 * Started when search is turned on or its paths change, after every dataset key
 * rotation (the search key rotates with the DEK), after an import whose staged blind
 * documents went stale before its commit, and on demand.
 */
import type { AuditScope } from "../audit/append";
import { findLiveDataset } from "../datasets/service";
import { ProblemError } from "../errors";
import { registerKind, type ChunkResult, type JobEnv, type JobRow } from "../jobs/run";
import { createJob } from "../jobs/service";
import { datasetObject, refOf } from "../records/object";
import { unwrap } from "../records/wire";
import { REBUILD_CHUNKS_PER_MESSAGE } from "./limits";
import { enabledSearch } from "./settings";

export const SEARCH_REBUILD_JOB_KIND = "search.rebuild";

export type RebuildEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS">;

export type RebuildReason = "settings" | "key_rotation" | "requested" | "import";

/**
 * Queues a rebuild of a search-enabled dataset. The object switches to the new slot
 * before this returns (writes from now on are indexed under the new settings as the
 * rebuild reaches them); searches keep using the old index until the rebuild completes.
 */
export async function startSearchRebuild(
  env: RebuildEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string; search: string | null },
  reason: RebuildReason,
) {
  const settings = enabledSearch(dataset);
  if (!settings) {
    throw new ProblemError(409, "search-disabled", {
      detail: "Search is not enabled for this dataset; set `search: {enabled: true}` in its settings.",
    });
  }
  const ref = refOf(dataset);
  const paths = JSON.stringify(settings.paths);
  const job = await createJob(env, scope, {
    kind: SEARCH_REBUILD_JOB_KIND,
    datasetId: dataset.id,
    params: { dataset_id: dataset.id, reason },
    details: { reason },
    prepare: async (jobId) => {
      unwrap(await datasetObject(env, ref).startSearchRebuild(ref, jobId, paths));
    },
  });
  return { job_id: job.id, status: "queued" as const, created_at: job.created_at };
}

/**
 * Brings the index in line with changed settings: a rebuild when search is on (and its
 * settings changed), the index dropped when it was turned off. Returns the job, if any.
 */
export async function applySearchSettings(
  env: RebuildEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string; search: string | null },
  previous: string | null,
) {
  if (dataset.search === previous) return null;
  if (enabledSearch(dataset)) return startSearchRebuild(env, scope, dataset, "settings");
  if (previous !== null && enabledSearch({ search: previous })) {
    const ref = refOf(dataset);
    unwrap(await datasetObject(env, ref).dropSearchIndex(ref));
  }
  return null;
}

registerKind<RebuildEnv>(SEARCH_REBUILD_JOB_KIND, { chunk: (env, job) => rebuildChunk(env, job) });

/** Runs object chunks of the rebuild until it is done or this message's share is used up. */
async function rebuildChunk(env: RebuildEnv, job: JobRow): Promise<ChunkResult> {
  const { dataset_id: datasetId } = JSON.parse(job.params) as { dataset_id: string };
  const live = await findLiveDataset(env.DB, job.tenantId, datasetId);
  if (!live) return { next: null, progress: {} };
  const ref = { tenantId: job.tenantId, datasetId };
  const scope: AuditScope = { tenantId: job.tenantId, actor: job.createdBy, requestId: null, clientIp: null };
  // Several object chunks per queue message: each chunk stays short (searches wait only for
  // its final transaction), while the queue's batch delay is paid once per message.
  const progress = { indexed: 0, failed: 0 };
  try {
    for (let i = 0; i < REBUILD_CHUNKS_PER_MESSAGE; i++) {
      const chunk = unwrap(await datasetObject(env, ref).searchRebuildChunk(ref, scope, job.id));
      progress.indexed += chunk.indexed;
      progress.failed += chunk.failed;
      if (chunk.done) return { next: null, progress };
    }
    return { next: "continue", progress };
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) return { next: null, progress: {} };
    throw err;
  }
}
