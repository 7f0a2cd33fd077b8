import { describe, expect, it } from "vitest";
import { call, callJson, createDataset, newTenant } from "../helpers/api";

describe("smoke", () => {
  it("healthz", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
  it("tenant, key, dataset round trip", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema: { type: "object" } });
    const { body } = await callJson(`/api/v1/datasets/${ds.id}`, { token }, 200);
    expect(body.name).toBe(ds.name);
  });
});
