/** The API worker's Hono app: middleware, resource routers, OpenAPI document, error handling. */
import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { bodyGuard } from "./middleware/body-guard";
import { jsonBody } from "./middleware/json-body";
import { onError, onNotFound } from "./middleware/errors";
import { methodGuard, registerRoutes } from "./middleware/allowed-methods";
import { requestLog } from "./middleware/request-log";
import { router } from "./openapi";
import { MAX_BATCH_BYTES, MAX_RECORD_BODY_BYTES } from "../../src/shared/records/limits";
import { anonymizeRoutes } from "./routes/anonymize";
import { datasetMaintenanceRoutes } from "./routes/dataset-maintenance";
import { auditRoutes } from "./routes/audit";
import { datasetRoutes } from "./routes/datasets";
import { recordRoutes } from "./routes/records";
import { searchRoutes } from "./routes/search";
import { tenantJobRoutes } from "./routes/tenant-jobs";
import { tenantKeyRoutes } from "./routes/tenant-keys";
import { validateRoutes } from "./routes/validate";
import { healthRoutes } from "./routes/health";
import { datasetJobRoutes } from "./routes/dataset-jobs";
import { jobRoutes } from "./routes/jobs";
import { IMPORT_BODY_TYPES, importRoutes } from "./routes/imports";
import { exportRoutes } from "./routes/exports";
import { MAX_REQUEST_BYTES } from "../../src/shared/imports/limits";
import { piiRoutes } from "./routes/pii";
import { tenantRoutes } from "./routes/tenants";
import { transitRoutes } from "./routes/transit";
import { transitKeyRoutes } from "./routes/transit-keys";
import {
  RAW_CIPHERTEXT_LIMIT_BYTES,
  RAW_PLAINTEXT_LIMIT_BYTES,
  TRANSIT_JSON_LIMIT_BYTES,
} from "../../src/shared/transit/limits";

const app = router();

app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
app.use("*", requestLog);
// A path that exists answers 405 with Allow for any other method, before a route can misread it.
app.use("*", methodGuard);
// Phases (auth, dataset lookup, object calls) are always timed, cheaply; the header is only
// sent with SERVER_TIMING=1 (load tests), since it tells a client where its request spent time.
app.use("*", timing({ enabled: (c) => c.env.SERVER_TIMING === "1", totalDescription: "app" }));
// Record bodies have their own limits (src/shared/records/limits.ts); the first guard wins.
app.use("/api/v1/datasets/:id/records/batch", bodyGuard({ maxBytes: MAX_BATCH_BYTES }));
app.use("/api/v1/validate", bodyGuard({ maxBytes: MAX_BATCH_BYTES }));
app.use("/api/v1/datasets/:id/records", bodyGuard({ maxBytes: MAX_RECORD_BODY_BYTES }));
app.use("/api/v1/datasets/:id/records/:recordId", bodyGuard({ maxBytes: MAX_RECORD_BODY_BYTES }));
// Transit: raw octet-stream bodies up to 10 MiB of plaintext (framed ciphertext for
// decrypt), and room for 1000-item batches on the JSON operations.
app.use(
  "/api/v1/encrypt/:name",
  bodyGuard({ maxBytes: RAW_PLAINTEXT_LIMIT_BYTES, alsoAccept: /^application\/octet-stream/i }),
);
app.use(
  "/api/v1/decrypt/:name",
  bodyGuard({ maxBytes: RAW_CIPHERTEXT_LIMIT_BYTES, alsoAccept: /^application\/octet-stream/i }),
);
for (const op of ["encrypt", "decrypt", "rewrap"])
  app.use(`/api/v1/${op}`, bodyGuard({ maxBytes: TRANSIT_JSON_LIMIT_BYTES }));
// Imports: a file body (NDJSON, CSV, Parquet, maybe gzip) up to 100 MiB, streamed; parts likewise.
// (A JSON body there, the upload's options, keeps the default JSON limit.)
const importFileGuard = bodyGuard({ maxBytes: MAX_REQUEST_BYTES, alsoAccept: IMPORT_BODY_TYPES });
app.use("/api/v1/datasets/:id/imports", (c, next) =>
  IMPORT_BODY_TYPES.test(c.req.header("content-type") ?? "") ? importFileGuard(c, next) : next(),
);
app.use(
  "/api/v1/datasets/:id/imports/:importId/parts/:part",
  bodyGuard({ maxBytes: MAX_REQUEST_BYTES, alsoAccept: /^application\/octet-stream/i }),
);
app.use("/api/*", bodyGuard());
// Every JSON body is read once, under the I-JSON rules, after its guard allowed it.
app.use("/api/*", jsonBody);

// Only its type is used (AppType, for hono/client); the chain is what registers the routes.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const routes = app
  .route("/", healthRoutes)
  .route("/api/v1/tenants", tenantRoutes)
  .route("/api/v1/tenants", tenantKeyRoutes)
  .route("/api/v1/tenants", tenantJobRoutes)
  .route("/api/v1/datasets", datasetRoutes)
  .route("/api/v1/datasets", recordRoutes)
  .route("/api/v1/datasets", datasetMaintenanceRoutes)
  .route("/api/v1/datasets", importRoutes)
  .route("/api/v1", exportRoutes)
  .route("/api/v1/validate", validateRoutes)
  .route("/api/v1", datasetJobRoutes)
  .route("/api/v1/jobs", jobRoutes)
  .route("/api/v1/audit", auditRoutes)
  .route("/api/v1/pii", piiRoutes)
  .route("/api/v1", anonymizeRoutes)
  .route("/api/v1/keys", transitKeyRoutes)
  .route("/api/v1", transitRoutes)
  .route("/api/v1", searchRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
  type: "http",
  scheme: "bearer",
  description: "A tenant API key: `ldv.<key id>.<secret>`",
});
app.openAPIRegistry.registerComponent("securitySchemes", "operatorToken", {
  type: "http",
  scheme: "bearer",
  description: "The OPERATOR_TOKEN secret",
});
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "llm-data-vault",
    version: "0.1.0",
    description: "Multi-tenant vault for LLM training and evaluation data. Errors are RFC 9457 problem documents.",
  },
});

app.notFound(onNotFound);
app.onError(onError);
registerRoutes(app.routes);

export type AppType = typeof routes;
export default app;
