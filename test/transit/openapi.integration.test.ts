import { describe, expect, it } from "vitest";
import { openapiDocument } from "../helpers/api";

describe("transit in the OpenAPI document", () => {
  it("documents every transit route with its security", async () => {
    const body = await openapiDocument();
    const paths = body.paths as Record<
      string,
      Record<string, { security?: unknown[]; requestBody?: { content: Record<string, unknown> } }>
    >;
    for (const [path, method] of [
      ["/api/v1/keys", "post"],
      ["/api/v1/keys", "get"],
      ["/api/v1/keys/{name}", "get"],
      ["/api/v1/keys/{name}", "patch"],
      ["/api/v1/keys/{name}", "delete"],
      ["/api/v1/keys/{name}/rotate", "post"],
      ["/api/v1/encrypt", "post"],
      ["/api/v1/decrypt", "post"],
      ["/api/v1/rewrap", "post"],
      ["/api/v1/datakey", "post"],
      ["/api/v1/encrypt/{name}", "post"],
      ["/api/v1/decrypt/{name}", "post"],
      ["/api/v1/hash", "post"],
      ["/api/v1/hmac/{name}", "post"],
      ["/api/v1/hmac/{name}/verify", "post"],
    ]) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
      expect(paths[path][method].security).toEqual([{ apiKey: [] }]);
    }
    expect(Object.keys(paths["/api/v1/encrypt/{name}"].post.requestBody!.content)).toEqual([
      "application/octet-stream",
    ]);
    expect(body.components.schemas).toHaveProperty("TransitKey");
    expect(body.components.schemas).toHaveProperty("EncryptRequest");
  });
});
