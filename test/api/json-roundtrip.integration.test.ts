// Whatever the vault accepts comes back as the same JSON value; what it cannot keep
// exactly it refuses. Property tests through the real worker, on records, transit data and
// dataset schemas. The oracles are independent of the reader: RFC 8785 text from the
// `canonicalize` package, SHA-256 from WebCrypto, and exact decimal values in BigInt.
import canonicalize from "canonicalize";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

let token: string;
let datasetId: string;
let transitKey: string;

beforeAll(async () => {
  ({ token } = await newTenant());
  datasetId = (await createDataset(token)).id;
  transitKey = `rt-${crypto.randomUUID().slice(0, 8)}`;
  await expectJson(await client(token).api.v1.keys.$post({ json: { name: transitKey } }), 201);
});

/** Any JSON object, with strings over all of Unicode (well-formed) and any finite double. */
const record = fc.dictionary(fc.string({ unit: "grapheme" }), fc.jsonValue({ maxDepth: 4, stringUnit: "grapheme" }), {
  maxKeys: 8,
});

const canonical = (v: unknown) => canonicalize(v) as string;

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The exact value of a decimal literal as a fraction n / 10^k, for equality in BigInt. */
function exact(literal: string): { n: bigint; k: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) throw new Error(`not a decimal literal: ${literal}`);
  const fraction = m[3] ?? "";
  const e = BigInt(m[4] ?? "0") - BigInt(fraction.length);
  const digits = BigInt(m[1] + m[2] + fraction);
  return e >= 0n ? { n: digits * 10n ** e, k: 0n } : { n: digits, k: -e };
}
const sameValue = (a: string, b: string) => {
  const x = exact(a);
  const y = exact(b);
  return x.n * 10n ** y.k === y.n * 10n ** x.k;
};

/** Decimal literals of every shape JSON allows: long integers, long fractions, exponents. */
const literal = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^(0|[1-9][0-9]{0,24})$/),
    fc.option(fc.stringMatching(/^[0-9]{1,22}$/), { nil: undefined }),
    fc.option(fc.integer({ min: -420, max: 420 }), { nil: undefined }),
  )
  .map(
    ([neg, int, frac, exp]) =>
      `${neg ? "-" : ""}${int}${frac !== undefined ? "." + frac : ""}${exp !== undefined ? "e" + exp : ""}`,
  );

/** POSTs exact JSON text (number literals as written, which the typed client would re-serialise); the new record. */
async function postRaw(text: string): Promise<{ id: string }> {
  const res = await call(`/api/v1/datasets/${datasetId}/records`, {
    token,
    raw: text,
    headers: { "Content-Type": "application/json" },
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${body}`);
  return JSON.parse(body) as { id: string };
}

describe("records come back exactly", () => {
  it("any object: the stored bytes are its RFC 8785 form (size and SHA-256 agree) and GET gives the same value", async () => {
    await fc.assert(
      fc.asyncProperty(record, async (data) => {
        const sent = canonical(data);
        const created = await postRaw(JSON.stringify({ data }));
        const body = await expectJson(
          await client(token).api.v1.datasets[":id"].records[":recordId"].$get({
            param: { id: datasetId, recordId: created.id },
          }),
          200,
        );
        expect(canonical(body.data)).toBe(sent);
        expect(body.size).toBe(new TextEncoder().encode(sent).byteLength);
        expect(body.sha256).toBe(await sha256Hex(sent));
      }),
      { numRuns: 40 },
    );
  });

  it("any number literal is either stored with the same value or refused with 422 naming it", async () => {
    await fc.assert(
      fc.asyncProperty(literal, async (n) => {
        const res = await call(`/api/v1/datasets/${datasetId}/records`, {
          token,
          raw: `{"data":{"n":${n}}}`,
          headers: { "Content-Type": "application/json" },
        });
        if (res.status === 422) {
          const p = await expectProblem(res, 422);
          expect(p.errors, n).toEqual([{ path: "$.data.n", message: expect.stringContaining("IEEE 754") }]);
          return;
        }
        expect(res.status, n).toBe(201);
        const { id } = (await res.json()) as { id: string };
        const text = await (await call(`/api/v1/datasets/${datasetId}/records/${id}`, { token })).text();
        const back = /"n":(-?[0-9.eE+-]+)/.exec(text)![1];
        expect(sameValue(back, n), `${n} came back as ${back}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("the shortest form of any double comes back character for character", async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }), async (x) => {
        const n = String(x === 0 ? 0 : x);
        const created = await postRaw(`{"data":{"n":${n}}}`);
        const text = await (await call(`/api/v1/datasets/${datasetId}/records/${created.id}`, { token })).text();
        expect(text).toContain(`"data":{"n":${n}}`);
      }),
      { numRuns: 25 },
    );
  });
});

describe("transit data and dataset schemas come back exactly", () => {
  it("encrypt {data} then decrypt gives the same JSON value", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5, stringUnit: "grapheme" }), async (data) => {
        const api = client(token).api.v1;
        const enc = await expectJson(await api.encrypt.$post({ json: { key: transitKey, data } }), 200);
        if (!("ciphertext" in enc)) throw new Error("expected one ciphertext");
        const dec = await expectJson(
          await api.decrypt.$post({ json: { key: transitKey, ciphertext: enc.ciphertext } }),
          200,
        );
        if (!("data" in dec)) throw new Error("expected data");
        expect(canonical(dec.data)).toBe(canonical(data));
      }),
      { numRuns: 25 },
    );
  });

  it("a dataset schema with any const value reads back as sent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4, stringUnit: "grapheme" }), async (value) => {
        const schema = { type: "object", properties: { v: { const: value } } };
        const ds = await createDataset(token, { schema });
        const body = await expectJson(await client(token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
        expect(canonical(body.schema)).toBe(canonical(schema));
      }),
      { numRuns: 15 },
    );
  });

  it("a schema bound a double cannot hold is refused, not silently rounded", async () => {
    const raw =
      '{"name":"bounded","schema":{"type":"object","properties":{"n":{"type":"integer","maximum":9999999999999999}}}}';
    const p = await expectProblem(
      await call("/api/v1/datasets", { token, raw, headers: { "Content-Type": "application/json" } }),
      422,
    );
    expect(p.errors).toEqual([
      { path: "$.schema.properties.n.maximum", message: expect.stringContaining("10000000000000000") },
    ]);
  });
});
