// Every message of a real import delivered twice, two copies at once, or after a crash at
// each step (after staging before the compare-and-set, after it before the next send, after
// the send before the ack): the dataset gets each valid line once, in file order, the
// report each invalid line once, and one import audit event. Then a poison chunk that
// ends in the dead-letter queue.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDatasetRow } from "../../src/shared/datasets/service";
import { importBody } from "../../src/shared/imports/service";
import { createDataset, newTenant } from "../helpers/api";
import { deliver, keepingProducer } from "../helpers/queue";
import { client, expectJson } from "../helpers/client";
import { allRecords, errorReport, waitForJob } from "./helpers";

type Mode = "twice" | "concurrent" | "crash-before-cas" | "crash-before-send" | "crash-before-ack";

function harness() {
  const { JOBS, sent, failNextSends } = keepingProducer();
  const state = { crashCas: 0 };
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          if (state.crashCas > 0 && sql.includes("UPDATE job_ranges SET cursor")) {
            state.crashCas--;
            return {
              bind: () => {
                throw new Error("crash before the compare-and-set");
              },
            };
          }
          return target.prepare(sql);
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { env: { ...env, JOBS, DB } as unknown as Env, sent, state, failNextSends };
}

async function drive(h: ReturnType<typeof harness>, mode: Mode) {
  const pending = [...h.sent];
  h.sent.length = 0;
  let delivered = 0;
  while (pending.length) {
    const msg = pending.shift()!;
    expect(++delivered).toBeLessThan(400);
    if (mode === "concurrent") await Promise.all([deliver(h.env, msg), deliver(h.env, msg)]);
    else {
      if (mode === "crash-before-cas") h.state.crashCas = 1;
      if (mode === "crash-before-send") h.failNextSends(1);
      await deliver(h.env, msg);
      h.state.crashCas = 0;
      h.failNextSends(0);
      await deliver(h.env, msg);
    }
    pending.push(...h.sent);
    h.sent.length = 0;
  }
}

/** About 4.6 MB: two ranges of several chunks each, with invalid lines in both. */
function file() {
  const lines: string[] = [];
  for (let i = 0; i < 4500; i++) lines.push(i % 997 === 5 ? "{broken" : JSON.stringify({ i, pad: "w".repeat(1000) }));
  return lines.join("\n");
}

const stream = (text: string) => new Blob([text]).stream() as ReadableStream<Uint8Array>;

/** A new tenant and dataset, and an NDJSON import (on_error skip) of `body` whose queue messages `h` keeps. */
async function startImport(body: ReadableStream<Uint8Array>) {
  const { tenant, token } = await newTenant();
  const ds = await createDataset(token);
  const row = await getDatasetRow(env.DB, tenant.id, ds.id);
  const h = harness();
  const scope = { tenantId: tenant.id, actor: "test", requestId: null, clientIp: null };
  const imp = await importBody(h.env as never, scope, row, { format: "ndjson", on_error: "skip" }, body, false);
  return { token, ds, h, imp };
}

describe("import under redelivery", () => {
  for (const mode of ["twice", "concurrent", "crash-before-cas", "crash-before-send", "crash-before-ack"] as Mode[]) {
    it(`imports each line once, in order, when every message is delivered ${mode}`, async () => {
      const { token, ds, h, imp } = await startImport(stream(file()));
      expect(h.sent).toHaveLength(1);
      await drive(h, mode);
      const job = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: imp.job_id! } }), 200);
      expect(job.status).toBe("succeeded");
      expect(job.ranges.length).toBe(2);
      const invalid = Array.from({ length: 4500 }, (_, i) => i).filter((i) => i % 997 === 5);
      expect(job.progress).toMatchObject({
        items: 4500 - invalid.length,
        failed: invalid.length,
        lines: 4500,
        imported: 4500 - invalid.length,
      });
      const records = await allRecords(token, ds.id);
      expect(records.map((r) => r.data.i)).toEqual(
        Array.from({ length: 4500 }, (_, i) => i).filter((i) => i % 997 !== 5),
      );
      expect((await errorReport(token, ds.id, imp.id)).map((e) => e.line)).toEqual(invalid.map((i) => i + 1));
      const logs = client(token).api.v1.audit.logs;
      const audit = await expectJson(await logs.$get({ query: { action: "record.import", dataset_id: ds.id } }), 200);
      expect(audit.items).toHaveLength(1);
      const query = { action: "job.finish", resource_id: imp.job_id! };
      expect((await expectJson(await logs.$get({ query }), 200)).items).toHaveLength(1);
    });
  }

  it("sends a chunk that cannot be read to the dead-letter queue; the job fails with what is left, and nothing is stored", async () => {
    const { token, ds, h, imp } = await startImport(stream('{"a":1}\n{"a":2}\n'));
    // Plan the ranges, then lose the file: every attempt of the chunk fails.
    await deliver(h.env, h.sent[0]);
    const objectKey = (await env.DB.prepare("SELECT object_key FROM imports WHERE id = ?")
      .bind(imp.id)
      .first<{ object_key: string }>())!.object_key;
    await env.BLOBS.delete(objectKey);
    for (const m of h.sent.splice(0)) await env.JOBS.send(m);
    const job = await waitForJob(token, imp.job_id!);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/1 of 1 ranges failed/);
    expect(job.ranges[0]).toMatchObject({ status: "failed", error: "decryption-failed: The import file is missing." });
    expect(await allRecords(token, ds.id)).toHaveLength(0);
  });
});
