/**
 * Operator jobs over a whole tenant, started through POST /tenants/{id}/jobs: the job is
 * the tenant's (its GET /jobs/{id} and audit log show it, created by the operator), and the
 * operator reads it back through GET /tenants/{id}/jobs/{job_id}.
 */
import type { AuditScope } from "../audit/append";
import { masterKeys } from "../crypto/master-keys";
import { notFound } from "../errors";
import type { Job, JobDetail } from "../schema/jobs";
import type { StartTenantJob } from "../schema/tenant-jobs";
import { cancelJob, createJob, getJobDetail, OPERATOR_JOB_KINDS, type JobsEnv } from "./service";
import { REWRAP_TENANT_KIND } from "./types/rewrap-tenant";

export type TenantJobsEnv = JobsEnv & Pick<Env, "MASTER_KEYS">;

/** Kinds this module starts; the operator can read and cancel only these. */
export const TENANT_JOB_KINDS = OPERATOR_JOB_KINDS;

/**
 * Starts a job of `input.type` over the tenant of `scope` (the caller has checked the tenant exists).
 * @throws MasterKeyConfigError when MASTER_KEYS cannot be read (the job would fail at once).
 */
export async function startTenantJob(env: TenantJobsEnv, scope: AuditScope, input: StartTenantJob): Promise<Job> {
  const master = await masterKeys(env.MASTER_KEYS);
  const params = { type: input.type, rotate_kek: input.rotate_kek, destroy_retired: input.destroy_retired };
  // The consumer reads its own copy of the secret: the job checks it knows the version this worker does.
  return createJob(env, scope, {
    kind: REWRAP_TENANT_KIND,
    params: { ...params, requested_master_version: master.current },
    details: params,
  });
}

/**
 * An operator job of the tenant with its live progress.
 * @throws ProblemError 404 for a missing job, another tenant's, or one the operator did not start here.
 */
export async function getTenantJob(d1: D1Database, tenantId: string, jobId: string): Promise<JobDetail> {
  const job = await getJobDetail(d1, tenantId, jobId);
  if (!TENANT_JOB_KINDS.includes(job.kind)) throw notFound("The job");
  return job;
}

/**
 * Cancels an operator job of the tenant (the tenant's own keys get 403 for these at POST /jobs/{id}/cancel).
 * @throws ProblemError 404 as getTenantJob; 409 when the job is no longer queued or running.
 */
export async function cancelTenantJob(env: JobsEnv, scope: AuditScope, jobId: string): Promise<Job> {
  await getTenantJob(env.DB, scope.tenantId, jobId);
  return cancelJob(env, scope, jobId, true);
}
