// The pii-scan dataset job end to end through the real queue: the report agrees with what
// POST /pii/detect finds on the same records, never holds a value, is sealed at rest, is
// compared with the previous scan, can cover only records written since; every message
// delivered twice or two copies at once changes nothing; other tenants get 404.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { reportKey } from "../../src/shared/jobs/types/pii-scan";
import { logs } from "../audit/helpers";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { waitForJob } from "../imports/helpers";
import { postAll, runJob, startJob } from "./helpers";

const people = [
  {
    name: "Maria Garcia",
    contact: { email: "maria.garcia@example.com", phones: ["+1 415 555 0132"] },
    note: "SSN 123-45-6789 on file",
  },
  { name: "John Smith", contact: { email: "j.smith@example.org", phones: [] }, note: "nothing to see" },
  { title: "plain", n: 3 },
  {
    name: "Ana Lopez",
    contact: { email: "ana@example.net", phones: ["+44 20 7946 0958", "+1 212 555 0199"] },
    note: "card 4111 1111 1111 1111",
  },
];

/** GET /jobs/{id}/result; fails unless 200. */
const jobResult = async (token: string, jobId: string) =>
  expectJson(await client(token).api.v1.jobs[":id"].result.$get({ param: { id: jobId } }), 200);

async function scan(
  token: string,
  datasetId: string,
  body: { since_last_scan?: boolean; from_seq?: number; to_seq?: number } = {},
) {
  const started = await startJob(token, datasetId, { type: "pii-scan", samples: 100, ...body });
  const job = await waitForJob(token, started.id);
  expect(job.status).toBe("succeeded");
  return { job, report: (await jobResult(token, job.id)).result };
}

const pattern = (p: string) => p.replace(/\[\d+\]/g, "[*]");

