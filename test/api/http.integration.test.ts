import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";

describe("HTTP behaviour shared by every route", () => {
  it("echoes a valid X-Request-Id and replaces an invalid one", async () => {
    let res = await call("/healthz", { headers: { "X-Request-Id": "client-req-123" } });
    expect(res.headers.get("x-request-id")).toBe("client-req-123");
    await res.body?.cancel();
    res = await call("/healthz", { headers: { "X-Request-Id": "bad id with spaces" } });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await res.body?.cancel();
    res = await call("/healthz", { headers: { "X-Request-Id": "x".repeat(200) } });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await res.body?.cancel();
  });

  it("puts the request id into problem documents", async () => {
    const res = await call("/api/v1/nothing-here", { headers: { "X-Request-Id": "trace-42" } });
    const p = await expectProblem(res, 404);
    expect(p.request_id).toBe("trace-42");
  });

  it("answers 405 with Allow for a known path and a wrong method", async () => {
    const { token } = await newTenant();
    const res = await call("/api/v1/datasets", { method: "PATCH", token });
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
    await expectProblem(res, 405);
    const one = await call("/api/v1/datasets/ds_01M8D7FC3N01XM8X2HV5R7MNCG", { method: "POST", token, body: {} });
    expect(one.headers.get("allow")).toBe("DELETE, GET, HEAD, PUT");
    await expectProblem(one, 405);
  });

  it("serves an OpenAPI 3.1 document describing every route, its auth and its errors", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    const paths = doc.paths as Record<string, Record<string, any>>;
    for (const [path, method] of [
      ["/api/v1/tenants", "post"],
      ["/api/v1/tenants/{id}/keys", "post"],
      ["/api/v1/tenants/{id}/keys/{keyId}", "delete"],
      ["/api/v1/datasets", "post"],
      ["/api/v1/datasets", "get"],
      ["/api/v1/datasets/{id}", "get"],
      ["/api/v1/datasets/{id}", "put"],
      ["/api/v1/datasets/{id}", "delete"],
    ] as const) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security?.length, `${method} ${path} security`).toBeGreaterThan(0);
      expect(op.responses["401"], `${method} ${path} 401`).toBeDefined();
    }
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.securitySchemes.apiKey.scheme).toBe("bearer");
  });
});
