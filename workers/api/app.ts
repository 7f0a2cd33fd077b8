/** The API worker's Hono app: middleware, resource routers, OpenAPI document, error handling. */
import { requestId } from "hono/request-id";
import { bodyGuard } from "./middleware/body-guard";
import { onError, onNotFound } from "./middleware/errors";
import { registerRoutes } from "./middleware/allowed-methods";
import { requestLog } from "./middleware/request-log";
import { router } from "./openapi";
import { auditRoutes } from "./routes/audit";
import { datasetRoutes } from "./routes/datasets";
import { healthRoutes } from "./routes/health";
import { tenantRoutes } from "./routes/tenants";

const app = router();

app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
app.use("*", requestLog);
app.use("/api/*", bodyGuard());

const routes = app
  .route("/", healthRoutes)
  .route("/api/v1/tenants", tenantRoutes)
  .route("/api/v1/datasets", datasetRoutes)
  .route("/api/v1/audit", auditRoutes);

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
