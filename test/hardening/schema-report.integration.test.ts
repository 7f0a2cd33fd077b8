import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant, updateDataset } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postRecord, waitForReport } from "../records/helpers";

describe("schema patterns over stored records", () => {
  it("a record too large for the pattern budget is a 413 on write, and reported (not fatal) by the validation report", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const big = { s: "a".repeat(1_000_000) };
    await postRecord(token, ds.id, big);
    await postRecord(token, ds.id, { s: "aaa!" });
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    await updateDataset(token, ds.id, { schema });
    const refused = await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: big } }),
      413,
    );
    expect(refused.type).toMatch(/scan-limit-exceeded$/);

    await expectJson(
      await client(token).api.v1.datasets[":id"]["validation-report"].$post({ param: { id: ds.id } }),
      202,
    );
    const report = await waitForReport(token, ds.id);
    expect(report).toMatchObject({ status: "complete", checked: 2, invalid: 2 });
    expect(report.items[0].errors).toEqual([{ path: "$", message: expect.stringMatching(/Schema patterns may do/) }]);
    expect(report.items[1].errors).toEqual([{ path: "$.s", message: "String does not match pattern." }]);
  });
});
