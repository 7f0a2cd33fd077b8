import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatApiKey, parseApiKey, secretsEqual } from "../../src/shared/auth/api-key";
import { hasScope } from "../../src/shared/auth/scopes";
import { ProblemError } from "../../src/shared/errors";
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode, ID_PATTERN, newId } from "../../src/shared/ids";
import { checkJsonSchema, pointerToPath } from "../../src/shared/json-schema/check-schema";
import { decodeCursor, encodeCursor } from "../../src/shared/pagination";

describe("ids", () => {
  it("are unique, well-formed and sort in creation order", () => {
    const ids = Array.from({ length: 2000 }, () => newId("rec"));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect([...ids].sort()).toEqual(ids);
  });

  it("base64 and base64url round-trip any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
        expect(base64UrlDecode(base64UrlEncode(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe("cursors", () => {
  it("round-trip and reject tampering", () => {
    const c = encodeCursor({ id: "ds_1", seq: 4 });
    expect(decodeCursor(c, { id: "string", seq: "number" })).toEqual({ id: "ds_1", seq: 4 });
    expect(() => decodeCursor("!!!", { id: "string" })).toThrow(ProblemError);
    expect(() => decodeCursor(encodeCursor({ id: 5 }), { id: "string" })).toThrow(ProblemError);
  });
});

describe("API keys", () => {
  it("parse only the exact token format", () => {
    const token = formatApiKey("key_01M8D7FC4Z0W2PM1FJD6RP15KE", "hPWvqiwIJfybu6hD9VGlbmzJG8nfaBb5XGGBvjwhY1c");
    expect(parseApiKey(token)).toEqual({
      keyId: "key_01M8D7FC4Z0W2PM1FJD6RP15KE",
      secret: "hPWvqiwIJfybu6hD9VGlbmzJG8nfaBb5XGGBvjwhY1c",
    });
    expect(parseApiKey(token + "x")).toBeUndefined();
    expect(parseApiKey(token.replace("ldv.", "xyz."))).toBeUndefined();
  });

  it("compare secrets of any lengths", async () => {
    expect(await secretsEqual("abc", "abc")).toBe(true);
    expect(await secretsEqual("abc", "abd")).toBe(false);
    expect(await secretsEqual("abc", "abcd")).toBe(false);
  });

  it("scopes: * holds all", () => {
    expect(hasScope(["*"], "audit:read")).toBe(true);
    expect(hasScope(["datasets:read"], "datasets:write")).toBe(false);
  });
});

describe("JSON Schema checking", () => {
  it("accepts valid draft 2020-12 schemas", () => {
    expect(
      checkJsonSchema({
        type: "object",
        properties: { a: { type: ["string", "null"] } },
        $defs: { x: { type: "integer" } },
        required: ["a"],
      }),
    ).toEqual([]);
    expect(checkJsonSchema(true)).toEqual([]);
    expect(checkJsonSchema({ prefixItems: [{ type: "string" }], items: false, unevaluatedProperties: false })).toEqual(
      [],
    );
  });

  it("points at what is wrong", () => {
    expect(checkJsonSchema({ type: "strng" })[0].path).toBe("$.schema.type");
    expect(checkJsonSchema({ required: "a" })[0].path).toBe("$.schema.required");
    expect(checkJsonSchema({ properties: { "a b": { maxLength: 1.5 } } })[0].path).toBe(
      '$.schema.properties["a b"].maxLength',
    );
    expect(checkJsonSchema({ patternProperties: { "(": {} } })[0].path).toMatch(/^\$\.schema\.patternProperties/);
    // Every error is kept: a wrong type beside a bad keyword value.
    expect(
      checkJsonSchema({ type: "object", properties: { a: { type: 5 }, b: { minLength: -1 } } })
        .map((e) => e.path)
        .sort(),
    ).toEqual(["$.schema.properties.a.type", "$.schema.properties.b.minLength"]);
    expect(checkJsonSchema(5)[0].path).toBe("$.schema");
  });

  it("turns JSON pointers into JSON paths", () => {
    expect(pointerToPath("#/a/0/b~1c")).toBe('$.a[0]["b/c"]');
    expect(pointerToPath("#")).toBe("$");
  });
});
