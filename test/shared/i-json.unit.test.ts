// The I-JSON reader: syntax checked against V8's JSON.parse as the oracle, numbers against
// BigInt arithmetic and re-parsing, and every I-JSON rule with its path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../src/shared/errors";
import { decodeUtf8Strict, numberProblem, parseIJson, scanIJson } from "../../src/shared/json/i-json";
import { MAX_JSON_DEPTH } from "../../src/shared/json/limits";

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Text built from JSON's own characters, so most of it is nearly JSON. */
const jsonish = fc
  .array(fc.constantFrom(...'{}[]:,"\\/u0123456789abcdefABCDEF.eE+- \n\ttrueflsn\u00e9\ud800\udc00'), { maxLength: 40 })
  .map((cs) => cs.join(""));

/** Valid JSON with one character inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.nat(),
    fc.constantFrom("insert", "delete", "replace"),
    fc.constantFrom(...'{}[]:,"\\0.e-x '),
  )
  .map(([v, at, op, ch]) => {
    const text = JSON.stringify(v);
    const i = at % (text.length + 1);
    if (op === "insert") return text.slice(0, i) + ch + text.slice(i);
    if (op === "delete") return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + ch + text.slice(i + 1);
  });

describe("scanIJson: syntax agrees with JSON.parse", () => {
  it("refuses with 400 exactly what JSON.parse refuses, on near-JSON text", () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, mutated), (text) => {
        const r = scanIJson(text);
        if (!parses(text)) {
          expect(r.ok ? 200 : r.status, text).toBe(400);
        } else if (!r.ok && r.status === 400) {
          // Valid JSON refused as a 400 must be a duplicate member name.
          expect(r.detail, text).toMatch(/appears twice/);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts everything JSON.stringify writes, and JSON.parse then gives the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(scanIJson(text)).toEqual({ ok: true });
        expect(parseIJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("long strings (skipped a run at a time)", () => {
  /** Strings of up to 400 characters, mostly ordinary ones, with the characters that end a run mixed in. */
  const longish = fc
    .array(
      fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom(..."abcXYZ019+/= é€") },
        { weight: 1, arbitrary: fc.constantFrom('"', "\\", '\\"', "\\n", "\\u0041", "\\ud83d", "\n", "\u0001") },
        { weight: 1, arbitrary: fc.constantFrom("\ud83d\ude00", "\ud83d", "\ude00") },
      ),
      { minLength: 20, maxLength: 400, size: "max" },
    )
    .map((cs) => cs.join(""));

  it("agree with JSON.parse on syntax, and find lone surrogates anywhere in them", () => {
    fc.assert(
      fc.property(longish, (body) => {
        const text = `{"k":"${body}"}`;
        const r = scanIJson(text);
        if (!parses(text)) {
          expect(r.ok ? 200 : r.status, text).toBe(400);
        } else {
          const value = (JSON.parse(text) as { k: string }).k;
          const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
          expect(r, text).toEqual(lone ? expect.objectContaining({ ok: false, status: 422 }) : { ok: true });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("a 100 KB base64 value passes; one control character, quote or lone surrogate near its end does not", () => {
    const b64 = "QUJD".repeat(34_000);
    expect(scanIJson(`{"plaintext":"${b64}"}`)).toEqual({ ok: true });
    const near = (ch: string) => `{"plaintext":"${b64.slice(0, -5)}${ch}${b64.slice(-4)}"}`;
    expect(scanIJson(near("\u0001"))).toMatchObject({ ok: false, status: 400 });
    expect(scanIJson(near('"'))).toMatchObject({ ok: false, status: 400 });
    expect(scanIJson(near("\ud800"))).toMatchObject({ ok: false, status: 422, errors: [{ path: "$.plaintext" }] });
    expect(scanIJson(`{"plaintext":"${b64}`)).toMatchObject({ ok: false, status: 400 });
  });
});

describe("numbers (RFC 7493 §2.2)", () => {
  /** The integer a double's shortest decimal form writes, in BigInt arithmetic. */
  const written = (x: number) => {
    const [m, e = "0"] = String(x).split("e");
    const [ip, fp = ""] = m.split(".");
    return BigInt(ip + fp) * 10n ** BigInt(Number(e) - fp.length);
  };

  it("integers: accepted exactly when they come back as the same integer (BigInt oracle)", () => {
    const big = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.bigInt({ min: 2n ** 53n - 10n, max: 2n ** 53n + 10n }),
    );
    fc.assert(
      fc.property(big, (b) => {
        const literal = b.toString();
        const exact = written(Number(literal)) === b;
        expect(numberProblem(literal) === null, literal).toBe(exact);
      }),
      { numRuns: 3000 },
    );
  });

  it("the shortest form of any double is accepted; one more significant digit is refused", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = String(x);
        expect(numberProblem(s), s).toBeNull();
        // Same double, different decimal: the digit changes the value by far less than an ulp.
        const [mantissa, exponent] = s.split("e");
        const longer =
          (mantissa.includes(".") ? mantissa : mantissa + ".") +
          "00000000000000000000001" +
          (exponent ? "e" + exponent : "");
        if (Number(longer) === x) expect(numberProblem(longer), longer).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses the examples of the issue with the path, accepts the same values written differently", () => {
    const refused = [
      "10000000000000001",
      "1234567890123456789",
      "1e-400",
      "1e400",
      "-1e400",
      "1.0000000000000001",
      "9007199254740993",
      "123456789012345678901234567890",
    ];
    for (const n of refused) {
      const r = scanIJson(`{"a":[0,{"n":${n}}]}`);
      expect(r, n).toMatchObject({ ok: false, status: 422, errors: [{ path: "$.a[1].n" }] });
    }
    const accepted = [
      "9007199254740992",
      "-9007199254740992",
      "1.0",
      "1e2",
      "100e-2",
      "0.1",
      "-0",
      "0e999999",
      "1.7976931348623157e308",
      "5e-324",
      "1E+21",
      "0.30000000000000004",
    ];
    for (const n of accepted) expect(scanIJson(`[${n}]`), n).toEqual({ ok: true });
  });

  it("says what the number would have become", () => {
    expect(numberProblem("10000000000000001")).toContain("would become 10000000000000000");
    expect(numberProblem("1e-400")).toContain("would become 0");
    expect(numberProblem("1e400")).toContain("too large");
  });
});

describe("duplicate member names (RFC 7493 §2.3)", () => {
  it("are a 400 naming the second occurrence, also when written with escapes", () => {
    expect(scanIJson('{"key":"a","key":"b"}')).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ path: "$.key", message: "Duplicate member name." }],
    });
    expect(scanIJson('{"x":[{"a":1,"\\u0061":2}]}')).toMatchObject({ status: 400, errors: [{ path: "$.x[0].a" }] });
    expect(scanIJson('{"a b":{"c":1},"z":{"a b":2,"a b":3}}')).toMatchObject({
      status: 400,
      errors: [{ path: '$.z["a b"]' }],
    });
  });

  it("are allowed in different objects, and a name equal to a prototype key is just a name", () => {
    expect(scanIJson('{"a":{"a":1},"b":{"a":2},"__proto__":1,"constructor":2}')).toEqual({ ok: true });
  });

  it("are found in any object a generator can make (duplicates injected into real JSON)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }), fc.nat(), (obj, pick) => {
        const keys = Object.keys(obj);
        const k = keys[pick % keys.length];
        const text = `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(obj[key])}`).join(",")},${JSON.stringify(k)}:null}`;
        const r = scanIJson(`[${text}]`);
        expect(r).toMatchObject({ ok: false, status: 400 });
      }),
      { numRuns: 500 },
    );
  });
});

describe("lone surrogates (RFC 7493 §2.1)", () => {
  it("are a 422 with the path; pairs are fine, written raw or escaped", () => {
    for (const s of ["\\ud800", "\\udc00", "\\udc00\\ud800", "a\\ud83d", "\\ud83dx\\ude00"]) {
      expect(scanIJson(`{"s":["${s}"]}`), s).toMatchObject({ ok: false, status: 422, errors: [{ path: "$.s[0]" }] });
    }
    expect(scanIJson('{"\\ud800":1}')).toMatchObject({ status: 422, errors: [{ path: '$["\\ud800"]' }] });
    expect(scanIJson('["\\ud83d\\ude00", "😀", "\\uffff"]')).toEqual({ ok: true });
    // Text that did not come from UTF-8 bytes can hold a raw lone surrogate.
    expect(scanIJson('["\ud800"]')).toMatchObject({ status: 422 });
  });
});

describe("depth", () => {
  it(`allows ${MAX_JSON_DEPTH} levels, refuses ${MAX_JSON_DEPTH + 1} with the path`, () => {
    const nest = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
    expect(scanIJson(nest(MAX_JSON_DEPTH))).toEqual({ ok: true });
    expect(scanIJson(nest(MAX_JSON_DEPTH + 1))).toMatchObject({
      status: 422,
      errors: [{ path: "$" + "[0]".repeat(MAX_JSON_DEPTH) }],
    });
    expect(scanIJson('{"a":{"b":[[1]]}}', { maxDepth: 3 })).toMatchObject({
      status: 422,
      errors: [{ path: "$.a.b[0]" }],
    });
  });

  it("reads a million levels without recursion", () => {
    const deep = '{"d":'.repeat(1_000_000) + "1" + "}".repeat(1_000_000);
    const r = scanIJson(deep);
    expect(r).toMatchObject({ ok: false, status: 422 });
    expect(() => parseIJson(deep)).toThrow(ProblemError);
  });
});

describe("UTF-8", () => {
  it("refuses invalid bytes with a 400 naming the offset, never U+FFFD", () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    try {
      decodeUtf8Strict(bytes);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProblemError);
      expect((err as ProblemError).status).toBe(400);
      expect((err as ProblemError).slug).toBe("malformed-json");
      expect((err as ProblemError).detail).toContain("byte 6");
    }
    // Overlong encodings and encoded surrogates are invalid too.
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expect(() => decodeUtf8Strict(new Uint8Array(bad))).toThrow(ProblemError);
    }
  });

  it("decodes every valid string exactly", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(decodeUtf8Strict(new TextEncoder().encode(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
