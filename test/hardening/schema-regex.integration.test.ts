import type { InferRequestType } from "hono/client";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { postRecord } from "../records/helpers";

type ValidateRequest = InferRequestType<ReturnType<typeof client>["api"]["v1"]["validate"]["$post"]>["json"];

/** POST /validate; fails unless 200. */
const validate = async (token: string, json: ValidateRequest) =>
  expectJson(await client(token).api.v1.validate.$post({ json }), 200);

// 40 a's then "!": V8's backtracking engine needs about 2^40 steps on ^(a+)+$; RE2 a few hundred.
const EVIL = "a".repeat(40) + "!";

describe("JSON Schema patterns run on a linear-time engine", () => {
  it("POST /validate answers a catastrophic `pattern` with the usual error path", async () => {
    const { token } = await newTenant();
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    const body = await validate(token, { schema, records: [{ s: EVIL }, { s: "aaaa" }] }); // fails unless 200
    expect(body.results[0]).toEqual({
      index: 0,
      valid: false,
      errors: [{ path: "$.s", message: "String does not match pattern." }],
    });
    expect(body.results[1]).toEqual({ index: 1, valid: true, errors: [] });
  });

  it("patternProperties keys run on RE2 too, and still decide additionalProperties", async () => {
    const { token } = await newTenant();
    const schema = {
      type: "object",
      patternProperties: { "^(a+)+$": { type: "integer" } },
      additionalProperties: false,
    };
    const records = [{ [EVIL]: 1 }, { aaa: "x" }, { aaa: 1 }];
    const body = await validate(token, { schema, records }); // fails unless 200
    expect(body.results.map((r) => r.valid)).toEqual([false, false, true]);
    expect(body.results[0].errors).toEqual([{ path: `$[${JSON.stringify(EVIL)}]`, message: expect.any(String) }]);
    expect(body.results[1].errors).toEqual([{ path: "$.aaa", message: expect.stringContaining("integer") }]);
  });

  it("JavaScript meaning is kept: unanchored search, \\d, classes, the empty pattern", async () => {
    const { token } = await newTenant();
    const schema = {
      type: "object",
      properties: {
        a: { type: "string", pattern: "\\d{3}" },
        b: { type: "string", pattern: "^[a-z]*$" },
        c: { type: "string", pattern: "" },
      },
    };
    const records = [
      { a: "x123y", b: "", c: "anything" },
      { a: "12", b: "aB" },
    ];
    const body = await validate(token, { schema, records });
    expect(body.results[0].valid).toBe(true);
    expect(body.results[1].errors.map((e) => e.path).sort()).toEqual(["$.a", "$.b"]);
  });

  it("writes to a dataset with a catastrophic pattern are validated on RE2", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      schema: { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } },
    });
    const res = await call(`/api/v1/datasets/${ds.id}/records`, { token, body: { data: { s: EVIL } } });
    const problem = await expectProblem(res, 422);
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "$.data.s", message: "String does not match pattern." }),
    ]);
  });

  it("a schema whose pattern RE2 cannot express is refused with 422 naming the path and the feature", async () => {
    const { token } = await newTenant();
    const cases: [unknown, string, RegExp][] = [
      [
        { type: "object", properties: { s: { type: "string", pattern: "^(?=a)" } } },
        "$.schema.properties.s.pattern",
        /lookahead/,
      ],
      [
        { type: "object", patternProperties: { "(\\w)\\1": {} } },
        '$.schema.patternProperties["(\\\\w)\\\\1"]',
        /backreference/,
      ],
      [{ items: { pattern: "(?<!x)y" } }, "$.schema.items.pattern", /lookbehind/],
    ];
    for (const [schema, path, feature] of cases) {
      const created = await expectProblem(
        await call("/api/v1/datasets", { token, body: { name: "refused", schema } }),
        422,
      );
      expect(created.errors).toEqual([{ path, message: expect.stringMatching(feature) }]);
      const inline = await expectProblem(
        await call("/api/v1/validate", { token, body: { schema, records: [{}] } }),
        422,
      );
      expect(inline.errors).toEqual([{ path, message: expect.stringMatching(feature) }]);
    }
    const ds = await createDataset(token, {});
    const put = await call(`/api/v1/datasets/${ds.id}`, {
      token,
      method: "PUT",
      headers: { "If-Match": `"${ds.id}.v${ds.version}"` },
      body: { schema: cases[0][0] },
    });
    const updated = await expectProblem(put, 422);
    expect(updated.errors).toEqual([{ path: cases[0][1], message: expect.stringMatching(/lookahead/) }]);
  });

  it("schema patterns are bounded per validated value: 413 scan-limit-exceeded past the budget", async () => {
    const { token } = await newTenant();
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    const records = [{ s: "a".repeat(1_000_000) }];
    const problem = await expectProblem(await call("/api/v1/validate", { token, body: { schema, records } }), 413);
    expect(problem.type).toMatch(/scan-limit-exceeded$/);
  });
});

describe("one schema-pattern budget per request", () => {
  it("a batch whose records each fit but together do not is a 413 and stores nothing; alone each is fine", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      schema: { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } },
    });
    const data = { s: "a".repeat(500_000) };
    const batch = await call(`/api/v1/datasets/${ds.id}/records/batch`, {
      token,
      body: { records: [{ data }, { data }] },
    });
    expect((await expectProblem(batch, 413)).type).toMatch(/scan-limit-exceeded$/);
    const list = await expectJson(
      await client(token).api.v1.datasets[":id"].records.$get({ param: { id: ds.id }, query: {} }),
      200,
    );
    expect(list.items).toHaveLength(0);
    await postRecord(token, ds.id, data);
    await expectProblem(
      await call("/api/v1/validate", { token, body: { dataset_id: ds.id, records: [data, data] } }),
      413,
    );
  });
});

describe("the library's own format regexes", () => {
  it('format "url" answers at once on a string built to make its regex backtrack, and fails it', async () => {
    const { token } = await newTenant();
    const schema = { type: "object", properties: { u: { type: "string", format: "url" } } };
    // Natively about n³: 16,000 ':' took 0.8 s, 200,000 would take many minutes.
    const records = [{ u: "http://" + ":".repeat(200_000) }, { u: "https://example.com/a?b=c" }];
    const body = await validate(token, { schema, records });
    expect(body.results.map((r) => r.valid)).toEqual([false, true]);
    expect(body.results[0].errors).toEqual([{ path: "$.u", message: 'String does not match format "url".' }]);
  });
});
