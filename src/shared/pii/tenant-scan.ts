/**
 * Runs tenant patterns over text within a per-request budget, so that one tenant's
 * recognizers cannot hold an isolate that serves every tenant.
 *
 * RE2 searches in time linear in what it reads, but finding ALL matches is not linear:
 * to end a leftmost-first match it may read to the end of the input (`a[^x]*y|a` on
 * "aaaa…" reads the rest of the text for every `a`), so n matches over n characters cost
 * n². So:
 * - each search reads one window of at most SCAN_WINDOW code units (ended just after
 *   whitespace when its second half has some): a tenant match lies inside one window;
 * - a match that runs into a window's end, when more text follows, is not reported:
 *   the engine took that end for the end of the text (`$`, `\b`) or cut the match short;
 * - every search is charged what it may cost at most, the rest of its window times the
 *   pattern's program size (RE2's work per character is bounded by it), against
 *   TENANT_SCAN_BUDGET per request, and at most TENANT_MAX_MATCHES matches are kept; a
 *   request that would go beyond either is refused with 413 `scan-limit-exceeded`
 *   before the search runs.
 */
import { MatcherInput, type RE2JS } from "re2js";
import { ProblemError } from "../errors";

/** Code units one search of a tenant pattern may read; a tenant match is shorter. */
export const SCAN_WINDOW = 256;
/**
 * Work tenant patterns may do per request, in characters read times program size (2^26),
 * over all its strings and recognizers: about 1 to 4 s of CPU at worst (see BENCHMARKS.md).
 */
export const TENANT_SCAN_BUDGET = 67_108_864;
/** Matches of tenant patterns kept per request, over all its strings and recognizers. */
export const TENANT_MAX_MATCHES = 100_000;

const UNANCHORED = 0;

const scanLimit = (detail: string) =>
  new ProblemError(413, "scan-limit-exceeded", {
    detail: `${detail} Send less text, ask for fewer entity types, or use fewer or simpler recognizers.`,
    extensions: { limit_work: TENANT_SCAN_BUDGET, limit_matches: TENANT_MAX_MATCHES, window_chars: SCAN_WINDOW },
  });

/** What the tenant patterns of one request may still do; shared by every string of the request. */
export class ScanBudget {
  constructor(
    public work = TENANT_SCAN_BUDGET,
    public matches = TENANT_MAX_MATCHES,
  ) {}

  /** @throws ProblemError 413 `scan-limit-exceeded` when `work` is more than what is left. */
  charge(work: number, recognizer: string): void {
    if (work > this.work) {
      throw scanLimit(
        `Custom recognizers may do ${TENANT_SCAN_BUDGET} units of work per request (characters each search may read ` +
          `times the pattern's program size); '${recognizer}' reached the limit.`,
      );
    }
    this.work -= work;
  }

  /** @throws ProblemError 413 `scan-limit-exceeded` past TENANT_MAX_MATCHES matches. */
  match(recognizer: string): void {
    if (--this.matches < 0) throw scanLimit(`Custom recognizers may find ${TENANT_MAX_MATCHES} matches per request; '${recognizer}' reached the limit.`);
  }
}

/** End of the window starting at `from`: SCAN_WINDOW on, or just after whitespace in its second half. */
export function windowEnd(text: string, from: number): number {
  const to = from + SCAN_WINDOW;
  if (to >= text.length) return text.length;
  for (let i = to - 1; i > from + SCAN_WINDOW / 2; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) return i + 1;
  }
  return to;
}

/**
 * Calls `emit(start, end)` for each non-empty match of `pattern` in `text`, in order,
 * offsets in UTF-16 code units (see the module comment for windows and limits).
 * @throws ProblemError 413 when the budget runs out
 */
export function scanTenantPattern(pattern: RE2JS, name: string, text: string, budget: ScanBudget, emit: (start: number, end: number) => void): void {
  const re2 = pattern.re2();
  const size = pattern.programSize();
  const input = MatcherInput.utf16(text);
  for (let from = 0; from < text.length; ) {
    const to = windowEnd(text, from);
    for (let pos = from; pos < to; ) {
      budget.charge((to - pos) * size, name);
      const [found, groups] = re2.matchWithGroup(input, pos, to, UNANCHORED, 1) as [boolean, number[] | null];
      if (!found || !groups) break;
      const [start, end] = groups;
      if (end === to && to < text.length) break;
      if (end > start) {
        budget.match(name);
        emit(start, end);
      }
      pos = end > start ? end : start + 1;
    }
    from = to;
  }
}