describe("pii-scan job", () => {
  it("reports per type and path what /pii/detect finds on the same records, with positions and no values", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const created = await postAll(token, ds.id, people);
    const { job, report } = await scan(token, ds.id);

    // The expectation comes from the public detect endpoint, record by record.
    const expected: { record_id: string; type: string; path: string; start: number; end: number; score: number }[] = [];
    for (const [i, data] of people.entries()) {
      const body = await expectJson(await client(token).api.v1.pii.detect.$post({ json: { data } }), 200);
      for (const f of body.findings)
        expected.push({
          record_id: created[i].id,
          type: f.type,
          path: f.path!, // data input: every finding has a path
          start: f.start,
          end: f.end,
          score: f.score,
        });
    }
    expect(expected.length).toBeGreaterThan(5);
    const samples = Object.entries(
      report.samples as Record<
        string,
        { record_id: string; path: string; start: number; end: number; score: number }[]
      >,
    ).flatMap(([type, list]) => list.map((s) => ({ type, ...s })));
    const key = (f: { record_id: string; type: string; path: string; start: number }) =>
      `${f.record_id}|${f.type}|${f.path}|${f.start}`;
    expect(samples.map(key).sort()).toEqual(expected.map(key).sort());
    expect(new Map(samples.map((s) => [key(s), [s.end, s.score]]))).toEqual(
      new Map(expected.map((f) => [key(f), [f.end, f.score]])),
    );

    expect(report.records_scanned).toBe(people.length);
    expect(report.findings).toBe(expected.length);
    expect(report.records_with_findings).toBe(new Set(expected.map((f) => f.record_id)).size);
    for (const type of new Set(expected.map((f) => f.type))) {
      const ofType = expected.filter((f) => f.type === type);
      expect(report.entities[type].findings).toBe(ofType.length);
      expect(report.entities[type].records).toBe(new Set(ofType.map((f) => f.record_id)).size);
      expect(report.entities[type].histogram.reduce((a: number, b: number) => a + b, 0)).toBe(ofType.length);
      for (const path of new Set(ofType.map((f) => pattern(f.path)))) {
        const atPath = ofType.filter((f) => pattern(f.path) === path);
        expect(report.entities[type].paths[path]).toMatchObject({
          findings: atPath.length,
          records: new Set(atPath.map((f) => f.record_id)).size,
        });
      }
      // The job's summary carries the counts per type.
      expect(job.progress[`findings.${type}`]).toBe(ofType.length);
    }
    expect(report.entities.EMAIL.paths["$.contact.email"].records).toBe(3);
    expect(report.compared_with).toBeNull();

    // No value, in the report or at rest; the stored report is sealed.
    const text = JSON.stringify(report);
    for (const v of ["maria.garcia@example.com", "123-45-6789", "4111 1111 1111 1111", "Maria", "+1 415 555 0132"])
      expect(text).not.toContain(v);
    const listed = await env.BLOBS.list({ prefix: `pii-scans/` });
    const mine = listed.objects.filter((o) => o.key.includes(job.id));
    // The chunks' parts are gone once the report is written.
    expect(mine.map((o) => o.key)).toEqual([reportKey({ tenantId: tenant.id, datasetId: ds.id }, job.id)]);
    const raw = new TextDecoder().decode(await (await env.BLOBS.get(mine[0].key))!.arrayBuffer());
    expect(raw).not.toContain("records_scanned");
    expect(raw).not.toContain("EMAIL");

    const audit = await logs(token, { action: "job.result.read" });
    expect(audit.items.map((e) => e.resource.job_id)).toContain(job.id);
  });

  it("compares with the previous scan, scans only what was written since when asked, and lists the scans", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, [{ contact: { email: "a@example.com" } }, { contact: { email: "b@example.com" } }]);
    const first = await scan(token, ds.id);
    expect(Object.keys(first.report.entities)).toEqual(["EMAIL"]);
    const later = await postAll(token, ds.id, [
      { contact: { email: "c@example.com" } },
      { billing: { iban: "DE89 3704 0044 0532 0130 00" } },
    ]);

    const since = await scan(token, ds.id, { since_last_scan: true });
    expect(since.report.records_scanned).toBe(2);
    expect(since.report.from_seq).toBe(later[0].seq);
    expect(since.report.compared_with!.job_id).toBe(first.job.id);
    expect(since.report.compared_with!.new_types).toEqual(["IBAN"]);
    expect(since.report.compared_with!.new_paths).toEqual([{ type: "IBAN", path: "$.billing.iban" }]);
    expect(since.job.progress).toMatchObject({
      records_scanned: 2,
      new_types: 1,
      "findings.IBAN": 1,
      "findings.EMAIL": 1,
    });

    const range = await scan(token, ds.id, { from_seq: 1, to_seq: 1 });
    expect(range.report.records_scanned).toBe(1);
    expect(range.report.compared_with!.new_types).toEqual([]);

    const list = await expectJson(
      await client(token).api.v1.datasets[":id"].jobs.$get({ param: { id: ds.id }, query: { type: "pii-scan" } }),
      200,
    );
    expect(list.items.map((j) => j.id)).toEqual([range.job.id, since.job.id, first.job.id]);
  });

  it("rejects bad input with a problem document and isolates tenants on every job route", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, people);
    const { job } = await scan(token, ds.id);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "nope" } }), 422);
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "pii-scan", from_seq: 5, to_seq: 2 } }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "pii-scan", entities: ["NOT_A_TYPE"] } }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "pii-scan", extra: 1 } }),
      422,
    );

    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token: other.token, body: { type: "pii-scan" } }),
      404,
    );
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/jobs`, { token: other.token }), 404);
    await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token: other.token }), 404);

    // jobs:write alone does not let a key read content through a scan.
    const limited = await createKey(tenant.id, ["jobs:write", "jobs:read"]);
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token: limited.key, body: { type: "pii-scan" } }),
      403,
    );
  });

  it("refuses since_last_scan with from_seq or to_seq (422, no job), and a report to a key without records:read (403)", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, people);
    for (const range of [{ from_seq: 2 }, { to_seq: 3 }, { from_seq: 1, to_seq: 3 }]) {
      const problem = await expectProblem(
        await call(`/api/v1/datasets/${ds.id}/jobs`, {
          token,
          body: { type: "pii-scan", since_last_scan: true, ...range },
        }),
        422,
      );
      expect(problem.errors).toEqual([
        {
          path: "$.since_last_scan",
          message: "since_last_scan chooses the seqs itself: send it without from_seq and to_seq.",
        },
      ]);
    }
    const listed = await expectJson(
      await client(token).api.v1.datasets[":id"].jobs.$get({ param: { id: ds.id }, query: {} }),
      200,
    );
    expect(listed.items).toHaveLength(0);
    // Either way of choosing the seqs alone is taken.
    const { job } = await scan(token, ds.id, { from_seq: 1, to_seq: 2 });
    await scan(token, ds.id, { since_last_scan: true });

    // jobs:read shows the job, but its report names records holding PII: it needs records:read too.
    const jobsOnly = await createKey(tenant.id, ["jobs:read"]);
    const summary = await expectJson(
      await client(jobsOnly.key).api.v1.jobs[":id"].$get({ param: { id: job.id } }),
      200,
    );
    expect(summary.progress.findings).toBeGreaterThan(0);
    const denied = await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token: jobsOnly.key }), 403);
    expect(denied.detail).toContain("records:read");
    const refusals = await logs(token, { action: "auth.scope_denied" });
    expect(refusals.items.map((e) => e.details)).toContainEqual({
      scope: "records:read",
      route: "GET /jobs/{id}/result",
    });
    const reader = await createKey(tenant.id, ["jobs:read", "records:read"]);
    const report = await expectJson(
      await client(reader.key).api.v1.jobs[":id"].result.$get({ param: { id: job.id } }),
      200,
    );
    expect(report.result.records_scanned).toBe(2);
    // Another tenant's job is still 404, with or without the scope.
    const other = await newTenant();
    await expectProblem(await call(`/api/v1/jobs/${job.id}/result`, { token: other.token }), 404);
  });

  it("delivering every message twice, or two copies at once, gives the same report and one finish", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const records = Array.from({ length: 6000 }, (_, i) =>
      i % 3 === 0 ? { i, contact: { email: `user${i}@example.com` } } : { i, text: "plain words" },
    );
    await postAll(token, ds.id, records);
    const baseline = (await scan(token, ds.id)).report;
    expect(baseline.records_scanned).toBe(6000);
    expect(baseline.entities.EMAIL.findings).toBe(2000);

    for (const mode of ["twice", "concurrent"] as const) {
      const job = await runJob(
        tenant.id,
        { kind: "pii-scan", datasetId: ds.id, params: { type: "pii-scan", samples: 5 } },
        mode,
        undefined,
        1000,
      );
      const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
      expect(done.status).toBe("succeeded");
      expect(done.ranges.length).toBe(2);
      expect(done.progress).toMatchObject({
        items: 6000,
        records_scanned: 6000,
        findings: 2000,
        "findings.EMAIL": 2000,
        "records.EMAIL": 2000,
      });
      const report = (await jobResult(token, job.id)).result;
      expect(report.entities).toEqual(baseline.entities);
      expect(report.samples.EMAIL.map((s) => s.record_id)).toEqual(
        baseline.samples.EMAIL.slice(0, 5).map((s) => s.record_id),
      );
      const finishes = await logs(token, { action: "job.finish", limit: 100 });
      expect(finishes.items.filter((ev) => ev.resource.job_id === job.id)).toHaveLength(1);
    }
  });
});
