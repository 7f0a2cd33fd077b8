/** Bulk jobs: read their state and progress, cancel them. Each job kind has its own create route. */
import { createRoute, z } from "@hono/zod-openapi";
import * as jobs from "../../../src/shared/jobs/service";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import { JobSchema } from "../../../src/shared/schema/jobs";
import { auditScope, tenantOf } from "../context";
import { requireScope, tenantAuth } from "../middleware/auth";
import { jsonResponse, pick, router, tenantSecurity } from "../openapi";

const Params = z.object({ id: idParam("job") });
const read = { security: tenantSecurity, tags: ["jobs"], middleware: [tenantAuth, requireScope("jobs:read")] };
const write = { security: tenantSecurity, tags: ["jobs"], middleware: [tenantAuth, requireScope("jobs:write")] };

const listJobs = createRoute({
  ...read,
  method: "get",
  path: "/",
  summary: "List the tenant's jobs, newest first",
  request: { query: PageQuerySchema },
  responses: { 200: jsonResponse(pageOf(JobSchema, "JobPage"), "A page of jobs"), ...pick(400, 401, 403, 422) },
});

const getJob = createRoute({
  ...read,
  method: "get",
  path: "/{id}",
  summary: "Get a job's status and progress",
  request: { params: Params },
  responses: { 200: jsonResponse(JobSchema, "The job"), ...pick(401, 403, 404, 422) },
});

const cancelJob = createRoute({
  ...write,
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel a queued or running job",
  request: { params: Params },
  responses: { 200: jsonResponse(JobSchema, "The cancelled job"), ...pick(401, 403, 404, 409, 422, 503) },
});

export const jobRoutes = router()
  .openapi(listJobs, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await jobs.listJobs(c.env.DB, tenantOf(c).tenantId, limit, cursor), 200);
  })
  .openapi(getJob, async (c) => c.json(await jobs.getJob(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id), 200))
  .openapi(cancelJob, async (c) => c.json(await jobs.cancelJob(c.env, auditScope(c), c.req.valid("param").id), 200));
