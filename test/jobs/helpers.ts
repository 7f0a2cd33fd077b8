/** Dataset-job test harness: seed records in batches, and run a job through the real queue consumer. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createJob, type NewJob } from "../../src/shared/jobs/service";
import { deliver, keepingProducer } from "../helpers/queue";
import { postBatch } from "../records/helpers";

/** Adds `records` (data objects) to the dataset with POST …/records/batch, 1,000 a request; returns the items. */
export async function postAll(token: string, datasetId: string, records: unknown[]) {
  const out: Awaited<ReturnType<typeof postBatch>> = [];
  for (let i = 0; i < records.length; i += 1000)
    out.push(...(await postBatch(token, datasetId, records.slice(i, i + 1000))));
  return out;
}

/**
 * How each queue message is delivered: `once`; `twice`, one copy after the other; `concurrent`, two copies at once
 * (both run the chunk before either moves the cursor) — what at-least-once delivery may do.
 */
export type Delivery = "once" | "twice" | "concurrent";

/**
 * Creates a job (`createJob`, as the route does) and runs it to the end through the real consumer: the messages it
 * and the consumer send are kept instead of queued, and each is delivered as `delivery` says, at most 200 in all.
 * `beforeCas`, when given, runs before each D1 batch (a chunk's compare-and-set), with its 1-based count.
 */
export async function runJob(
  tenantId: string,
  input: Pick<NewJob, "kind" | "datasetId" | "params">,
  delivery: Delivery,
  beforeCas?: (n: number) => Promise<void>,
) {
  const { JOBS, sent } = keepingProducer();
  let cas = 0;
  const DB = beforeCas
    ? new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch") {
            return async (stmts: D1PreparedStatement[]) => {
              await beforeCas(++cas);
              return target.batch(stmts);
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      })
    : env.DB;
  const e = { ...env, JOBS, DB } as unknown as Env;
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
