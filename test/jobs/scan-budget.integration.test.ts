// The tenant-pattern scan budget in dataset jobs is per record (what one request may cost):
// a tenant with a custom recognizer scans and anonymizes ordinary datasets of thousands of
// records, while a record its recognizers cannot finish on is skipped, counted and listed by
// id among the job's errors — never reported as clean, never anonymized half-way.
import { describe, expect, it } from "vitest";
import { createDataset, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { createRecognizer } from "../pii/helpers";
import { postAll, startJob } from "./helpers";

const jobDetail = async (token: string, id: string) =>
  expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id } }), 200);
const jobResult = async (token: string, id: string) =>
  expectJson(await client(token).api.v1.jobs[":id"].result.$get({ param: { id } }), 200);

/** ~290 characters of ordinary text, an employee id in every other record. */
const ordinary = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    i,
    text: "The quick brown fox jumps over the lazy dog. ".repeat(6) + (i % 2 ? ` EMP-${100000 + i}` : " nothing"),
  }));

describe("dataset jobs with custom recognizers", () => {
  it("scan and anonymize thousands of ordinary records: the scan budget is per record, not per chunk", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const data = ordinary(3000);
    await postAll(token, ds.id, data);
    await createRecognizer(token, { name: "emp", entity: "EMPLOYEE_ID", pattern: "EMP-[0-9]{6}", score: 0.9 });

    const scan = await waitForJob(token, (await startJob(token, ds.id, { type: "pii-scan" })).id);
    expect(scan.error).toBeNull();
    expect(scan.status).toBe("succeeded");
    expect(scan.progress).toMatchObject({ records_scanned: 3000, "findings.EMPLOYEE_ID": 1500, scan_limited: 0 });

    const anon = await waitForJob(
      token,
      (
        await startJob(token, ds.id, {
          type: "anonymize",
          target: "in_place",
          operators: { EMPLOYEE_ID: { type: "redact" } },
        })
      ).id,
    );
    expect(anon.error).toBeNull();
    expect(anon.status).toBe("succeeded");
    expect(anon.progress).toMatchObject({ items: 3000, anonymized: 1500, scan_limited: 0 });
    const after = await allRecords(token, ds.id);
    expect(JSON.stringify(after)).not.toMatch(/EMP-\d{6}/);
  });

  it("a record that goes past its own budget is skipped, counted and listed by id; the others are scanned", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    // More matches than one request may keep (TENANT_MAX_MATCHES): this record alone exceeds its budget.
    const hostile = { text: "a".repeat(120_000) };
    const data = [{ email: "maria@example.com" }, hostile, { email: "john@example.org", note: "a" }];
    const created = await postAll(token, ds.id, data);
    await createRecognizer(token, { name: "letter", entity: "LETTER_A", pattern: "a", score: 0.9 });

    const scan = await waitForJob(token, (await startJob(token, ds.id, { type: "pii-scan" })).id);
    expect(scan.status).toBe("succeeded");
    expect(scan.error).toMatch(/^scan-limit-exceeded: 1 records were not scanned/);
    expect(scan.progress).toMatchObject({ items: 3, scan_limited: 1, records_scanned: 2, "findings.EMAIL": 2 });
    const detail = await jobDetail(token, scan.id);
    expect(detail.first_errors).toHaveLength(1);
    expect(detail.first_errors[0].line).toBe(2);
    expect(detail.first_errors[0].reason).toContain(`record ${created[1].id} was skipped: scan-limit-exceeded`);
    expect(detail.first_errors[0].reason).toContain("'letter'");
    const report = (await jobResult(token, scan.id)).result;
    expect(report.records_scanned).toBe(2);
    expect(JSON.stringify(report.samples)).not.toContain(created[1].id);

    const anon = await waitForJob(
      token,
      (
        await startJob(token, ds.id, {
          type: "anonymize",
          target: "in_place",
          operators: { EMAIL: { type: "redact" }, LETTER_A: { type: "redact" } },
        })
      ).id,
    );
    expect(anon.status).toBe("succeeded");
    expect(anon.error).toMatch(/scan-limit-exceeded: 1 records were left unchanged/);
    expect(anon.progress).toMatchObject({ items: 3, anonymized: 2, scan_limited: 1 });
    const after = new Map((await allRecords(token, ds.id)).map((r) => [r.id, r]));
    // The skipped record is byte for byte what was stored, at its first version; the others are anonymized.
    expect(after.get(created[1].id)!.data).toEqual(hostile);
    expect((after.get(created[1].id) as unknown as { version: number }).version).toBe(1);
    expect(JSON.stringify(after.get(created[0].id)!.data)).not.toContain("maria@example.com");
  });
});
