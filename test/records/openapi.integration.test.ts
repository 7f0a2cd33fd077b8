import { describe, expect, it } from "vitest";
import { openapiDocument } from "../helpers/api";

describe("OpenAPI document", () => {
  it("describes the records routes, their bodies and limits", async () => {
    const body = await openapiDocument();
    const paths = body.paths as Record<
      string,
      Record<string, { summary?: string; requestBody?: unknown; parameters?: { name: string }[] }>
    >;
    expect(Object.keys(paths["/api/v1/datasets/{id}/records"]).sort()).toEqual(["get", "post"]);
    expect(paths["/api/v1/datasets/{id}/records/batch"].post.summary).toMatch(/1000/);
    expect(Object.keys(paths["/api/v1/datasets/{id}/records/{recordId}"]).sort()).toEqual(["delete", "get", "put"]);
    expect(paths["/api/v1/datasets/{id}/records"].post.parameters?.map((p) => p.name)).toContain("idempotency-key");
    expect(paths["/api/v1/datasets/{id}/rotate-key"].post).toBeDefined();
    expect(Object.keys(paths["/api/v1/datasets/{id}/validation-report"]).sort()).toEqual(["get", "post"]);
    expect(paths["/api/v1/validate"].post).toBeDefined();
    expect(paths["/api/v1/tenants/{id}/rewrap-keys"].post).toBeDefined();
    expect(paths["/api/v1/datasets/{id}"].delete.parameters?.map((p) => p.name)).toContain("purge");
    expect(body.components.schemas.WriteRecord.properties.data.type).toBe("object");
  });
});
