import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { listRecords, postRecord } from "../records/helpers";

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const BAD_SEQ = [
  '{"seq":-1}',
  '{"seq":1.5}',
  '{"seq":1e400}',
  '{"seq":99999999999999999999}',
  '{"seq":"1"}',
  '{"seq":1,"x":2}',
  "[1]",
  "null",
];

describe("cursors are validated on every paginated route", () => {
  it("records: a seq that is not a non-negative safe integer is a 400 problem; a real cursor works", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {});
    for (let i = 0; i < 3; i++) await postRecord(token, ds.id, { i });
    for (const c of BAD_SEQ) {
      const problem = await expectProblem(
        await call(`/api/v1/datasets/${ds.id}/records?cursor=${b64url(c)}`, { token }),
        400,
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: "$.cursor" })]);
    }
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/records?cursor=%21%21`, { token }), 400);
    const first = await listRecords(token, ds.id, { limit: "2" });
    const next = await listRecords(token, ds.id, { limit: "2", cursor: first.next_cursor! });
    expect(next.items).toHaveLength(1);
  });

  it("audit logs and datasets refuse malformed cursors the same way", async () => {
    const { token } = await newTenant();
    for (const c of ['{"s":-1,"f":"x"}', '{"s":1e400,"f":"x"}', '{"s":1}', '{"s":2.5,"f":"x"}']) {
      await expectProblem(await call(`/api/v1/audit/logs?cursor=${b64url(c)}`, { token }), 400);
    }
    for (const c of ['{"id":""}', '{"id":5}', '{"id":"x","seq":1}']) {
      await expectProblem(await call(`/api/v1/datasets?cursor=${b64url(c)}`, { token }), 400);
    }
  });
});
