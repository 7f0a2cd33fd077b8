// The anonymize dataset job into a new dataset, end to end through the real queue: the target
// is created with the job (same schema, an `allow` policy, its own key), gets one anonymized
// record per source record in seq order, and the source is untouched; every message delivered
// twice stages and commits nothing twice; a cancel leaves the target empty, and deletes it if
// the job created it and it holds no record; a taken name is
// 409, a missing scope 403 and another tenant's dataset 404; tokens restore with /deanonymize.
import { env } from "cloudflare:workers";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { cancelJob } from "../../src/shared/jobs/service";
import { logs } from "../audit/helpers";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { inObject } from "../records/helpers";
import {
  expectAnonymizedPeople,
  postAll,
  runJob,
  sourceOfPeople,
  startJob,
  userEmails,
  type Delivery,
} from "./helpers";

/** The names of the tenant's first 100 datasets (GET /datasets?limit=100). */
async function datasetNames(token: string) {
  const page = await expectJson(await client(token).api.v1.datasets.$get({ query: { limit: "100" } }), 200);
  return page.items.map((d) => d.name);
}

async function withVersions(token: string, datasetId: string) {
  return (await allRecords(token, datasetId)).map((r) => ({
    id: r.id,
    data: r.data,
    version: (r as unknown as { version: number }).version,
  }));
}

