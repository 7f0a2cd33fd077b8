/**
 * Dataset-wide jobs started through POST /datasets/{id}/jobs: checks the request against
 * the dataset, creates the job (audited, see service.ts) and serves its result once done.
 * Each type's work lives in its own module under types/.
 */
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { checkOperators, type OperatorMap } from "../anonymize/operators";
import { getDatasetRow, insertDataset, prepareCreate } from "../datasets/service";
import { appendAudit, audited, type AuditScope } from "../audit/append";
import { requireKeyScope } from "../auth/require-scope";
import type { Scope } from "../auth/scopes";
import { db, schema } from "../db/client";
import { conflict, notFound } from "../errors";
import { loadRecognizers } from "../pii/recognizer-store";
import { checkEntityNames } from "../pii/service";
import { newId } from "../ids";
import { decodeCursor, keysetPage } from "../pagination";
import { idempotencyClaim } from "../records/idempotency";
import { datasetObject, refOf } from "../records/object";
import { unwrap } from "../records/wire";
import type { JobResult, StartDatasetJob } from "../schema/dataset-jobs";
import type { CreateDataset } from "../schema/datasets";
import type { Job } from "../schema/jobs";
import { createJob, getJob, toJob, type JobMatch, type JobsEnv } from "./service";
import { ANONYMIZE_KIND, policyOperators } from "./types/anonymize";
import { PII_SCAN_KIND, readReport } from "./types/pii-scan";
import { REENCRYPT_KIND } from "./types/re-encrypt";

export type DatasetJobsEnv = JobsEnv & Pick<Env, "MASTER_KEYS" | "BLOBS" | "DATASET">;

/** The scope a job type needs besides `jobs:write`: it reads (or changes) what that scope guards. */
const TYPE_SCOPE: Record<StartDatasetJob["type"], Scope> = {
  "pii-scan": "pii:detect",
  anonymize: "anonymize",
  "re-encrypt": "crypto:admin",
};

/**
 * Jobs that write new content or ciphertexts into their own dataset: two of them at once would fight over the same
 * records (each compare-and-set makes the loser skip, so neither finishes its work), so one is refused while another
 * is queued or running (409 `job-conflict`). Scans and anonymizing into another dataset only read it and run freely.
 */
export const REWRITES_DATASET: readonly JobMatch[] = [
  { kind: REENCRYPT_KIND },
  { kind: ANONYMIZE_KIND, param: { name: "target", value: "in_place" } },
];

/** Kinds whose jobs this module starts and lists. */
export const DATASET_JOB_KINDS = [PII_SCAN_KIND, ANONYMIZE_KIND, REENCRYPT_KIND] as const;

/**
 * Starts a job of `input.type` over a live dataset of the tenant.
 * @throws ProblemError 403 without the type's scope; 422 for unknown entity types; 409 `job-conflict` (with
 *   `running_job_id`) for a re-encrypt or in-place anonymize while another of those is queued or running on it.
 */
