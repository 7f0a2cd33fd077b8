/** Entry point of the API worker: the HTTP app and the Durable Object classes it hosts. */
import app from "./app";

export { DatasetObject } from "../../durable-objects/dataset-object";
export { TenantObject } from "../../durable-objects/tenant-object";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
