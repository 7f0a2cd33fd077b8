/** The API worker's Hono app: middleware, resource routers, OpenAPI document, error handling. */
import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { onError, onNotFound } from "./middleware/errors";
import { methodGuard, registerRoutes } from "./middleware/allowed-methods";
import { requestLog } from "./middleware/request-log";
import { router } from "./openapi";
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
import { importRoutes } from "./routes/imports";
import { exportRoutes } from "./routes/exports";
import { piiRoutes } from "./routes/pii";
import { tenantRoutes } from "./routes/tenants";
import { transitRoutes } from "./routes/transit";
import { transitKeyRoutes } from "./routes/transit-keys";

const app = router();

app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
app.use("*", requestLog);
// A path that exists answers 405 with Allow for any other method, before a route can misread it.
app.use("*", methodGuard);
// Phases (auth, dataset lookup, object calls) are always timed, cheaply; the header is only
// sent with SERVER_TIMING=1 (load tests), since it tells a client where its request spent time.
app.use("*", timing({ enabled: (c) => c.env.SERVER_TIMING === "1", totalDescription: "app" }));
// Body rules (media type, size limit, I-JSON reading) are each route's own: see route-access.ts.

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
