/**
 * Tenant pattern benchmarks, shared by the Node and workerd bench files: time per 100 KB
 * for tenant patterns on RE2 (re2js, through scanTenantPattern with its windows and
 * budget) against native RegExp on benign patterns, and the patterns that backtrack
 * catastrophically in JavaScript on RE2 alone (native RegExp would not finish).
 */
import { test } from "vitest";
import { ProblemError } from "../../src/shared/errors";
import { compileTenantPattern } from "../../src/shared/pii/tenant-pattern";
import { ScanBudget, scanTenantPattern } from "../../src/shared/pii/tenant-scan";
import { buildWorkloads } from "./workloads";

const KB100 = 100_000;

/** Benign tenant-style patterns: ids, codes, key words. */
export const BENIGN: [name: string, pattern: string, flags: string][] = [
  ["employee id", "\\bEMP-\\d{6}\\b", ""],
  ["passport-like code", "[A-Z]{2}\\d{6,8}", ""],
  ["key words, case-insensitive", "confidential|internal only|do not share", "i"],
  ["SSN shape", "\\b\\d{3}-\\d{2}-\\d{4}\\b", ""],
  ["e-mail-like (dense)", "[\\w.+-]+@[\\w-]+\\.[\\w.]+", ""],
];

/** Exponential (or worse) for a backtracking engine; linear on RE2. Each input is 100 KB. */
export function pathological(): [name: string, pattern: string, text: string][] {
  const lines = Array.from({ length: Math.ceil(KB100 / 30) }, () => "b".repeat(10) + "a".repeat(19))
    .join("\n")
    .slice(0, KB100);
  return [
    [
      "[a-z]+\\d*[a-z]+\\d*[a-z]+\\d*# on letters (issue 9)",
      "[a-z]+\\d*[a-z]+\\d*[a-z]+\\d*#",
      "abcdefghij".repeat(KB100 / 10),
    ],
    ["(a+)+$ on a…a!", "(a+)+$", "a".repeat(KB100 - 1) + "!"],
    ["(a|aa)+$ on a…a!", "(a|aa)+$", "a".repeat(KB100 - 1) + "!"],
    ["(.*a){20} on lines of 19 a's", "(.*a){20}", lines],
  ];
}

const count = (pattern: ReturnType<typeof compileTenantPattern>, text: string) => {
  let n = 0;
  scanTenantPattern(pattern, "bench", text, new ScanBudget(), () => n++);
  return n;
};

const nativeCount = (re: RegExp, text: string) => {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text) !== null) n++;
  return n;
};

/** 100 KB of corpus sentences with an employee id, a code and a key word every ~1 KB. */
function benignText(): string {
  const base = buildWorkloads().text100k;
  let out = "";
  for (let i = 0; out.length < KB100; i++) {
    out += base.slice((i * 1000) % (base.length - 1000), ((i * 1000) % (base.length - 1000)) + 1000);
    out += ` EMP-${String(100000 + i)} AB${String(1234567 + i)} internal only `;
  }
  return out.slice(0, KB100);
}

export function defineTenantPatternBenches(runtime: string): void {
  const text = benignText();
  test(`tenant patterns, benign, 100 KB of corpus text (${runtime})`, async ({ bench }) => {
    const benches = BENIGN.flatMap(([name, source, flags]) => {
      const re2 = compileTenantPattern(source, flags);
      const native = new RegExp(source, flags + "g");
      // Same findings from both engines (windows do not split these short matches).
      const [a, b] = [count(re2, text), nativeCount(native, text)];
      if (a !== b) throw new Error(`${name}: RE2 found ${a}, native RegExp ${b}`);
      return [
        bench(`RE2 ${name} (${a} matches)`, () => void count(re2, text)),
        bench(`native RegExp ${name}`, () => void nativeCount(native, text)),
      ];
    });
    await bench.compare(...benches, { time: 2000 });
  });
  test(`tenant patterns, catastrophic for backtracking, 100 KB, RE2 only (${runtime})`, async ({ bench }) => {
    const benches = pathological().map(([name, source, input]) => {
      const re2 = compileTenantPattern(source);
      return bench(`RE2 ${name}`, () => void count(re2, input));
    });
    await bench.compare(...benches, { time: 2000 });
    // The costliest kind: every leftmost-first match reads to the end of its window. The scan
    // stops at the per-request budget: this is the longest one request's tenant patterns can run.
    const quadratic = compileTenantPattern("a[^x]*y|a");
    const as = "a".repeat(1_000_000);
    await bench("RE2 a[^x]*y|a on a…a until the whole per-request budget is spent (413)", () => {
      try {
        count(quadratic, as);
      } catch (err) {
        if (!(err instanceof ProblemError) || err.status !== 413) throw err;
      }
    }).run({ time: 4000, iterations: 3 });
  });
  test(`tenant patterns, compile (${runtime})`, async ({ bench }) => {
    await bench("compileTenantPattern, 5 benign patterns (a recognizer cache miss)", () => {
      for (const [, source, flags] of BENIGN) compileTenantPattern(source, flags);
    }).run({ time: 1000 });
  });
}
