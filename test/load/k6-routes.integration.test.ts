/// <reference types="vite/client" />
// Every request the k6 scripts of load/k6/ send names a route and method of the real app's
// /openapi.json, so a renamed or removed route breaks a test, not a load run at the edge.
import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";

// Vite inlines the scripts' text at build time: workerd has no file system to read them from.
const sources = import.meta.glob("../../load/k6/**/*.js", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

const REQUEST = /\brequest\(\s*"([A-Z]+)",\s*"([^"]+)"/g;

/** "/api/v1/datasets/{id}/records" and "/api/v1/datasets/{datasetId}/records" are the same route. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, "{}");

function requestsIn(source: string) {
  return [...source.matchAll(REQUEST)].map((m) => ({ method: m[1]!.toLowerCase(), path: m[2]! }));
}

describe("load/k6 scripts against /openapi.json", () => {
  it("reads the scripts and finds their requests", () => {
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(20);
    const all = Object.values(sources).flatMap(requestsIn);
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  it("sends every request through lib/api.js request() with a literal method and OpenAPI path", () => {
    for (const [file, text] of Object.entries(sources)) {
      const source = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      const calls = source.match(/\brequest\(/g)?.length ?? 0;
      const definitions = source.match(/\bfunction request\(/g)?.length ?? 0;
      // A request() whose method or path is not a literal could not be checked below.
      expect(requestsIn(source).length, file).toBe(calls - definitions);
      if (!file.endsWith("/lib/api.js")) expect(source, file).not.toMatch(/\basyncRequest\(/);
    }
  });

  it("names only routes and methods the app documents", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = new Map<string, Set<string>>();
    for (const [path, ops] of Object.entries(doc.paths)) routes.set(shape(path), new Set(Object.keys(ops)));
    const missing: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const r of requestsIn(source)) {
        if (!routes.get(shape(r.path))?.has(r.method)) missing.push(`${file}: ${r.method.toUpperCase()} ${r.path}`);
      }
    }
    expect(missing).toEqual([]);
    // The check can fail: a path the app does not have is reported.
    expect(routes.get(shape("/api/v1/no-such-resource"))).toBeUndefined();
  });
});