export async function startDatasetJob(
  env: DatasetJobsEnv,
  scope: AuditScope,
  scopes: readonly string[],
  dataset: { id: string; tenantId: string; piiPolicy: string | null; schema: string | null },
  input: StartDatasetJob,
  jobId: string = newId("job"),
): Promise<Job> {
  const needed = TYPE_SCOPE[input.type];
  await requireKeyScope(
    env,
    scope,
    scopes,
    needed,
    { job_type: input.type },
    `A ${input.type} job needs the '${needed}' scope.`,
  );
  if (input.type === "re-encrypt") {
    return createJob(env, scope, {
      id: jobId,
      kind: REENCRYPT_KIND,
      datasetId: dataset.id,
      params: { type: input.type, destroy_retired: input.destroy_retired },
      exclusiveWith: REWRITES_DATASET,
      details: { type: input.type, destroy_retired: input.destroy_retired },
    });
  }
  const custom = await loadRecognizers(env.DB, dataset.tenantId);
  const names = (input.entities ?? []).map((e, i): [string, string] => [`$.entities[${i}]`, e]);
  if (input.type === "anonymize") {
    checkOperators(input.operators);
    names.push(...Object.keys(input.operators ?? {}).map((k): [string, string] => [`$.operators.${k}`, k]));
  }
  checkEntityNames(names, custom);
  if (input.type === "anonymize") {
    const fromPolicy = input.operators ? null : policyOperators(dataset.piiPolicy);
    const operators = input.operators ?? fromPolicy ?? {};
    const entities = input.entities ?? (fromPolicy ? Object.keys(fromPolicy) : undefined);
    const opNames = Object.fromEntries(Object.entries(operators).map(([t, o]) => [t, o?.type ?? "default"]));
    const target =
      input.target === "in_place"
        ? null
        : await createTarget(env, scope, scopes, dataset, input.target.dataset_name, operators);
    return createJob(env, scope, {
      id: jobId,
      kind: ANONYMIZE_KIND,
      datasetId: dataset.id,
      ...(input.target === "in_place" ? { exclusiveWith: REWRITES_DATASET } : {}),
      params: {
        type: input.type,
        target: input.target,
        // created_dataset_id: the engine deletes it (if still empty) when the job is cancelled (created-dataset.ts).
        ...(target ? { target_dataset_id: target.id, created_dataset_id: target.id } : {}),
        operators,
        ...(entities ? { entities } : {}),
        ...(input.min_score !== undefined ? { min_score: input.min_score } : {}),
      },
      details: {
        type: input.type,
        target: input.target,
        ...(target ? { target_dataset_id: target.id } : {}),
        operators: opNames,
        operators_from: input.operators ? "request" : fromPolicy ? "policy" : "defaults",
      },
    });
  }
  return createJob(env, scope, {
    id: jobId,
    kind: PII_SCAN_KIND,
    datasetId: dataset.id,
    params: { ...input },
    details: {
      type: input.type,
      entities: input.entities?.length ?? null,
      from_seq: input.from_seq ?? null,
      to_seq: input.to_seq ?? null,
    },
  });
}

/**
 * startDatasetJob once per Idempotency-Key (when one is given): the key is claimed in the dataset's object for a new
 * job id before anything is created, so a retry, or a concurrent copy, of the request gets the job the first one
 * created (`replayed`, in its current state) and creates nothing; a request that fails gives the key up again.
 * @throws ProblemError 422 `idempotency-key-reused` when the key came with a different request; 409 while the first
 *   request with the key is still creating its job; otherwise as startDatasetJob.
 */
export async function startDatasetJobOnce(
  env: DatasetJobsEnv,
  scope: AuditScope,
  scopes: readonly string[],
  dataset: { id: string; tenantId: string; piiPolicy: string | null; schema: string | null },
  input: StartDatasetJob,
  idempotencyKey: string | undefined,
): Promise<{ job: Job; replayed: boolean }> {
  const claim = idempotencyKey ? await idempotencyClaim(idempotencyKey, "jobs.create", input) : null;
  if (!claim) return { job: await startDatasetJob(env, scope, scopes, dataset, input), replayed: false };
  const ref = refOf(dataset);
  const stub = datasetObject(env, ref);
  const jobId = newId("job");
  const claimed = unwrap(await stub.claimJobKey(ref, claim, jobId));
  if (claimed !== jobId) {
    const job = await getJob(env.DB, scope.tenantId, claimed).catch(() => null);
    if (!job) throw conflict("A request with this Idempotency-Key is still starting its job; retry in a moment.");
    return { job, replayed: true };
  }
  try {
    return { job: await startDatasetJob(env, scope, scopes, dataset, input, jobId), replayed: false };
  } catch (err) {
    await stub.releaseJobKey(ref, claim.key, jobId);
    throw err;
  }
}

