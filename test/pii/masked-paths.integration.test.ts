// A member name in which PII was found is written `[<key>]` in every path the vault shows or keeps: in a record
// write's 422 `pii-rejected`, in an import's error report and its job's `first_errors`, and in a scan report, both in
// the name's own `~` path and in the paths of the values below it, even when the name looks like a field name
// (`Mary_Johnson`, a PERSON). /pii/detect answers the caller who sent the data with the raw paths.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { errorReport, importFile, waitForJob } from "../imports/helpers";
import { postAll, startJob } from "../jobs/helpers";
import { detect } from "./helpers";

const MARY = { by_name: { Mary_Johnson: { ssn: "123-45-6789" } } };

describe("member names with findings are masked in shown paths", () => {
  it("/pii/detect finds the name (the premise) and answers its caller with the raw path", async () => {
    const { token } = await newTenant();
    const { findings } = await detect(token, { data: MARY, entities: ["PERSON", "US_SSN"] });
    expect(findings.map((f) => [f.type, f.path])).toEqual(
      expect.arrayContaining([
        ["PERSON", "$.by_name.Mary_Johnson~"],
        ["US_SSN", "$.by_name.Mary_Johnson.ssn"],
      ]),
    );
  });

  it("a record write's 422 pii-rejected masks the name in its own path and in the paths below it", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: { rules: { PERSON: { action: "reject" }, US_SSN: { action: "reject" } } },
    });
    const res = await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: MARY } });
    const p = await expectProblem(res, 422);
    expect(p.type).toMatch(/pii-rejected$/);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(["$.data.by_name[<key>].ssn", "$.data.by_name[<key>]~"]);
    expect(JSON.stringify(p)).not.toContain("Mary");
  });

  it("an import's error report and its job's first_errors mask the name", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: { rules: { PERSON: { action: "reject" } } } });
    const lines = [{ by_name: { Mary_Johnson: 1 } }, { ok: 1 }].map((l) => JSON.stringify(l)).join("\n") + "\n";
    const imp = await importFile(token, ds.id, lines, "application/x-ndjson");
    const job = await waitForJob(token, imp.job_id);
    expect(job.first_errors.map((e) => e.path)).toEqual(["$.by_name[<key>]~"]);
    const report = await errorReport(token, ds.id, imp.id);
    expect(report.map((e) => [e.line, e.path])).toEqual([[1, "$.by_name[<key>]~"]]);
    expect(JSON.stringify([job, report])).not.toContain("Mary");
  });

  it("a scan report masks the name in its `~` path, in the paths below it and in its samples", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, [MARY, { people: { ssn: "123-45-6789" } }]);
    const started = await startJob(token, ds.id, { type: "pii-scan", samples: 100 });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    const { result: report } = await expectJson(
      await client(token).api.v1.jobs[":id"].result.$get({ param: { id: job.id } }),
      200,
    );
    expect(Object.keys(report.entities.PERSON.paths)).toContain("$.by_name[<key>]~");
    expect(Object.keys(report.entities.US_SSN.paths).sort()).toEqual(["$.by_name[<key>].ssn", "$.people.ssn"]);
    expect(report.samples.US_SSN.map((s) => s.path).sort()).toEqual(["$.by_name[<key>].ssn", "$.people.ssn"]);
    expect(JSON.stringify(report)).not.toContain("Mary");
  });
});
