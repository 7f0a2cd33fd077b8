/** Entry point of the API worker: the HTTP app and the Durable Object classes it hosts. */
import app from "./app";

export { DatasetObject } from "../../durable-objects/dataset-object";
export { AuditLogObject } from "../../durable-objects/audit-log-object";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