/**
 * The empty dataset an anonymize job copies into: the source's schema, its own first DEK, and a
 * PII policy that allows the anonymized types (its records are anonymized already). Created
 * and audited (`dataset.create`) before the job, so a taken name fails the request, not the job.
 * @throws ProblemError 403 without `datasets:write`; 409 when the tenant has a dataset of that name.
 */
async function createTarget(
  env: DatasetJobsEnv,
  scope: AuditScope,
  scopes: readonly string[],
  source: { id: string; schema: string | null },
  name: string,
  operators: OperatorMap,
) {
  await requireKeyScope(
    env,
    scope,
    scopes,
    "datasets:write",
    { job_type: "anonymize", target: "new dataset" },
    "Anonymizing into a new dataset needs 'datasets:write'.",
  );
  const types = Object.keys(operators).filter((t) => t !== "DEFAULT");
  const allow = { action: "allow" as const };
  const prepared = await prepareCreate(env, scope.tenantId, {
    name,
    description: `Anonymized copy of ${source.id}`,
    schema: source.schema === null ? null : (JSON.parse(source.schema) as CreateDataset["schema"]),
    pii_policy: types.length ? { rules: Object.fromEntries(types.map((t) => [t, allow])) } : null,
  });
  return audited(
    env,
    scope,
    {
      action: "dataset.create",
      resource: { dataset_id: prepared.row.id },
      details: { name: prepared.row.name, has_schema: prepared.row.schema !== null, anonymized_from: source.id },
    },
    () => insertDataset(env.DB, prepared),
  );
}

/** The dataset's jobs started through POST /datasets/{id}/jobs (optionally of one type), newest first. */
export async function listDatasetJobs(
  d1: D1Database,
  tenantId: string,
  datasetId: string,
  type: string | undefined,
  limit: number,
  cursor?: string,
) {
  const j = schema.jobs;
  const where = and(
    eq(j.tenantId, tenantId),
    eq(j.datasetId, datasetId),
    type ? eq(j.kind, type) : inArray(j.kind, [...DATASET_JOB_KINDS]),
    cursor ? lt(j.id, decodeCursor(cursor, { id: "string" }).id) : undefined,
  );
  const rows = await db(d1)
    .select()
    .from(j)
    .where(where)
    .orderBy(desc(j.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toJob);
}

/**
 * The scope reading a job's result needs besides `jobs:read`: a scan's report names the records holding each entity
 * type and where, which is read from their content, so it takes the scope that reads those records.
 */
export const RESULT_SCOPE: Scope = "records:read";

/**
 * The whole result of a finished dataset job (a scan's report).
 * @throws ProblemError 403 without RESULT_SCOPE (audited); 404 for another tenant's or a missing job, a kind without
 *   a result, or a dataset deleted (soft or purged) since; 409 while it is not done.
 */
export async function jobResult(
  env: DatasetJobsEnv,
  scope: AuditScope,
  scopes: readonly string[],
  jobId: string,
): Promise<JobResult> {
  await requireKeyScope(
    env,
    scope,
    scopes,
    RESULT_SCOPE,
    { route: "GET /jobs/{id}/result" },
    `A job's result names records and where they hold PII: reading it needs the '${RESULT_SCOPE}' scope.`,
  );
  const tenantId = scope.tenantId;
  const job = await getJob(env.DB, tenantId, jobId);
  if (job.kind !== PII_SCAN_KIND || !job.dataset_id) throw notFound("The job's result");
  // The report names the dataset's records and where they hold PII: it goes when the dataset does (soft delete too).
  await getDatasetRow(env.DB, tenantId, job.dataset_id);
  if (job.status !== "succeeded") throw conflict(`The job is ${job.status}; its result exists once it has succeeded.`);
  const report = await readReport(env, { tenantId, datasetId: job.dataset_id }, job.id);
  if (!report) throw notFound("The job's result");
  await appendAudit(env, scope, {
    action: "job.result.read",
    resource: { job_id: job.id, dataset_id: job.dataset_id },
    details: { kind: job.kind },
  });
  return { job_id: job.id, type: job.kind, result: report };
}
