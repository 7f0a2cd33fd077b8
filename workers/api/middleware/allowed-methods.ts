/**
 * @module
 * Which methods a path answers, for 405 responses with an Allow header (RFC 9110 §15.5.6).
 *
 * A request path is matched against the path templates of the app, and the most specific
 * template wins: literal segments beat parameters, compared left to right, as the router
 * itself would choose. So `PUT /datasets/{id}/records/batch` is a 405 with `Allow: POST`
 * (the literal `batch` template), not a 422 from `PUT /datasets/{id}/records/{recordId}`
 * complaining that "batch" is not a record id. `methodGuard` answers before any route runs,
 * for every path, present and future.
 *
 * Why not `hono/method-not-allowed` (Hono 4.13.19, checked against the every-route test): it
 * runs after the route, and only turns a plain 404 with no route error into a 405, and its Allow
 * is the union of every template matching the path. With a dataset `ds_X`:
 * - `GET /api/v1/datasets/ds_X/records/batch` reaches `GET …/records/{recordId}` and answers
 *   422 "$path.recordId: not a valid id" (ours: 405, `Allow: POST`); DELETE likewise;
 * - `PATCH` on the same path is a 405 with `Allow: POST, GET, HEAD, PUT, DELETE`
 *   (ours: `Allow: POST`, the methods of the literal `batch` template only).
 *
 * @example
 * registerRoutes(app.routes); // once, after every route is registered
 * app.use("*", methodGuard);  // registered before the routes
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../../../src/shared/errors";
import type { AppEnv } from "../context";

interface RouteLike {
  method: string;
  path: string;
}

interface Template {
  /** Literal segments, or null for a parameter. */
  segments: (string | null)[];
  methods: Set<string>;
}

let templates: Template[] = [];

const split = (path: string) => path.split("/").filter((s, i, all) => s !== "" || (i > 0 && i < all.length - 1));

/** Called once with the app's routes after they are all registered. */
export function registerRoutes(routes: readonly RouteLike[]): void {
  const byPath = new Map<string, Template>();
  for (const r of routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    let t = byPath.get(r.path);
    if (!t) {
      t = { segments: split(r.path).map((s) => (s.startsWith(":") ? null : s)), methods: new Set() };
      byPath.set(r.path, t);
    }
    t.methods.add(r.method);
    if (r.method === "GET") t.methods.add("HEAD");
  }
  templates = [...byPath.values()];
}

/** True when template `a` is more specific than `b` (both match the same path). */
function moreSpecific(a: Template, b: Template): boolean {
  for (let i = 0; i < a.segments.length; i++) {
    if ((a.segments[i] === null) !== (b.segments[i] === null)) return a.segments[i] !== null;
  }
  return false;
}

/** The methods of the most specific template matching `path`, sorted; empty when none matches. */
export function allowedMethods(path: string): string[] {
  const parts = split(path);
  let best: Template | undefined;
  for (const t of templates) {
    if (t.segments.length !== parts.length) continue;
    if (!t.segments.every((s, i) => s === null || s === parts[i])) continue;
    if (!best || moreSpecific(t, best)) best = t;
  }
  return best ? [...best.methods].sort() : [];
}

/** The 405 problem for a method the path does not answer. */
export function methodNotAllowed(method: string, path: string, allow: string[]): ProblemError {
  return new ProblemError(405, "method-not-allowed", {
    detail: `${method} is not allowed on ${path}; it answers ${allow.join(", ")}.`,
    headers: { Allow: allow.join(", ") },
  });
}

/** 405 with Allow before any route runs, when the path exists but not with this method. */
export const methodGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const allow = allowedMethods(c.req.path);
  if (allow.length && !allow.includes(c.req.method)) throw methodNotAllowed(c.req.method, c.req.path, allow);
  return next();
};
