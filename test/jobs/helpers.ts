/** Dataset-job test harness: seed records in batches, and run a job through the real queue consumer. */
import { env } from "cloudflare:workers";
import canonicalize from "canonicalize";
import { expect } from "vitest";
import type { InferRequestType } from "hono/client";
import { createJob, type NewJob } from "../../src/shared/jobs/service";
import { client, expectJson } from "../helpers/client";
import { deliver, keepingProducer } from "../helpers/queue";
import { createDataset, newTenant } from "../helpers/api";
import { postBatch } from "../records/helpers";

/** Adds `records` (data objects) to the dataset with POST …/records/batch, 1,000 a request; returns the items. */
export async function postAll(token: string, datasetId: string, records: unknown[]) {
  const out: Awaited<ReturnType<typeof postBatch>> = [];
  for (let i = 0; i < records.length; i += 1000)
    out.push(...(await postBatch(token, datasetId, records.slice(i, i + 1000))));
  return out;
}

type StartJob = InferRequestType<ReturnType<typeof client>["api"]["v1"]["datasets"][":id"]["jobs"]["$post"]>["json"];

/** POST /datasets/{id}/jobs with `json` (a job request the route takes); fails unless 202. Returns the queued job. */
export async function startJob(token: string, datasetId: string, json: StartJob) {
  return expectJson(
    await client(token).api.v1.datasets[":id"].jobs.$post({ param: { id: datasetId }, header: {}, json }),
    202,
  );
}

/** `n` records `{ i, email }` whose e-mail addresses repeat every 50 (user0@example.com …), for anonymize jobs. */
export const userEmails = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ i, email: `user${i % 50}@example.com` }));

/**
 * How each queue message is delivered: `once`; `twice`, one copy after the other; `concurrent`, two copies at once
 * (both run the chunk before either moves the cursor) — what at-least-once delivery may do.
 */
export type Delivery = "once" | "twice" | "concurrent";

/**
 * Creates a job (`createJob`, as the route does) and runs it to the end through the real consumer: the messages it
 * and the consumer send are kept instead of queued, and each is delivered as `delivery` says, at most 200 in all.
 * `beforeCas`, when given, runs before each D1 batch (a chunk's compare-and-set), with its 1-based count and the
 * driven env (whose queue producer keeps what is sent, so a cancel's finish message is delivered like the rest).
 */
export async function runJob(
  tenantId: string,
  input: Pick<NewJob, "kind" | "datasetId" | "params">,
  delivery: Delivery,
  beforeCas?: (n: number, e: Env) => Promise<void>,
  chunkRecords?: number,
) {
  const { JOBS, sent } = keepingProducer();
  let cas = 0;
  const DB = beforeCas
    ? new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch") {
            return async (stmts: D1PreparedStatement[]) => {
              await beforeCas(++cas, e);
              return target.batch(stmts);
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      })
    : env.DB;
  // A small DATASET_JOB_CHUNK_RECORDS makes a small dataset take several chunks, so redelivery meets every step.
  const chunk = chunkRecords === undefined ? {} : { DATASET_JOB_CHUNK_RECORDS: String(chunkRecords) };
  const e = { ...env, JOBS, DB, ...chunk } as unknown as Env;
  const job = await createJob(e, { tenantId, actor: "test", requestId: null, clientIp: null }, input);
  let delivered = 0;
  while (sent.length) {
    const msg = sent.shift()!;
    expect(++delivered).toBeLessThan(200);
    if (delivery === "concurrent") await Promise.all([deliver(e, msg), deliver(e, msg)]);
    else for (let copy = 0; copy < (delivery === "twice" ? 2 : 1); copy++) await deliver(e, msg);
  }
  return job;
}

/**
 * Asserts what `EMAIL: tokenize, PHONE: pseudonymize` did to four records like the jobs tests' people (0 and 1 share
 * an e-mail and a phone, 2 has others, 3 has neither): no original value is left, the same input gives the same
 * output in every record, and the rest is kept. `records` are the anonymized ones in order, `original` their data.
 */
export function expectAnonymizedPeople(records: { data: unknown }[], original: unknown[]) {
  expect(records[3].data).toEqual(original[3]);
  const text = JSON.stringify(records.map((r) => r.data));
  for (const v of ["maria.garcia@example.com", "john@example.org", "555 0132", "555 0199"])
    expect(text).not.toContain(v);
  const a = records[0].data as { who: { email: string }; phone: string; note: string };
  const b = records[1].data as { who: { email: string }; phone: string };
  expect(b.who.email).toBe(a.who.email);
  expect(b.phone).toBe(a.phone);
  expect((records[2].data as { phone: string }).phone).not.toBe(a.phone);
  expect(a.note).toBe("call me");
}

/** A write-back item (records/job-writes.ts JobWrite) carrying `data` as a new version of record `id` read at `fromVersion`. */
export async function preparedWrite(id: string, fromVersion: number, data: unknown) {
  const canonical = canonicalize(data)!;
  const bytes = new TextEncoder().encode(canonical);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = [...digest].map((x) => x.toString(16).padStart(2, "0")).join("");
  return { id, from_version: fromVersion, canonical, size: bytes.byteLength, sha256 };
}

/** A fresh tenant and a dataset of 1,500 records with an e-mail address each: three chunks of 500. */
export async function sourceOfPeople() {
  const { token, tenant } = await newTenant();
  const ds = await createDataset(token);
  await postAll(
    token,
    ds.id,
    Array.from({ length: 1500 }, (_, i) => ({ i, email: `person${i}@example.com` })),
  );
  return { token, tenant, ds };
}
