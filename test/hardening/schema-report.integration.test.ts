import { describe, expect, it } from "vitest";
import { call, callJson, createDataset, expectProblem, newTenant } from "../helpers/api";
import { waitForReport } from "../records/helpers";

describe("schema patterns over stored records", () => {
  it("a record too large for the pattern budget is a 413 on write, and reported (not fatal) by the validation report", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const big = { s: "a".repeat(1_000_000) };
    await callJson(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: big } }, 201);
    await callJson(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: { s: "aaa!" } } }, 201);
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    const { res } = await callJson(`/api/v1/datasets/${ds.id}`, { token }, 200);
    await callJson(
      `/api/v1/datasets/${ds.id}`,
      { method: "PUT", token, body: { schema }, headers: { "If-Match": res.headers.get("etag")! } },
      200,
    );
    const refused = await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: big } }),
      413,
    );
    expect(refused.type).toMatch(/scan-limit-exceeded$/);

    await callJson(`/api/v1/datasets/${ds.id}/validation-report`, { token, method: "POST" }, 202);
    const report = await waitForReport(token, ds.id);
    expect(report).toMatchObject({ status: "complete", checked: 2, invalid: 2 });
    expect(report.items[0].errors).toEqual([{ path: "$", message: expect.stringMatching(/Schema patterns may do/) }]);
    expect(report.items[1].errors).toEqual([{ path: "$.s", message: "String does not match pattern." }]);
  });
});
