// Records benchmarks inside workerd. workerd's clock advances only on I/O, so per-iteration
// CPU timings here are coarse; bench/node/records.bench.ts runs the same CPU code under Node.
// The end-to-end group goes through the API worker, the DatasetObject, D1 and R2 (all local).
import { test } from "vitest";
import { createDataset, newTenant } from "../test/helpers/api";
import { listRecords, postBatch, postRecord } from "../test/records/helpers";
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
  await postBatch(
    token,
    full.id,
    Array.from({ length: 1000 }, (_, i) => trainingRecord(i)),
  );
  return { token, ds, full };
})();

let n = 0;
// Each benchmark keeps its own iteration count, so they run one after another.
test("records API end to end (workerd, local D1/DO/R2)", async ({ bench }) => {
  const { token, ds, full } = await setup;
  await bench("POST /records, one ~1 KB record", async () => {
    await postRecord(token, ds.id, trainingRecord(n++));
  }).run({ iterations: 100, time: 0 });
  await bench("POST /records/batch, 1000 records of ~1 KB", async () => {
    await postBatch(
      token,
      ds.id,
      Array.from({ length: 1000 }, (_, i) => trainingRecord(i)),
    );
  }).run({ iterations: 10, time: 0 });
  await bench("GET /records?limit=1000 (1000 records of ~1 KB)", async () => {
    await listRecords(token, full.id, { limit: "1000" });
  }).run({ iterations: 20, time: 0 });
});
