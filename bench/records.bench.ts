// Records benchmarks inside workerd. workerd's clock advances only on I/O, so per-iteration
// CPU timings here are coarse; bench/node/records.bench.ts runs the same CPU code under Node.
// The end-to-end group goes through the API worker, the DatasetObject, D1 and R2 (all local).
import { test } from "vitest";
import { callJson, createDataset, newTenant } from "../test/helpers/api";
import { canonicalBenches, hashingBenches, recordCryptoBenches, validationBenches } from "./records-cpu";
import { trainingRecord } from "./records-cases";

recordCryptoBenches("workerd");
hashingBenches("workerd");
validationBenches("workerd");
canonicalBenches("workerd");

const setup = (async () => {
  const { token } = await newTenant();
  const ds = await createDataset(token);
  const full = await createDataset(token);
  await callJson(
    `/api/v1/datasets/${full.id}/records/batch`,
    { token, body: { records: Array.from({ length: 1000 }, (_, i) => ({ data: trainingRecord(i) })) } },
    201,
  );
  return { token, ds, full };
})();

let n = 0;
// Each benchmark keeps its own iteration count, so they run one after another.
test("records API end to end (workerd, local D1/DO/R2)", async ({ bench }) => {
  const { token, ds, full } = await setup;
  await bench("POST /records, one ~1 KB record", async () => {
    await callJson(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: trainingRecord(n++) } }, 201);
  }).run({ iterations: 100, time: 0 });
  await bench("POST /records/batch, 1000 records of ~1 KB", async () => {
    await callJson(
      `/api/v1/datasets/${ds.id}/records/batch`,
      { token, body: { records: Array.from({ length: 1000 }, (_, i) => ({ data: trainingRecord(i) })) } },
      201,
    );
  }).run({ iterations: 10, time: 0 });
  await bench("GET /records?limit=1000 (1000 records of ~1 KB)", async () => {
    await callJson(`/api/v1/datasets/${full.id}/records?limit=1000`, { token }, 200);
  }).run({ iterations: 20, time: 0 });
});
