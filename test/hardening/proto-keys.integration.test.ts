// A `__proto__` member of `operators` (POST /anonymize, anonymize jobs, anonymized exports) or of a PII policy's
// `rules` is refused with a 422 naming it, as `constructor` is, and never silently dropped: zod leaves that key out of
// a record's output without an issue. Nothing is created by the refused request.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postAll } from "../jobs/helpers";

const json = { "Content-Type": "application/json" };

async function refused(res: Response, path: RegExp) {
  const p = await expectProblem(res, 422);
  expect(p.type).toMatch(/validation-failed$/);
  expect(p.errors!.map((e) => e.path)).toEqual(expect.arrayContaining([expect.stringMatching(path)]));
}

describe("a __proto__ name in operators or policy rules is a 422", () => {
  it("POST /anonymize: operators.__proto__ is refused like operators.constructor", async () => {
    const { token } = await newTenant();
    for (const name of ["__proto__", "constructor"]) {
      const raw = `{"data":{"e":"alice@example.com"},"operators":{"${name}":{"type":"keep"}}}`;
      await refused(await call("/api/v1/anonymize", { token, raw, headers: json }), new RegExp(`operators.*${name}`));
    }
    // Beside a valid member too: the request is refused, not run with the valid part.
    const raw = '{"data":{"e":"alice@example.com"},"operators":{"__proto__":{"type":"keep"},"EMAIL":{"type":"keep"}}}';
    await refused(await call("/api/v1/anonymize", { token, raw, headers: json }), /operators.*__proto__/);
  });

  it("POST /datasets: pii_policy.rules.__proto__ is refused and no dataset is made", async () => {
    const { token } = await newTenant();
    const name = `pp-${crypto.randomUUID().slice(0, 8)}`;
    const raw = `{"name":"${name}","pii_policy":{"rules":{"__proto__":{"action":"reject"}}}}`;
    await refused(await call("/api/v1/datasets", { token, raw, headers: json }), /rules.*__proto__/);
    const list = await expectJson(await client(token).api.v1.datasets.$get({ query: {} }), 200);
    expect(list.items.map((d) => d.name)).not.toContain(name);
  });

  it("POST /datasets/{id}/jobs and /exports: an anonymize with operators.__proto__ is refused, no job is made", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, [{ e: "alice@example.com" }]);
    const job =
      '{"type":"anonymize","target":"in_place","operators":{"__proto__":{"type":"keep"},"EMAIL":{"type":"keep"}}}';
    await refused(await call(`/api/v1/datasets/${ds.id}/jobs`, { token, raw: job, headers: json }), /__proto__/);
    const exp = '{"format":"ndjson","view":"anonymized","operators":{"__proto__":{"type":"keep"}}}';
    await refused(await call(`/api/v1/datasets/${ds.id}/exports`, { token, raw: exp, headers: json }), /__proto__/);
    const jobs = await call(`/api/v1/datasets/${ds.id}/jobs`, { token });
    expect(((await jobs.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
