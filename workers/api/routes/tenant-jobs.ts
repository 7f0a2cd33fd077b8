/** Operator jobs over a whole tenant: start one (a type per request body) and poll it. */
import { createRoute, z } from "@hono/zod-openapi";
import * as tenantJobs from "../../../src/shared/jobs/tenant-jobs";
import { idParam } from "../../../src/shared/schema/common";
import { JobDetailSchema, JobSchema } from "../../../src/shared/schema/jobs";
import { StartTenantJobSchema } from "../../../src/shared/schema/tenant-jobs";
import * as tenants from "../../../src/shared/tenants/service";
import { auditScope } from "../context";
import { jsonBody, jsonResponse, pick, router } from "../openapi";
import { operatorRoute } from "../route-access";

const startJob = createRoute({
  ...operatorRoute("tenants"),
  method: "post",
  path: "/{id}/jobs",
  summary: "Start an operator job over the whole tenant (operator)",
  description:
    "`type: rewrap-tenant`: master-key rotation as a queue job. Re-wraps every KEK of the tenant not under the newest " +
    "MASTER_KEYS version; with `rotate_kek` makes a new KEK version first; re-wraps every dataset DEK version, tenant " +
    "secret and transit key version under an older KEK version under the newest (records are not touched); then marks " +
    "retired the KEK versions nothing names (with `destroy_retired`, deletes them). The job is the tenant's: it is " +
    "audited in the tenant's log and readable with GET /jobs/{id}; the operator polls GET /tenants/{id}/jobs/{job_id}.",
  request: { params: z.object({ id: idParam("tnt") }), body: jsonBody(StartTenantJobSchema) },
  responses: { 202: jsonResponse(JobSchema, "The job, queued"), ...pick(400, 401, 403, 404, 415, 422, 503) },
});

const getJob = createRoute({
  ...operatorRoute("tenants"),
  method: "get",
  path: "/{id}/jobs/{job_id}",
  summary: "Status and progress of an operator job of the tenant (operator)",
  description: "404 for a job of another tenant or one not started through POST /tenants/{id}/jobs.",
  request: { params: z.object({ id: idParam("tnt"), job_id: idParam("job", "job_id") }) },
  responses: { 200: jsonResponse(JobDetailSchema, "The job"), ...pick(401, 403, 404, 422) },
});

const cancelJob = createRoute({
  ...operatorRoute("tenants"),
  method: "post",
  path: "/{id}/jobs/{job_id}/cancel",
  summary: "Cancel an operator job of the tenant (operator)",
  description:
    "Only the operator controls the jobs it starts here: a tenant key gets 403 at POST /jobs/{id}/cancel for them. " +
    "A cancelled rewrap-tenant job leaves every key wrapped under a KEK version that still exists (each re-wrap is a " +
    "compare-and-set), retires nothing, and can be started again.",
  request: { params: z.object({ id: idParam("tnt"), job_id: idParam("job", "job_id") }) },
  responses: { 200: jsonResponse(JobSchema, "The cancelled job"), ...pick(401, 403, 404, 409, 422, 503) },
});

export const tenantJobRoutes = router()
  .openapi(startJob, async (c) => {
    const { id } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    const job = await tenantJobs.startTenantJob(c.env, auditScope(c, id), c.req.valid("json"));
    c.header("Location", `/api/v1/tenants/${id}/jobs/${job.id}`);
    return c.json(job, 202);
  })
  .openapi(getJob, async (c) => {
    const { id, job_id } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    return c.json(await tenantJobs.getTenantJob(c.env.DB, id, job_id), 200);
  })
  .openapi(cancelJob, async (c) => {
    const { id, job_id } = c.req.valid("param");
    await tenants.getTenant(c.env, id);
    return c.json(await tenantJobs.cancelTenantJob(c.env, auditScope(c, id), job_id), 200);
  });
