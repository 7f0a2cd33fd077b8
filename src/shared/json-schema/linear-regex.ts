/**
 * JSON Schema `pattern` and `patternProperties` on RE2 (linear time) instead of V8's
 * backtracking RegExp, so that a tenant's schema cannot stall the isolate (`^(a+)+$`).
 *
 * @cfworker/json-schema builds its regexes with `new RegExp(source, "u")` while it validates
 * and has no option for another engine. Its validation is synchronous, so `withLinearRegex`
 * puts a stand-in under the global `RegExp` for exactly the length of one validate call
 * (no other code can run meanwhile) and restores it in `finally`. The stand-in still
 * compiles with the native constructor (never running it) so that `format: "regex"` keeps
 * its syntax check, and `test` runs the RE2 translation of the same source (see
 * tenant-pattern.ts for how JavaScript meaning is kept). Regex literals, including the
 * library's own `format` regexes, are not affected.
 *
 * Each `test` is charged the string's length times the pattern's program size against a
 * SchemaRegexBudget of SCHEMA_REGEX_BUDGET units, shared by every value of one request (a
 * batch, a /validate call); past it the request fails with 413 `scan-limit-exceeded`.
 */
import { format } from "@cfworker/json-schema";
import type { RE2JS } from "re2js";
import { ProblemError } from "../errors";
import { compileTenantPattern, RefusedPatternError } from "../pii/tenant-pattern";

/**
 * Longest string `format: "url"` checks. The library's URL regex (`\S+(?::\S*)?@`) backtracks
 * polynomially: 16,000 ':' took 0.8 s, so 1 MB would take hours. Longer strings are not a "url"
 * (browsers and servers stop near 2,000 characters too); `uri` has no such limit.
 */
export const MAX_URL_FORMAT_LENGTH = 2048;
const libraryUrl = format.url;
format.url = (input: string) => input.length <= MAX_URL_FORMAT_LENGTH && libraryUrl(input);

/** Work schema regexes may do per request, in characters read times program size (2^23, ~0.1-0.25 s at worst). */
export const SCHEMA_REGEX_BUDGET = 8_388_608;

const NativeRegExp = globalThis.RegExp;
const MAX_CACHED = 256;
const compiled = new Map<string, RE2JS>();

/**
 * A schema pattern compiled for RE2 (the `u` flag, as JSON Schema asks), cached by source.
 * @throws RefusedPatternError naming the feature RE2 cannot express (lookaround, backreferences…)
 */
export function compileSchemaPattern(source: string): RE2JS {
  let re = compiled.get(source);
  if (!re) {
    re = compileTenantPattern(source, "u", { allowEmptyMatch: true });
    compiled.set(source, re);
    if (compiled.size > MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  }
  return re;
}

/** A value the schema's patterns could not be run on (over budget, or a pattern RE2 cannot run). */
export class SchemaPatternProblem extends ProblemError {}

/** What the schema patterns of one request may still do; pass the same one for every value. */
export class SchemaRegexBudget {
  left = SCHEMA_REGEX_BUDGET;
}

function standIn(budget: SchemaRegexBudget) {
  return function SchemaRegExp(source: string, flags?: string) {
    // Syntax errors stay SyntaxErrors (format "regex"); the native regex is never run.
    new NativeRegExp(source, flags);
    return {
      test(input: string): boolean {
        let re: RE2JS;
        try {
          re = compileSchemaPattern(source);
        } catch (err) {
          // A schema stored before patterns were checked at acceptance.
          if (err instanceof RefusedPatternError) {
            throw new SchemaPatternProblem(422, "validation-failed", {
              detail: `The schema's pattern ${JSON.stringify(source)} cannot run on the linear-time engine: ${err.message}. Update the schema.`,
            });
          }
          throw err;
        }
        const work = input.length * Math.max(1, re.programSize());
        if (work > budget.left) {
          throw new SchemaPatternProblem(413, "scan-limit-exceeded", {
            detail:
              `Schema patterns may do ${SCHEMA_REGEX_BUDGET} units of work per request (characters read ` +
              `times the pattern's program size); pattern ${JSON.stringify(source)} reached the limit.`,
            extensions: { limit_work: SCHEMA_REGEX_BUDGET },
          });
        }
        budget.left -= work;
        return re.test(input);
      },
    };
  };
}

/** Runs `validate` (synchronous, @cfworker/json-schema) with its regexes on RE2; see the module comment. */
export function withLinearRegex<T>(validate: () => T, budget = new SchemaRegexBudget()): T {
  const g = globalThis as { RegExp: unknown };
  g.RegExp = standIn(budget);
  try {
    return validate();
  } finally {
    g.RegExp = NativeRegExp;
  }
}
