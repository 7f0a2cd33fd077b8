import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../src/shared/errors";
import { canonicalJson } from "../../src/shared/records/canonical";
import { openRecord, sealRecord } from "../../src/shared/records/cipher";
import { parseIfMatch, recordEtag } from "../../src/shared/records/etag";
import { prepareRecords, type IngestDataset } from "../../src/shared/records/ingest";
import { schemaErrors, validatorFor } from "../../src/shared/records/validate";

const dataset = (schema: unknown = null): IngestDataset => ({
  id: "ds_x",
  tenantId: "tnt_x",
  schema: schema === null ? null : JSON.stringify(schema),
  piiPolicy: null,
});

async function problemOf(p: Promise<unknown>): Promise<ProblemError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemError) return err;
    throw err;
  }
  throw new Error("expected a ProblemError");
}

describe("prepareRecords", () => {
  it("returns canonical JSON, its UTF-8 size and SHA-256", async () => {
    const [r] = await prepareRecords(env, dataset(), [{ data: { b: "é", a: [1.0, 2.5e3, true, null] } }], {
      batch: false,
    });
    expect(r.canonical).toBe('{"a":[1,2500,true,null],"b":"é"}');
    expect(r.size).toBe(r.canonical.length + 1); // é is two bytes
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(r.canonical)));
    expect(r.sha256).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("collects every error of every record before refusing, with indexes in a batch", async () => {
    const schema = { type: "object", required: ["a"], properties: { a: { type: "string" }, b: { type: "integer" } } };
    const err = await problemOf(
      prepareRecords(env, dataset(schema), [{ data: { a: "ok" } }, { data: { b: 1.5 } }, { data: { a: 1 } }], {
        batch: true,
      }),
    );
    expect(err.status).toBe(422);
    expect(err.errors).toEqual([
      { index: 1, path: "$.records[1].data", message: expect.stringContaining('"a"') },
      { index: 1, path: "$.records[1].data.b", message: expect.stringContaining("integer") },
      { index: 2, path: "$.records[2].data.a", message: expect.stringContaining("string") },
    ]);
  });

  it("refuses shapes before anything else: data that is not an object", async () => {
    const err = await problemOf(
      prepareRecords(env, dataset({ type: "object", required: ["x"] }), [{ data: [] }, { data: "s" }], { batch: true }),
    );
    expect(err.status).toBe(422);
    expect(err.errors?.map((e) => [e.index, e.message])).toEqual([
      [0, "A record's data must be a JSON object."],
      [1, "A record's data must be a JSON object."],
    ]);
  });

  it("refuses records over 1 MiB and batches over 10 MiB with a 413", async () => {
    const one = await problemOf(
      prepareRecords(env, dataset(), [{ data: { s: "x".repeat(1024 * 1024) } }], { batch: false }),
    );
    expect(one.status).toBe(413);
    expect(one.errors?.[0].path).toBe("$.data");
    const many = await problemOf(
      prepareRecords(
        env,
        dataset(),
        Array.from({ length: 11 }, () => ({ data: { s: "x".repeat(1000 * 1000) } })),
        { batch: true },
      ),
    );
    expect(many.status).toBe(413);
    expect(many.extensions).toEqual({ limit_bytes: 10 * 1024 * 1024 });
  });
});

describe("canonical JSON", () => {
  it("is stable: canonical text parses back to the same canonical text, whatever the key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("schema errors", () => {
  it("keep every real error, drop summaries and the noise of anyOf branches", () => {
    const v = validatorFor(
      JSON.stringify({
        type: "object",
        required: ["a"],
        properties: {
          a: {},
          o: { anyOf: [{ type: "string" }, { type: "number" }] },
          r: { $ref: "#/$defs/s" },
          t: { type: "array", items: { type: "string" } },
        },
        additionalProperties: false,
        $defs: { s: { type: "string" } },
      }),
    );
    expect(schemaErrors(v, { o: true, r: 5, t: ["x", 1], z: 0 }, "$")).toEqual([
      { path: "$", message: 'Instance does not have required property "a".' },
      { path: "$.o", message: "Instance does not match any subschemas." },
      { path: "$.r", message: 'Instance type "number" is invalid. Expected "string".' },
      { path: "$.t[1]", message: 'Instance type "number" is invalid. Expected "string".' },
      { path: "$.z", message: "Not allowed by the schema." },
    ]);
    expect(schemaErrors(v, { a: 1 }, "$")).toEqual([]);
  });

  it("compiles a schema once and reuses it", () => {
    const text = JSON.stringify({ type: "object", title: crypto.randomUUID() });
    expect(validatorFor(text)).toBe(validatorFor(text));
  });
});

describe("If-Match", () => {
  it("accepts quoted versions, lists and *; weak tags, other spellings and malformed lists never match (RFC 9110 §13.1.1)", () => {
    expect(parseIfMatch(recordEtag(3))).toEqual([3]);
    expect(parseIfMatch('W/"2", "5"')).toEqual([5]);
    expect(parseIfMatch('W/"2"')).toEqual([]);
    expect(parseIfMatch("7")).toEqual([]);
    // A list with an element that is not an entity-tag is malformed: nothing in it matches.
    expect(parseIfMatch('7, "8"')).toEqual([]);
    expect(parseIfMatch('"7')).toEqual([]);
    expect(parseIfMatch('"1", *')).toEqual([]);
    expect(parseIfMatch(" * ")).toBe("*");
    expect(parseIfMatch('"8", , "9",')).toEqual([8, 9]);
    // Strong comparison is byte for byte: "03" is not the ETag of version 3.
    expect(parseIfMatch('"03"')).toEqual([]);
    expect(parseIfMatch('"0"')).toEqual([]);
    expect(parseIfMatch('"rec_x.v1"')).toEqual([]);
  });
});

describe("record cipher", () => {
  it("binds the ciphertext to tenant, dataset, record id and version", async () => {
    const key = (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
      "encrypt",
      "decrypt",
    ])) as CryptoKey;
    const binding = { tenantId: "tnt_a", datasetId: "ds_a", recordId: "rec_a", version: 1 };
    const sealed = await sealRecord(key, binding, '{"a":1}');
    expect(await openRecord(key, binding, sealed)).toBe('{"a":1}');
    for (const other of [{ tenantId: "tnt_b" }, { datasetId: "ds_b" }, { recordId: "rec_b" }, { version: 2 }]) {
      await expect(openRecord(key, { ...binding, ...other }, sealed)).rejects.toThrow(/could not be decrypted/);
    }
    // Two seals of the same record differ (random IV).
    expect(await sealRecord(key, binding, '{"a":1}')).not.toEqual(sealed);
  });
});
