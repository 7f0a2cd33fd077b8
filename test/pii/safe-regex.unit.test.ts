// Custom recognizer patterns: catastrophic shapes are refused, ordinary ones compile.
import { describe, expect, it } from "vitest";
import { compileSafePattern, MAX_PATTERN_LENGTH, UnsafePatternError } from "../../src/shared/pii/safe-regex";

const refused = (pattern: string, flags = "") => {
  try {
    compileSafePattern(pattern, flags);
  } catch (err) {
    if (err instanceof UnsafePatternError) return err.message;
    throw err;
  }
  return null;
};

describe("compileSafePattern", () => {
  it.each([
    ["(a+)+$", "nested quantifiers"],
    ["(a*)*b", "nested quantifiers"],
    ["^(\\w+\\s?)*$", "nested quantifiers"],
    ["(x{1,10}){1,10}", "nested quantifiers"],
    ["(?:\\d+-?)+", "nested quantifiers"],
    ["(a|a)*", "repeated alternation"],
    ["(a|ab)+c", "repeated alternation"],
    ["(\\w|\\d)+", "repeated alternation"],
    ["\\d+\\d+x", "adjacent unbounded"],
    ["\\d+\\.?\\d+", "adjacent unbounded"],
    [".*foo.*bar", "adjacent unbounded"],
    ["(\\w)\\1", "backreferences"],
    ["(?<n>a)\\k<n>", "backreferences"],
    ["(?<=a)b", "lookbehind"],
    ["a{1,5000}", "repetition bounds"],
    ["a**", "nothing to repeat|Invalid|not a valid"],
    ["(unclosed", "not a valid"],
    ["a*", "empty string"],
    ["\\p{L}+", "Unicode property|not a valid"],
  ])("refuses %s", (pattern, reason) => {
    expect(refused(pattern, pattern.includes("\\p") ? "u" : "")).toMatch(new RegExp(reason, "i"));
  });

  it.each([
    "\\bEMP-\\d{6}\\b",
    "(?:\\d{3}-){2}\\d{4}",
    "[A-Z]{2}\\d{6,8}",
    "\\w+@\\w+\\.com",
    "(?:foo|bar)+baz",
    "case-\\d+(?:-[a-z]+)?",
    "^ORD[0-9]{8}$",
    "(?=\\d{9}\\b)\\d+",
    "[^\\s]{8,64}",
  ])("accepts %s", (pattern) => {
    expect(refused(pattern)).toBeNull();
    expect(compileSafePattern(pattern).flags).toContain("g");
  });

  it("bounds pattern length and flags", () => {
    expect(refused("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/longer/);
    expect(refused("abc", "g")).toMatch(/flags/);
    expect(refused("abc", "ii")).toMatch(/flags/);
    expect(refused("abc", "i")).toBeNull();
  });

  it("case-insensitive overlap is noticed", () => {
    expect(refused("[a-z]+[A-Z]+x", "i")).toMatch(/adjacent/);
    expect(refused("[a-z]+[A-Z]+x")).toBeNull();
  });
});
