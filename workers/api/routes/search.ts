/** Full-text search over encrypted records (blind index), and rebuilding a dataset's index. */
import { createRoute, z } from "@hono/zod-openapi";
import * as datasets from "../../../src/shared/datasets/service";
import { idParam } from "../../../src/shared/schema/common";
import { RebuildJobSchema, SearchPageSchema, SearchQuerySchema } from "../../../src/shared/schema/search";
import { MAX_FANOUT_DATASETS } from "../../../src/shared/search/limits";
import { startSearchRebuild } from "../../../src/shared/search/rebuild";
import { search } from "../../../src/shared/search/service";
import { auditScope, tenantOf } from "../context";
import { tenantRoute } from "../route-access";
import { jsonResponse, pick, router } from "../openapi";

const truncatedHeader = z.object({
  "search-truncated": z
    .string()
    .optional()
    .openapi({
      description:
        `\`true\` when the tenant has more than ${MAX_FANOUT_DATASETS} searchable datasets ` +
        "and only the first were searched",
    }),
});

const searchRoute = createRoute({
  ...tenantRoute("records:read", "search"),
  method: "get",
  path: "/search",
  summary: "Full-text search over records (blind index), ranked by BM25",
  description:
    "Searches one dataset (`dataset_id`) or every search-enabled dataset of the tenant, merged by score. " +
    "Items are the decrypted records with a snippet of the best-matching string. " +
    'Syntax: words, "phrases", AND (or a space), OR, NOT / -word, parentheses; ' +
    "whole words only (no prefix or fuzzy match). " +
    "A syntax error is a 400 `query-invalid` with `position`. The read is audited.",
  request: { query: SearchQuerySchema },
  responses: {
    200: jsonResponse(SearchPageSchema, "A page of matches, best first", truncatedHeader),
    ...pick(400, 401, 403, 404, 409, 422, 503),
  },
});

const rebuildRoute = createRoute({
  ...tenantRoute("datasets:write", "search"),
  method: "post",
  path: "/datasets/{id}/search/rebuild",
  summary: "Rebuild the dataset's search index (queued job)",
  description:
    "Recreates the index under the newest search key and the dataset's current paths. " +
    "Searches keep answering from the old index until the new one is complete. " +
    "Started automatically when search settings change and after every key rotation. 409 when search is off.",
  request: { params: z.object({ id: idParam("ds") }) },
  responses: { 202: jsonResponse(RebuildJobSchema, "The job was queued"), ...pick(401, 403, 404, 409, 422, 503) },
});

export const searchRoutes = router()
  .openapi(searchRoute, async (c) => {
    const page = await search(c.env, auditScope(c), c.req.valid("query"));
    if (page.truncated) c.header("Search-Truncated", "true");
    return c.json({ items: page.items, next_cursor: page.next_cursor }, 200);
  })
  .openapi(rebuildRoute, async (c) => {
    const dataset = await datasets.getDatasetRow(c.env.DB, tenantOf(c).tenantId, c.req.valid("param").id);
    const job = await startSearchRebuild(c.env, auditScope(c), dataset, "requested");
    c.header("Location", `/api/v1/jobs/${job.job_id}`);
    return c.json(job, 202);
  });
