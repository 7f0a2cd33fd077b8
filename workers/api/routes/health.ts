/** Liveness: answers without touching storage. */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonResponse, router } from "../openapi";

const health = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "Liveness check",
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }).openapi("Health"), "Alive") },
});

export const healthRoutes = router().openapi(health, (c) => c.json({ ok: true as const }, 200));
