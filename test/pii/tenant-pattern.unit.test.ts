// Tenant patterns on RE2: refused features are named, accepted ones find what JavaScript's
// own RegExp finds (native RegExp is the oracle), offsets in UTF-16 code units.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileTenantPattern,
  MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
  RefusedPatternError,
} from "../../src/shared/pii/tenant-pattern";
import {
  releaseLargeDfa,
  SCAN_WINDOW,
  ScanBudget,
  scanTenantPattern,
  TENANT_MAX_MATCHES,
} from "../../src/shared/pii/tenant-scan";
import { ProblemError } from "../../src/shared/errors";

const refusal = (pattern: string, flags = "") => {
  try {
    compileTenantPattern(pattern, flags);
  } catch (err) {
    if (err instanceof RefusedPatternError) return err.message;
    throw err;
  }
  return null;
};

const re2Matches = (pattern: string, flags: string, text: string, budget = new ScanBudget()) => {
  const out: [number, number][] = [];
  scanTenantPattern(compileTenantPattern(pattern, flags), "t", text, budget, (s, e) => out.push([s, e]));
  return out;
};

/** The oracle: native RegExp, with `u` where the pattern allows it, since RE2 matches by code point. */
const nativeMatches = (pattern: string, flags: string, text: string) => {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.replace("u", "") + "gu");
  } catch {
    re = new RegExp(pattern, flags + "g");
  }
  return [...text.matchAll(re)]
    .filter((m) => m[0].length > 0)
    .map((m): [number, number] => [m.index!, m.index! + m[0].length]);
};