/** Runs an anonymize job from dataset `sourceId` into the existing dataset `target` (see runJob). */
function anonymizeInto(
  tenantId: string,
  sourceId: string,
  target: { id: string; name: string },
  operators: Record<string, unknown>,
  delivery: Delivery,
  beforeCas?: (n: number, e: Env) => Promise<void>,
  extra: Record<string, unknown> = {},
) {
  const params = {
    type: "anonymize",
    target: { dataset_name: target.name },
    target_dataset_id: target.id,
    operators,
    ...extra,
  };
  return runJob(tenantId, { kind: "anonymize", datasetId: sourceId, params }, delivery, beforeCas, 500);
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
    const started = await startJob(token, ds.id, {
      type: "anonymize",
      target: { dataset_name: name },
      operators: { EMAIL: { type: "tokenize" }, PHONE: { type: "pseudonymize" } },
    });
    const targetId = started.params.target_dataset_id as string;
    expect(targetId).toMatch(/^ds_/);
    expect(targetId).not.toBe(ds.id);
    const job = await waitForJob(token, started.id);
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
    expectAnonymizedPeople(copied, data);
    // Its own records, not the source's.
    const sourceIds = new Set(sourceBefore.map((r) => r.id));
    for (const r of copied) expect(sourceIds.has(r.id)).toBe(false);
    // Each copy's digest is SHA-256 of its RFC 8785 text, the unchanged record's (kept from the source) too.
    for (const r of copied) {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalize(r.data)));
      expect(r.sha256).toBe([...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join(""));
    }

    // The source is exactly as it was: same records, versions and content.
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);

    const restored = await expectJson(
      await client(token).api.v1.deanonymize.$post({ json: { data: copied[0].data } }),
      200,
    );
    expect((restored.data as { who: { email: string } }).who.email).toBe("maria.garcia@example.com");

    const created = await logs(token, { action: "job.create", dataset_id: ds.id });
    expect(created.items[0].details).toMatchObject({
      kind: "anonymize",
      target_dataset_id: targetId,
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
    });
    const committed = await logs(token, { action: "record.anonymize", dataset_id: targetId });
    expect(committed.items).toHaveLength(1);
    expect(committed.items[0].resource).toMatchObject({ dataset_id: targetId, job_id: job.id });
    expect(committed.items[0].details).toMatchObject({
      source_dataset_id: ds.id,
      operators: { EMAIL: "tokenize", PHONE: "pseudonymize" },
      count: 4,
      items: 4,
    });
    const made = await logs(token, { action: "dataset.create", dataset_id: targetId });
    expect(made.items[0].details).toMatchObject({ name, anonymized_from: ds.id });
  });

  for (const concurrent of [false, true])
    it(`delivering every message twice${concurrent ? " (both copies at once)" : ""} copies each record once, in order, with one commit event`, async () => {
      const { token, tenant } = await newTenant();
      const ds = await createDataset(token);
      await postAll(token, ds.id, userEmails(1200));
      const sourceBefore = await withVersions(token, ds.id);
      const target = await createDataset(token);
      const job = await anonymizeInto(
        tenant.id,
        ds.id,
        target,
        { EMAIL: { type: "pseudonymize" } },
        concurrent ? "concurrent" : "twice",
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
      const events = await logs(token, { action: "record.anonymize", dataset_id: target.id, limit: 100 });
      expect(events.items).toHaveLength(1);
      expect(events.items[0].details.count).toBe(1200);
    });

  /**
   * Cancels the source's anonymize job under the third batch, after the first chunk has staged its records:
   * through the API, or through the job service on the driven env, so the finish message the cancel sends is
   * delivered (twice) by runJob like every other.
   */
  const cancelUnderThirdBatch = (token: string, sourceId: string, tenantId: string, via: "api" | "driven" = "api") => {
    let cancelled = false;
    return {
      cancelled: () => cancelled,
      async hook(n: number, e: Env) {
        if (n === 3 && !cancelled) {
          cancelled = true;
          const id = (await env.DB.prepare("SELECT id FROM jobs WHERE dataset_id = ? AND kind = 'anonymize'")
            .bind(sourceId)
            .first<{ id: string }>())!.id;
          if (via === "api")
            await expectJson(await client(token).api.v1.jobs[":id"].cancel.$post({ param: { id } }), 200);
          else await cancelJob(e, { tenantId, actor: "test", requestId: null, clientIp: null }, id);
        }
      },
    };
  };

  it("a cancel mid-way leaves a target the job did not create empty, and the source untouched", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const sourceBefore = await withVersions(token, ds.id);
    const target = await createDataset(token);
    const cancel = cancelUnderThirdBatch(token, ds.id, tenant.id);
    const job = await anonymizeInto(tenant.id, ds.id, target, { EMAIL: { type: "redact" } }, "twice", cancel.hook);
    expect(cancel.cancelled()).toBe(true);
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("cancelled");
    expect(await allRecords(token, target.id)).toEqual([]);
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);
  });

  it("a cancel deletes the empty target the job created (its name is free again), once, audited", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const sourceBefore = await withVersions(token, ds.id);
    // Made as the job's route makes it (createTarget), and named in the params as created by the job.
    const target = await createDataset(token);
    const cancel = cancelUnderThirdBatch(token, ds.id, tenant.id, "driven");
    const job = await anonymizeInto(tenant.id, ds.id, target, { EMAIL: { type: "redact" } }, "twice", cancel.hook, {
      created_dataset_id: target.id,
    });
    expect(cancel.cancelled()).toBe(true);
    expect((await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200)).status).toBe(
      "cancelled",
    );
    await expectProblem(await call(`/api/v1/datasets/${target.id}`, { token }), 404);
    const names = await datasetNames(token);
    expect(names).not.toContain(target.name);
    await createDataset(token, { name: target.name });
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);
    // Every message was delivered twice: the target is deleted and audited once.
    const events = await logs(token, { action: "dataset.delete", dataset_id: target.id });
    expect(events.items.map((e) => [e.actor, e.outcome, e.details])).toEqual([
      ["system", "success", { reason: "job_cancelled", job_id: job.id }],
    ]);
  });

  it("a cancel keeps a target the job created if someone wrote records into it, and says so in the audit log", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const target = await createDataset(token);
    const [written] = await postAll(token, target.id, [{ mine: true }]).then(() => allRecords(token, target.id));
    const cancel = cancelUnderThirdBatch(token, ds.id, tenant.id, "driven");
    const job = await anonymizeInto(tenant.id, ds.id, target, { EMAIL: { type: "redact" } }, "twice", cancel.hook, {
      created_dataset_id: target.id,
    });
    expect((await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200)).status).toBe(
      "cancelled",
    );
    expect(await allRecords(token, target.id)).toEqual([written]);
    const events = await logs(token, { action: "dataset.delete", dataset_id: target.id });
    // The finish message was delivered twice: one event.
    expect(events.items).toHaveLength(1);
    for (const e of events.items)
      expect(e).toMatchObject({
        actor: "system",
        outcome: "error",
        details: { reason: "job_cancelled", job_id: job.id, kept: "holds records", records: 1 },
      });
  });

  it("a target deleted while the job runs gets nothing: the job fails and says why", async () => {
    const { token, tenant, ds } = await sourceOfPeople();
    const sourceBefore = await withVersions(token, ds.id);
    const target = await createDataset(token);
    let deleted = false;
    const job = await anonymizeInto(tenant.id, ds.id, target, { EMAIL: { type: "redact" } }, "twice", async (n) => {
      // After the first chunk has staged its records, the target is deleted through the API.
      if (n === 3 && !deleted) {
        deleted = true;
        expect((await call(`/api/v1/datasets/${target.id}`, { method: "DELETE", token })).status).toBe(204);
      }
    });
    expect(deleted).toBe(true);
    const done = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: job.id } }), 200);
    expect(done.status).toBe("failed");
    expect(JSON.stringify(done)).toContain("The target dataset was deleted while the job ran");
    // Nothing was committed into the deleted target: no record rows, no record.anonymize event.
    const rows = await inObject(
      tenant.id,
      target.id,
      (sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM records").one().n,
    );
    expect(rows).toBe(0);
    const events = await logs(token, { action: "record.anonymize", dataset_id: target.id });
    expect(events.items).toHaveLength(0);
    expect(await withVersions(token, ds.id)).toEqual(sourceBefore);
  });

  it("answers a taken name with 409, a missing datasets:write with 403 and another tenant's dataset with 404", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const taken = await createDataset(token);
    const body = { type: "anonymize", target: { dataset_name: taken.name } };
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/jobs`, { token, body }), 409);
    const jobs = await expectJson(
      await client(token).api.v1.datasets[":id"].jobs.$get({ param: { id: ds.id }, query: {} }),
      200,
    );
    expect(jobs.items).toHaveLength(0);

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
    const started = await startJob(other.token, theirs.id, {
      type: "anonymize",
      target: { dataset_name: taken.name },
    });
    expect((await waitForJob(other.token, started.id)).status).toBe("succeeded");
    // Nothing was created for the refused requests.
    const names = await datasetNames(token);
    expect(names).not.toContain(fresh);
  });
});
