/** Which methods a path answers, for 405 responses with an Allow header. */
interface RouteLike {
  method: string;
  path: string;
}

let table: { pattern: RegExp; method: string }[] = [];

/** Called once with the app's routes after they are all registered. */
export function registerRoutes(routes: readonly RouteLike[]): void {
  table = routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({
      method: r.method,
      pattern: new RegExp("^" + r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+") + "/?$"),
    }));
}

export function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const r of table) if (r.pattern.test(path)) methods.add(r.method);
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