describe("compileTenantPattern refuses what RE2 cannot run, naming it", () => {
  it.each([
    ["(\\w)\\1", "backreferences"],
    ["(?<n>a)\\k<n>", "named backreferences"],
    ["(?=\\d{9})\\d+", "lookahead"],
    ["a(?!b)", "lookahead"],
    ["(?<=a)b", "lookbehind"],
    ["(?<!a)b", "lookbehind"],
    ["a*+", "possessive"],
    ["a++b", "possessive"],
    ["a{2}+", "possessive"],
    ["(?>ab|a)c", "atomic groups"],
    ["[\\1]", "octal"],
    ["\\01", "octal"],
    ["\\uD800x", "lone surrogates"],
    ["[\\S\\d]", "\\\\S inside a character class"],
    ["\\p{L}", "without the u flag"],
    ["\\q", "escape \\\\q"],
    ["a{1,5000}", "repetition bounds"],
    ["(unclosed", "not a valid regular expression"],
    ["a*", "empty string"],
    ["[]", "empty class"],
    ["(?:[a-z]{100}|[0-9]{100}){9}", `more than ${MAX_PROGRAM_SIZE} instructions`],
  ])("%s", (pattern, reason) => {
    expect(refusal(pattern)).toMatch(new RegExp(reason, "i"));
  });

  it("bounds the pattern length and the flags", () => {
    expect(refusal("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/longer/);
    for (const flags of ["g", "y", "d", "v", "ii"]) expect(refusal("abc", flags)).toMatch(/flags/);
    for (const flags of ["i", "m", "s", "u", "imsu"]) expect(refusal("abc", flags)).toBeNull();
  });

  it("accepts what the old backtracking checker refused but RE2 runs in linear time", () => {
    for (const p of [
      "(a+)+$",
      "(a|aa)+$",
      "(.*a){20}",
      "[a-z]+\\d*[a-z]+\\d*[a-z]+\\d*#",
      "\\d+\\.?\\d+",
      "(\\w|\\d)+x",
    ])
      expect(refusal(p)).toBeNull();
  });
});

describe("accepted patterns find what JavaScript's RegExp finds", () => {
  const texts = [
    "badge EMP-123456, emp-654321 and EMP-1234567; order #A12-9 on 2024-05-01",
    "Zoë Ünal — ID ÄB-12 😀 EMP-000001 \u00a0tab\there\r\nnext\u2028line ✓ 𝒜𝒷 x",
    "a\u000bb\u000cc\u00a0d\ufeffe\u3000f",
    "{3} [x] (y) a{b} c.d 10.0.0.1 foo_bar FOO-BAR",
  ];
  it.each([
    ["\\bEMP-\\d{6}\\b", ""],
    ["emp-\\d+", "i"],
    ["[A-Z]{2}-\\d+", ""],
    ["\\w+", ""],
    ["\\S+", ""],
    ["a\\sb|c\\sd|e\\sf|d\\se", ""],
    ["[\\s\\d]+", ""],
    ["^\\w+", "m"],
    ["\\w+$", "m"],
    ["x.y|e.x|a.b", ""],
    ["\\u00e4|\\xE4|\\u{1F600}", "u"],
    ["\\uD83D\\uDE00", ""],
    ["[^\\w\\s]+", ""],
    ["a{b}|\\{3\\}|\\[x\\]", ""],
    ["[[x]+", ""],
    ["\\d+(?:\\.\\d+){3}", ""],
    ["(?<year>\\d{4})-(?<m>\\d\\d)", ""],
    ["foo_bar|FOO-BAR", "i"],
    ["\\cI", ""],
    ["[^]", ""],
  ])("%s /%s", (pattern, flags) => {
    // Under `m` only \n ends a line for RE2 (the documented difference, tested below).
    const comparable = flags.includes("m") ? texts.map((t) => t.replace(/[\r\u2028\u2029]/g, "\n")) : texts;
    for (const text of comparable)
      expect(re2Matches(pattern, flags, text), text).toEqual(nativeMatches(pattern, flags, text));
  });

  it("under m, only \\n ends a line (documented): CRLF text needs \\r? before $", () => {
    expect(re2Matches("\\w+$", "m", "one\r\ntwo")).toEqual([[5, 8]]);
    expect(nativeMatches("\\w+$", "m", "one\r\ntwo")).toEqual([
      [0, 3],
      [5, 8],
    ]);
    expect(re2Matches("\\w+\r?$", "m", "one\r\ntwo")).toEqual([
      [0, 4],
      [5, 8],
    ]);
  });

  it("offsets are UTF-16 code units around astral characters", () => {
    const text = "😀 EMP-123456 𝒜 EMP-654321";
    const found = re2Matches("EMP-\\d{6}", "", text);
    expect(found.map(([s, e]) => text.slice(s, e))).toEqual(["EMP-123456", "EMP-654321"]);
    expect(found[0][0]).toBe(3);
  });
});

describe("scanTenantPattern", () => {
  it("finds every match in a long text, wherever the windows fall", () => {
    const words = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 3 ? `EMP-${100000 + i}` : i % 11 === 5 ? "do not share" : ["lorem", "ipsum", "x"][i % 3],
    );
    const text = words.join(" ");
    for (const [pattern, flags] of [
      ["\\bEMP-\\d{6}\\b", ""],
      ["DO NOT SHARE|ipsum x", "i"],
      ["\\w+(?: \\w+){2}", ""],
      ["[^ ]{3}[ -]\\d+", ""],
    ]) {
      expect(re2Matches(pattern, flags, text), pattern).toEqual(nativeMatches(pattern, flags, text));
    }
  });

  it("reports matches up to a window long where they are, and longer ones not at all (nor their tails)", () => {
    for (const length of [1, SCAN_WINDOW / 2, SCAN_WINDOW - 1]) {
      for (const at of [0, 7, SCAN_WINDOW - 3, SCAN_WINDOW * 2 + 100]) {
        const text = `${"y".repeat(at)}${"z".repeat(length)}y ${"z".repeat(length)}`;
        expect(re2Matches("z+", "", text), `${length}@${at}`).toEqual(nativeMatches("z+", "", text));
      }
    }
    const tooLong = "z".repeat(SCAN_WINDOW * 3 + 5);
    expect(re2Matches("z+", "", `ab ${tooLong} zz ${tooLong}`)).toEqual([[tooLong.length + 4, tooLong.length + 6]]);
  });

  it("finds what native RegExp finds on random texts several windows long (property)", () => {
    const patterns = ["[ab]+", "a b|ba+", "\\bz\\w*", "(?:ab)+$", "^b+", "z(?:a|b)*z", "\\w+\\s+\\w+"];
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.string({ unit: fc.constantFrom("a", "b", "z", " ", "\n"), maxLength: SCAN_WINDOW * 6 }),
        (pattern, text) => {
          expect(re2Matches(pattern, "", text)).toEqual(nativeMatches(pattern, "", text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never takes a window's end for the end of the text ($, \\b)", () => {
    expect(re2Matches("(a+)+$", "", "a".repeat(SCAN_WINDOW * 8) + "!")).toEqual([]);
    expect(re2Matches("a+\\b", "", "a".repeat(SCAN_WINDOW * 3) + "b")).toEqual([]);
    expect(re2Matches("a+$", "", "b" + "a".repeat(SCAN_WINDOW - 1))).toEqual([[1, SCAN_WINDOW]]);
  });

  it("keeps a small lazy DFA between scans and drops a large one (re2js internals, pinned)", () => {
    type Dfa = { maxMem: number; memBudget: number };
    const internals = (p: ReturnType<typeof compileTenantPattern>) => p.re2() as unknown as { lazyDFA: Dfa | null };
    const p = compileTenantPattern("[A-Z]{2}\\d{6}x");
    scanTenantPattern(p, "t", "lorem AB123456x ".repeat(1000), new ScanBudget(), () => {});
    const dfa = internals(p).lazyDFA;
    expect(dfa).not.toBeNull();
    expect(dfa!.maxMem).toBe(8 * 1024 * 1024);
    // As if the scan had built 100 KB of states (a state-exploding pattern on adversarial text).
    dfa!.memBudget = dfa!.maxMem - 100_000;
    releaseLargeDfa(p);
    expect(internals(p).lazyDFA).toBeNull();
  });

  it("refuses with 413 past the work budget or the match limit, before running out of time", () => {
    const small = new ScanBudget(10_000);
    expect(() => re2Matches("a[^x]*y|a", "", "a".repeat(5_000), small)).toThrow(ProblemError);
    const few = new ScanBudget(undefined, 3);
    try {
      re2Matches("\\d", "", "1 2 3 4 5", few);
      expect.unreachable();
    } catch (err) {
      expect((err as ProblemError).status).toBe(413);
      expect((err as ProblemError).slug).toBe("scan-limit-exceeded");
    }
    expect(TENANT_MAX_MATCHES).toBeGreaterThan(3);
  });
});
