/** Bulk jobs: read their state and progress (or stream it), cancel and retry them. Each job kind has its own create route. */
import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { REWRITES_DATASET } from "../../../src/shared/jobs/dataset-jobs";
import { jobEvents } from "../../../src/shared/jobs/events";
import * as jobs from "../../../src/shared/jobs/service";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import { JobDetailSchema, JobSchema } from "../../../src/shared/schema/jobs";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonResponse, pick, router } from "../openapi";

const Params = z.object({ id: idParam("job") });
const read = tenantRoute("jobs:read", "jobs");
const write = tenantRoute("jobs:write", "jobs");

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
  description:
    "Progress: counters summed over the job's ranges (`items`, `bytes`, `failed`, ...), planned `totals`, `records_per_second`, " +
    "`eta_seconds`, each range's status, and the first errors with their line numbers.",
  request: { params: Params },
  responses: { 200: jsonResponse(JobDetailSchema, "The job"), ...pick(401, 403, 404, 422) },
});

const jobEventsRoute = createRoute({
  ...read,
  method: "get",
  path: "/{id}/events",
  summary: "Stream a job's progress as Server-Sent Events",
  description:
    "`text/event-stream`: a `progress` event (data: the job as GET /jobs/{id} gives it) at once and whenever it changes, " +
    "then a final `end` event when the job finishes. The stream closes after 5 minutes; reconnect to continue.",
  request: { params: Params },
  responses: {
    200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...pick(401, 403, 404, 422),
  },
});

const retryJob = createRoute({
  ...write,
  method: "post",
  path: "/{id}/retry",
  summary: "Resume what failed in a failed or partially failed job",
  description:
    "Failed ranges resume from where they stopped; what was applied is not applied again. 409 for any other status, " +
    "and 409 `job-conflict` for a re-encrypt or in-place anonymize while another of those is queued or running on its dataset.",
  request: { params: Params },
  responses: { 200: jsonResponse(JobSchema, "The job, running again"), ...pick(401, 403, 404, 409, 422, 503) },
});

const cancelJob = createRoute({
  ...write,
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel a queued or running job",
  description:
    "Stops within one chunk. What the job staged is discarded, and a dataset it created for its output (an anonymize " +
    "job's target) is deleted while it holds no record. 409 once the job has finished.",
  request: { params: Params },
  responses: { 200: jsonResponse(JobSchema, "The cancelled job"), ...pick(401, 403, 404, 409, 422, 503) },
});

export const jobRoutes = router()
  .openapi(listJobs, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await jobs.listJobs(c.env.DB, tenantOf(c).tenantId, limit, cursor), 200);
  })
  .openapi(getJob, async (c) =>
    c.json(await jobs.getJobDetail(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id), 200),
  )
  .openapi(jobEventsRoute, async (c) => {
    const tenantId = tenantOf(c).tenantId;
    const id = c.req.valid("param").id;
    // 404 before the stream starts, so another tenant's id answers like a missing one.
    const first = await jobs.getJobDetail(c.env.DB, tenantId, id);
    return streamSSE(c, async (stream) => {
      for await (const event of jobEvents(
        () => jobs.getJobDetail(c.env.DB, tenantId, id),
        first,
        () => stream.aborted,
      )) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event.job), id: event.job.updated_at });
      }
    }) as never;
  })
  .openapi(retryJob, async (c) =>
    c.json(await jobs.retryJob(c.env, auditScope(c), c.req.valid("param").id, REWRITES_DATASET), 200),
  )
  .openapi(cancelJob, async (c) => c.json(await jobs.cancelJob(c.env, auditScope(c), c.req.valid("param").id), 200));
