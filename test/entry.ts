// Test entry: the API worker plus the queue consumer in one module, so tests see real
// queue delivery. Production runs them as two workers (see workers/queue-consumer).
import api from "../workers/api/index";
import consumer from "../workers/queue-consumer/index";

export { DatasetObject, AuditLogObject } from "../workers/api/index";

export default {
  fetch: api.fetch,
  queue: consumer.queue,
} satisfies ExportedHandler<Env>;
