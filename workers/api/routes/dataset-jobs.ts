/** Dataset-wide jobs: start one (a type per request body), list a dataset's, read a finished one's result. */
import { createRoute, z } from "@hono/zod-openapi";
import * as datasets from "../../../src/shared/datasets/service";
import * as datasetJobs from "../../../src/shared/jobs/dataset-jobs";
import { IdempotencyKeySchema } from "../../../src/shared/records/idempotency";
import { idParam, PageQuerySchema, pageOf } from "../../../src/shared/schema/common";
import { JobResultSchema, StartDatasetJobSchema } from "../../../src/shared/schema/dataset-jobs";
import { JobSchema } from "../../../src/shared/schema/jobs";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const DatasetParams = z.object({ id: idParam("ds") });
const JobParams = z.object({ id: idParam("job") });
const read = tenantRoute("jobs:read", "jobs");
const write = tenantRoute("jobs:write", "jobs");

const startJob = createRoute({
  ...write,
  method: "post",
  path: "/datasets/{id}/jobs",
  summary: "Start a job over the whole dataset (or a seq range of it)",
  description:
    "`type: pii-scan` (also needs `pii:detect`): a report per entity type and JSON path, kept sealed under the dataset key " +
    "and compared with the previous scan. `type: anonymize` (also needs `anonymize`), `target: in_place`: every record whose " +
    "PII the operators change gets a new version, written in batches that apply whole or not at all; reversible operators " +
    "stay reversible with POST /deanonymize; `target: {dataset_name}` (also needs `datasets:write`) creates that dataset " +
    "(409 if the name is taken) and copies every record into it anonymized, committed in seq order once the job " +
    "succeeds (the job's params name `target_dataset_id`). `type: re-encrypt` (also needs `crypto:admin`): every record to the newest DEK, " +
    "older versions retired, and with `destroy_retired` their wrapped keys deleted. A re-encrypt or in-place anonymize " +
    "while another of those is queued or running on the dataset is refused with 409 `job-conflict` (its `running_job_id` " +
    "names that job); scans and copies run alongside. 202 with the job; follow it with GET /jobs/{id} (and GET /jobs/{id}/result for a scan).",
  request: {
    params: DatasetParams,
    headers: z.object({ "idempotency-key": IdempotencyKeySchema }),
    body: jsonBody(StartDatasetJobSchema),
  },
  responses: { 202: jsonResponse(JobSchema, "The job, queued"), ...pick(400, 401, 403, 404, 409, 415, 422, 503) },
});

const listJobs = createRoute({
  ...read,
  method: "get",
  path: "/datasets/{id}/jobs",
  summary:
    "The dataset's jobs started here (optionally of one type), newest first; a finished scan's progress has its counts per entity type",
  request: {
    params: DatasetParams,
    query: PageQuerySchema.extend({ type: z.enum(["pii-scan", "anonymize", "re-encrypt"]).optional() }),
  },
  responses: {
    200: jsonResponse(pageOf(JobSchema, "DatasetJobPage"), "A page of jobs"),
    ...pick(400, 401, 403, 404, 422),
  },
});

const result = createRoute({
  ...read,
  method: "get",
  path: "/jobs/{id}/result",
  summary: "The whole result of a finished dataset job (a PII scan's report)",
  description:
    "Needs `records:read` besides `jobs:read` (a scan's report names records and where they hold PII). 409 until the job " +
    "has succeeded; 404 for a job kind without a result, and once the job's dataset is deleted (its report names records). Reading a report is audited.",
  request: { params: JobParams },
  responses: { 200: jsonResponse(JobResultSchema, "The result"), ...pick(401, 403, 404, 409, 422) },
});

export const datasetJobRoutes = router()
  .openapi(startJob, async (c) => {
    const tenant = tenantOf(c);
    const dataset = await datasets.getDatasetRow(c.env.DB, tenant.tenantId, c.req.valid("param").id);
    const { job, replayed } = await datasetJobs.startDatasetJobOnce(
      c.env,
      auditScope(c),
      tenant.scopes,
      dataset,
      c.req.valid("json"),
      c.req.valid("header")["idempotency-key"],
    );
    if (replayed) c.header("Idempotent-Replayed", "true");
    c.header("Location", `/api/v1/jobs/${job.id}`);
    return c.json(job, 202);
  })
  .openapi(listJobs, async (c) => {
    const tenantId = tenantOf(c).tenantId;
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantId, c.req.valid("param").id);
    const { limit, cursor, type } = c.req.valid("query");
    return c.json(await datasetJobs.listDatasetJobs(c.env.DB, tenantId, dataset.id, type, limit, cursor), 200);
  })
  .openapi(result, async (c) =>
    c.json(await datasetJobs.jobResult(c.env, auditScope(c), tenantOf(c).scopes, c.req.valid("param").id), 200),
  );
