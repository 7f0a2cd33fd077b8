// The anonymize dataset job into a new dataset, end to end through the real queue: the target
// is created with the job (same schema, an `allow` policy, its own key), gets one anonymized
// record per source record in seq order, and the source is untouched; every message delivered
// twice stages and commits nothing twice; a cancel leaves the target empty; a taken name is
// 409, a missing scope 403 and another tenant's dataset 404; tokens restore with /deanonymize.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJob } from "../../src/shared/jobs/service";
import type { JobMessage } from "../../src/shared/queue/messages";
import consumer from "../../workers/queue-consumer/index";
import { call, callJson, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";

async function postAll(token: string, datasetId: string, records: unknown[]) {
  for (let i = 0; i < records.length; i += 1000) {
    await callJson(
      `/api/v1/datasets/${datasetId}/records/batch`,
      { token, body: { records: records.slice(i, i + 1000).map((data) => ({ data })) } },
      201,
    );
  }
}

async function withVersions(token: string, datasetId: string) {
  return (await allRecords(token, datasetId)).map((r) => ({
    id: r.id,
    data: r.data,
    version: (r as unknown as { version: number }).version,
  }));
}

/**
 * Runs a job through the real consumer with every message delivered twice, one copy after the other or both at
 * once (`concurrent`: both copies run the chunk before either moves the cursor); `beforeCas` may act before each batch.
 */
async function driveTwice(
  tenantId: string,
  datasetId: string,
  params: Record<string, unknown>,
  beforeCas?: (n: number) => Promise<void>,
  concurrent = false,
) {
  const sent: JobMessage[] = [];
  const JOBS = {
    async send(body: JobMessage) {
      sent.push(body);
    },
    async sendBatch(messages: { body: JobMessage }[]) {
      for (const m of messages) sent.push(m.body);
    },
  };
  let cas = 0;
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch" && beforeCas) {
        return async (stmts: D1PreparedStatement[]) => {
          await beforeCas(++cas);
          return target.batch(stmts);
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const e = { ...env, JOBS, DB } as unknown as Env;
  const job = await createJob(
    e,
    { tenantId, actor: "test", requestId: null, clientIp: null },
    { kind: "anonymize", datasetId, params },
  );
  let delivered = 0;
  while (sent.length) {
    const msg = sent.shift()!;
    expect(++delivered).toBeLessThan(200);
    const deliver = async () => {
      const batch = createMessageBatch("llm-data-vault-jobs", [
        { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: msg },
      ]);
      const ctx = createExecutionContext();
      await consumer.queue(batch, e);
      await getQueueResult(batch, ctx);
    };
    if (concurrent) await Promise.all([deliver(), deliver()]);
    else for (let copy = 0; copy < 2; copy++) await deliver();
  }
  return job;
}

const recordSchema = {
  type: "object",
  properties: { n: { type: "integer" } },
  required: ["n"],
};

describe("anonymize job into a new dataset", () => {
  it("copies every record anonymized, in seq order, into a new dataset with the same schema; the source is untouched", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema: recordSchema });
    const data = [
      { n: 0, who: { email: "maria.garcia@example.com" }, phone: "+1 415 555 0132", note: "call me" },
      { n: 1, who: { email: "maria.garcia@example.com" }, phone: "+1 415 555 0132" },
      { n: 2, who: { email: "john@example.org" }, phone: "+1 212 555 0199" },
      { n: 3, plain: "nothing here" },
    ];
    await postAll(token, ds.id, data);
    const sourceBefore = await withVersions(token, ds.id);
    const name = `copy-${crypto.randomUUID().slice(0, 8)}`;
    const started = await callJson(
      `/api/v1/datasets/${ds.id}/jobs`,
      {
        token,
        body: {
          type: "anonymize",
          target: { dataset_name: name },
          operators: { EMAIL: { type: "tokenize" }, PHONE: { type: "pseudonymize" } },
        },
      },
      202,
    );
    const targetId = started.body.params.target_dataset_id as string;
    expect(targetId).toMatch(/^ds_/);
    expect(targetId).not.toBe(ds.id);
    const job = await waitForJob(token, started.body.id);
    expect(job.status).toBe("succeeded");
    expect(job.params.target_dataset_id).toBe(targetId);
    expect(job.progress).toMatchObject({ items: 4, anonymized: 3, unchanged: 1, invalid: 0, written: 4 });

    const target = await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: targetId } }), 200);
    expect(target.name).toBe(name);
    expect(target.schema).toEqual(recordSchema);
    expect(target.pii_policy).toEqual({ rules: { EMAIL: { action: "allow" }, PHONE: { action: "allow" } } });
    expect(target.record_count).toBe(4);

    const copied = await allRecords(token, targetId);
    expect(copied.map((r) => r.data.n)).toEqual([0, 1, 2, 3]);
    expect(copied[3].data).toEqual(data[3]);
    const text = JSON.stringify(copied.map((r) => r.data));
    for (const v of ["maria.garcia@example.com", "john@example.org", "555 0132", "555 0199"])
      expect(text).not.toContain(v);
    const a = copied[0].data as { who: { email: string }; phone: string; note: string };
    const b = copied[1].data as { who: { email: string }; phone: string };
    expect(b.who.email).toBe(a.who.email);
    expect(b.phone).toBe(a.phone);
    expect((copied[2].data as { phone: string }).phone).not.toBe(a.phone);
    expect(a.note).toBe("call me");
    // Its own records, not the source's.
    const sourceIds = new Set(sourceBefore.map((r) => r.id));
    for (const r of copied) expect(sourceIds.has(r.id)).toBe(false);

    // The source is exactly as it was: same records, versions and content.
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);

    const restored = await callJson("/api/v1/deanonymize", { token, body: { data: copied[0].data } }, 200);
    expect((restored.body.data as { who: { email: string } }).who.email).toBe("maria.garcia@example.com");

    const created = await callJson(`/api/v1/audit/logs?action=job.create&dataset_id=${ds.id}`, { token }, 200);
    expect(created.body.items[0].details).toMatchObject({
      kind: "anonymize",
      target_dataset_id: targetId,
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
    });
    const committed = await callJson(
      `/api/v1/audit/logs?action=record.anonymize&dataset_id=${targetId}`,
      { token },
      200,
    );
    expect(committed.body.items).toHaveLength(1);
    expect(committed.body.items[0].resource).toMatchObject({ dataset_id: targetId, job_id: job.id });
    expect(committed.body.items[0].details).toMatchObject({
      source_dataset_id: ds.id,
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
      count: 4,
      items: 4,
    });
    const made = await callJson(`/api/v1/audit/logs?action=dataset.create&dataset_id=${targetId}`, { token }, 200);
    expect(made.body.items[0].details).toMatchObject({ name, anonymized_from: ds.id });
  });

  for (const concurrent of [false, true])
    it(`delivering every message twice${concurrent ? " (both copies at once)" : ""} copies each record once, in order, with one commit event`, async () => {
      const { token, tenant } = await newTenant();
      const ds = await createDataset(token);
      await postAll(
        token,
        ds.id,
        Array.from({ length: 1200 }, (_, i) => ({ i, email: `user${i % 50}@example.com` })),
      );
      const sourceBefore = await withVersions(token, ds.id);
      const target = await createDataset(token);
      const job = await driveTwice(
        tenant.id,
        ds.id,
        {
          type: "anonymize",
          target: { dataset_name: target.name },
          target_dataset_id: target.id,
          operators: { EMAIL: { type: "pseudonymize" } },
        },
        undefined,
        concurrent,
      );
      const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
      expect(done.status).toBe("succeeded");
      expect(done.progress).toMatchObject({ items: 1200, anonymized: 1200, written: 1200 });
      const copied = await allRecords(token, target.id);
      expect(copied.map((r) => r.data.i)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
      expect(JSON.stringify(copied)).not.toContain("@example.com");
      expect(
        (await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: target.id } }), 200))
          .record_count,
      ).toBe(1200);
      expect(await withVersions(token, ds.id)).toEqual(sourceBefore);
      const events = await callJson(
        `/api/v1/audit/logs?action=record.anonymize&dataset_id=${target.id}&limit=100`,
        { token },
        200,
      );
      expect(events.body.items).toHaveLength(1);
      expect(events.body.items[0].details.count).toBe(1200);
    });

  it("a cancel mid-way leaves the target empty and the source untouched", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postAll(
      token,
      ds.id,
      Array.from({ length: 1500 }, (_, i) => ({ i, email: `person${i}@example.com` })),
    );
    const sourceBefore = await withVersions(token, ds.id);
    const target = await createDataset(token);
    let cancelled = false;
    const job = await driveTwice(
      tenant.id,
      ds.id,
      {
        type: "anonymize",
        target: { dataset_name: target.name },
        target_dataset_id: target.id,
        operators: { EMAIL: { type: "redact" } },
      },
      async (n) => {
        // After the first chunk has staged its records, the job is cancelled under the next one.
        if (n === 3 && !cancelled) {
          cancelled = true;
          const id = (await env.DB.prepare("SELECT id FROM jobs WHERE dataset_id = ? AND kind = 'anonymize'")
            .bind(ds.id)
            .first<{ id: string }>())!.id;
          await expectJson(await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id: id } }), 200);
        }
      },
    );
    expect(cancelled).toBe(true);
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("cancelled");
    expect(await allRecords(token, target.id)).toEqual([]);
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);
  });

  it("answers a taken name with 409, a missing datasets:write with 403 and another tenant's dataset with 404", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const taken = await createDataset(token);
    const body = { type: "anonymize", target: { dataset_name: taken.name } };
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body }), 409);
    const jobs = await callJson(`/api/v1/datasets/${ds.id}/jobs`, { token }, 200);
    expect(jobs.body.items).toHaveLength(0);

    const limited = await createKey(tenant.id, ["jobs:write", "jobs:read", "anonymize", "datasets:read"]);
    const fresh = `fresh-${crypto.randomUUID().slice(0, 8)}`;
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token: limited.key,
        body: { type: "anonymize", target: { dataset_name: fresh } },
      }),
      403,
    );
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token,
        body: { type: "anonymize", target: { dataset_name: "not a name!" } },
      }),
      422,
    );

    const other = await newTenant();
    await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/jobs`, {
        token: other.token,
        body: { type: "anonymize", target: { dataset_name: fresh } },
      }),
      404,
    );
    // Names are per tenant: another tenant may use the taken name for its own copy.
    const theirs = await createDataset(other.token);
    const started = await callJson(
      `/api/v1/datasets/${theirs.id}/jobs`,
      { token: other.token, body: { type: "anonymize", target: { dataset_name: taken.name } } },
      202,
    );
    expect((await waitForJob(other.token, started.body.id)).status).toBe("succeeded");
    // Nothing was created for the refused requests.
    const names = (await callJson(`/api/v1/datasets?limit=100`, { token }, 200)).body.items.map(
      (d: { name: string }) => d.name,
    );
    expect(names).not.toContain(fresh);
  });
});
