// The OpenAPI document and the server agree on the cases a fuzzer found them apart
// (issue 9 §5): what the document allows is accepted, what it forbids is refused.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

const components = async () =>
  ((await (await call("/openapi.json")).json()) as { components: { schemas: Record<string, any> } }).components.schemas;

describe("datasets: null and boolean schemas as documented", () => {
  it("pii_policy and schema may be null on create (none), and a schema may be true or false", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: null, schema: null });
    expect(ds).toMatchObject({ schema: null, pii_policy: null });
    const open = await createDataset(token, { schema: true });
    expect(open.schema).toBe(true);
    const records = client(token).api.v1.datasets[":id"].records;
    await expectJson(await records.$post({ param: { id: open.id }, header: {}, json: { data: { any: 1 } } }), 201);
    const closed = await createDataset(token, { schema: false });
    await expectProblem(await call(`/api/v1/datasets/${closed.id}/records`, { token, body: { data: {} } }), 422);
    const doc = await components();
    expect(doc.CreateDataset.properties.pii_policy.anyOf).toContainEqual({ type: "null" });
    expect(doc.CreateDataset.properties.schema.anyOf).toContainEqual({ type: "boolean" });
    expect(doc.PiiPolicy.type).toBe("object");
  });
});

describe("names are checked as sent, never trimmed", () => {
  const names: [string, number][] = [
    ["acme", 201],
    ["ACME Corp — Paris", 201],
    ["\t", 422],
    [" acme", 422],
    ["acme ", 422],
    ["a".repeat(200) + " ", 422],
    ["a".repeat(201), 422],
    ["ac\u0000me", 422],
    ["ac\u001bme", 422],
    ["ac\u0085me", 422],
  ];

  it("tenant names and API key names: control characters and outer white space are refused", async () => {
    const { tenant } = await newTenant();
    for (const [name, status] of names) {
      const t = await call("/api/v1/tenants", { token: env.OPERATOR_TOKEN, body: { name } });
      expect(t.status, JSON.stringify(name)).toBe(status);
      if (status === 201) expect(((await t.json()) as { name: string }).name).toBe(name);
      else expect((await expectProblem(t, 422)).errors?.[0].path).toBe("$.name");
      const k = await call(`/api/v1/tenants/${tenant.id}/keys`, {
        token: env.OPERATOR_TOKEN,
        body: { name, scopes: ["*"] },
      });
      expect(k.status, JSON.stringify(name)).toBe(status);
      await k.arrayBuffer();
    }
    const pattern = new RegExp((await components()).CreateTenant.properties.name.pattern, "u");
    for (const [name, status] of names.filter(([n]) => n.length <= 200))
      expect(pattern.test(name), JSON.stringify(name)).toBe(status === 201);
  });
});

describe("a path that exists with another method", () => {
  it("PUT /datasets/{id}/records/batch is a 405 with Allow: POST, not a 422 about the record id", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const res = await call(`/api/v1/datasets/${ds.id}/records/batch`, { method: "PUT", token, body: { records: [] } });
    expect(res.headers.get("allow")).toBe("POST");
    await expectProblem(res, 405);
  });
});

describe("rules the document now states", () => {
  it("exactly one of text/data, schema/dataset_id, single form/batch_input; minProperties; version maxima", async () => {
    const doc = await components();
    expect(doc.DetectRequest.oneOf).toEqual([{ required: ["text"] }, { required: ["data"] }]);
    expect(doc.ValidateRequest.oneOf).toEqual([{ required: ["schema"] }, { required: ["dataset_id"] }]);
    expect(doc.EncryptRequest.oneOf).toHaveLength(3);
    expect(doc.UpdateTransitKey.minProperties).toBe(1);
    expect(doc.EncryptItem.properties.key_version.maximum).toBe(2 ** 31 - 1);

    const { token } = await newTenant();
    const name = `k-${crypto.randomUUID().slice(0, 8)}`;
    const api = client(token).api.v1;
    await expectJson(await api.keys.$post({ json: { name } }), 201);
    for (const body of [{ text: "a", data: {} }, {}])
      await expectProblem(await call("/api/v1/pii/detect", { token, body }), 422);
    await expectProblem(await call(`/api/v1/keys/${name}`, { method: "PATCH", token, body: {} }), 422);
    await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, plaintext: "", key_version: 2 ** 31 } }),
      422,
    );
    await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, batch_input: [{ plaintext: "" }], context: "" } }),
      422,
    );
    await expectJson(await api.encrypt.$post({ json: { key: name, batch_input: [{ plaintext: "" }] } }), 200);
    const anonymize = await call("/api/v1/anonymize", {
      token,
      body: { text: "x", operators: { "not a type": { type: "redact" } } },
    });
    expect((await expectProblem(anonymize, 422)).errors?.[0].path).toMatch(/^\$\.operators/);
    expect(doc.AnonymizeRequest.properties.operators.propertyNames).toBeDefined();
  });

  it("recognizer flags: the document's pattern and the server take each of i, m, s, u at most once, in any order", async () => {
    const flags = new RegExp((await components()).RecognizerInput.properties.flags.pattern);
    const { token } = await newTenant();
    for (const [f, ok] of [
      ["", true],
      ["i", true],
      ["ui", true],
      ["smiu", true],
      ["ii", false],
      ["iu u", false],
      ["g", false],
      ["imsuu", false],
    ] as const) {
      expect(flags.test(f), f).toBe(ok);
      const res = await call("/api/v1/pii/recognizers", {
        token,
        body: {
          name: `f${crypto.randomUUID().slice(0, 8)}`,
          entity: "TICKET_ID",
          pattern: "TCK-[0-9]{6}",
          flags: f,
          score: 0.5,
        },
      });
      expect(res.status, f).toBe(ok ? 201 : 422);
      await res.arrayBuffer();
    }
  });
});
