// The anonymize dataset job (in place) end to end through the real queue: changed records
// get a new version, reversible operators restore with POST /deanonymize, pseudonyms agree
// across records; every message delivered twice or two copies at once writes each record
// once with one audit event per batch; a cancel mid-way leaves each record whole at its old
// or its new version; scopes and tenants are enforced.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { logs } from "../audit/helpers";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { expectAnonymizedPeople, postAll, runJob, startJob, userEmails } from "./helpers";

async function versions(token: string, datasetId: string) {
  const out = new Map<string, number>();
  for (const r of await allRecords(token, datasetId)) out.set(r.id, (r as unknown as { version: number }).version);
  return out;
}

describe("anonymize job (in place)", () => {
  it("writes a new version of each changed record; tokens restore with /deanonymize and pseudonyms agree across records", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const data = [
      { who: { email: "maria.garcia@example.com" }, phone: "+1 415 555 0132", note: "call me" },
      { who: { email: "maria.garcia@example.com" }, phone: "+1 415 555 0132", note: "again" },
      { who: { email: "john@example.org" }, phone: "+1 212 555 0199" },
      { plain: "nothing here", n: 4 },
    ];
    await postAll(token, ds.id, data);
    const before = await allRecords(token, ds.id);
    const started = await startJob(token, ds.id, {
      type: "anonymize",
      target: "in_place",
      operators: { EMAIL: { type: "tokenize" }, PHONE: { type: "pseudonymize" } },
    });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({ items: 4, anonymized: 3, unchanged: 1, invalid: 0, conflicts: 0 });

    const after = await allRecords(token, ds.id);
    const vs = await versions(token, ds.id);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after.map((r) => vs.get(r.id))).toEqual([2, 2, 2, 1]);
    expectAnonymizedPeople(after, data);

    const restored = await expectJson(
      await client(token).api.v1.deanonymize.$post({ json: { data: after[0].data } }),
      200,
    );
    expect((restored.data as { who: { email: string } }).who.email).toBe("maria.garcia@example.com");
    expect(restored.restored.tokens).toBeGreaterThanOrEqual(1);

    const created = await logs(token, { action: "job.create", dataset_id: ds.id });
    expect(created.items[0].details).toMatchObject({
      kind: "anonymize",
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
    });
    const batches = await logs(token, { action: "record.anonymize", dataset_id: ds.id });
    expect(batches.items).toHaveLength(1);
    expect(batches.items[0].details).toMatchObject({
      written: 3,
      conflicts: 0,
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
    });
  });

  it("uses the dataset's policy when no operators are given", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: { rules: { EMAIL: { action: "allow" } } } });
    await postAll(token, ds.id, [{ email: "keep.me@example.com" }]);
    const patched = await client(token).api.v1.datasets[":id"].$put({
      param: { id: ds.id },
      header: { "if-match": `"${ds.id}.v${ds.version}"` },
      json: { pii_policy: { rules: { EMAIL: { action: "anonymize", operator: { type: "redact" } } } } },
    });
    expect(await expectJson(patched, 200)).toMatchObject({ pii_policy: { rules: { EMAIL: { action: "anonymize" } } } });
    const started = await startJob(token, ds.id, { type: "anonymize", target: "in_place" });
    expect(started.params.operators).toEqual({ EMAIL: { type: "redact" } });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    const [rec] = await allRecords(token, ds.id);
    expect(JSON.stringify(rec.data)).not.toContain("keep.me@example.com");
  });

  for (const mode of ["twice", "concurrent"] as const) {
    it(`delivering every message ${mode === "twice" ? "twice" : "as two copies at once"} writes each record once, with one audit event per batch`, async () => {
      const { token, tenant } = await newTenant();
      const ds = await createDataset(token);
      await postAll(token, ds.id, userEmails(1200));
      const job = await runJob(
        tenant.id,
        {
          kind: "anonymize",
          datasetId: ds.id,
          params: { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "pseudonymize" } } },
        },
        mode,
        undefined,
        500,
      );
      const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
      expect(done.status).toBe("succeeded");
      expect(done.progress).toMatchObject({ items: 1200, anonymized: 1200, conflicts: 0 });
      const vs = await versions(token, ds.id);
      expect(new Set(vs.values())).toEqual(new Set([2]));
      const records = await allRecords(token, ds.id);
      expect(JSON.stringify(records)).not.toContain("@example.com");
      // 1200 records in chunks of 500: three batches, each audited once.
      const batches = await logs(token, { action: "record.anonymize", dataset_id: ds.id, limit: 100 });
      expect(batches.items).toHaveLength(3);
      expect(batches.items.reduce((n, e) => n + (e.details.written as number), 0)).toBe(1200);
      const finishes = await logs(token, { action: "job.finish", limit: 100 });
      expect(finishes.items.filter((e) => e.resource.job_id === job.id)).toHaveLength(1);
    });
  }

  it("a cancel mid-way leaves every record whole, at its old or its new version", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const data = Array.from({ length: 1500 }, (_, i) => ({ i, email: `person${i}@example.com` }));
    await postAll(token, ds.id, data);
    const before = new Map((await allRecords(token, ds.id)).map((r) => [r.id, r.data]));
    let jobId = "";
    const job = await runJob(
      tenant.id,
      {
        kind: "anonymize",
        datasetId: ds.id,
        params: { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "redact" } } },
      },
      "once",
      async (n) => {
        // The second chunk's compare-and-set: its batch is written, then the job is cancelled under it.
        if (n === 3 && !jobId) {
          jobId = (await env.DB.prepare("SELECT id FROM jobs WHERE dataset_id = ? AND kind = 'anonymize'")
            .bind(ds.id)
            .first<{ id: string }>())!.id;
          await expectJson(await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id: jobId } }), 200);
        }
      },
      500,
    );
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("cancelled");
    const vs = await versions(token, ds.id);
    const after = await allRecords(token, ds.id);
    let changed = 0;
    for (const r of after) {
      if (vs.get(r.id) === 1) expect(r.data).toEqual(before.get(r.id));
      else {
        expect(vs.get(r.id)).toBe(2);
        expect(JSON.stringify(r.data)).not.toContain("@example.com");
        expect((r.data as { i: number }).i).toBe((before.get(r.id) as { i: number }).i);
        changed++;
      }
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(1500);
    expect(changed % 500).toBe(0);
  });

  it("needs the anonymize scope, rejects bad operators, and answers another tenant with 404", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const limited = await createKey(tenant.id, ["jobs:write", "jobs:read", "pii:detect"]);
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token: limited.key,
        body: { type: "anonymize", target: "in_place" },
      }),
      403,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token,
        body: { type: "anonymize", target: "in_place", operators: { EMAIL: { type: "fpe" } } },
      }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body: { type: "anonymize", target: "elsewhere" } }),
      422,
    );
    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token: other.token,
        body: { type: "anonymize", target: "in_place" },
      }),
      404,
    );
  });
});
