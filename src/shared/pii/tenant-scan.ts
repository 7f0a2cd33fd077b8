/**
 * Runs tenant patterns over text within a per-request budget, so that one tenant's
 * recognizers cannot hold an isolate that serves every tenant.
 *
 * RE2 searches in time linear in what it reads, but finding ALL matches is not linear:
 * to end a leftmost-first match it may read to the end of the input (`a[^x]*y|a` on
 * "aaaa…" reads the rest of the text for every `a`), so n matches over n characters cost
 * n². So:
 * - each search reads one window of at most SCAN_WINDOW code units. Windows overlap by
 *   half, and a window keeps only the matches that start in its first half; the engine
 *   sees all the text before a window (for `^` and `\b`);
 * - a match that runs into a window's end, when more text follows, is not trusted (the
 *   engine took that end for the end of the text, for `$` and `\b`, or cut the match
 *   short): the window starts again at the search position (or the match), and if it
 *   already started at the match, the match is longer than a window and is not
 *   reported, nor its tail.
 * So every match of up to SCAN_WINDOW code units is found as in the whole text, unless a
 * longer reading the pattern prefers would have run past the window (`a[^x]*y|a` finds
 * "a" where "a…y" is further than a window away); longer matches are not reported.
 * - before the (slower) capturing engines look at a window, RE2's DFA answers whether
 *   any match lies in a span starting there; spans without one are skipped, and the span
 *   doubles (up to MAX_SKIP_SPAN) while nothing is found;
 * - every search is charged what it may cost at most, the rest of its window times the
 *   pattern's program size (RE2's work per character is bounded by it), against
 *   TENANT_SCAN_BUDGET per request, and at most TENANT_MAX_MATCHES matches are kept; a
 *   request that would go beyond either is refused with 413 `scan-limit-exceeded`
 *   before the search runs.
 */
import { MatcherInput, type RE2JS } from "re2js";
import { ProblemError } from "../errors";

/** Code units one search of a tenant pattern may read: the longest match reported. */
export const SCAN_WINDOW = 256;
/**
 * Work tenant patterns may do per request, in characters read times program size (2^23),
 * over all its strings and recognizers: at worst about 0.1 to 0.25 s of CPU on a loaded core
 * (see BENCHMARKS.md), so one request cannot hold the isolate that serves every tenant.
 */
export const TENANT_SCAN_BUDGET = 8_388_608;
/** Matches of tenant patterns kept per request, over all its strings and recognizers. */
export const TENANT_MAX_MATCHES = 100_000;

/** Longest span one "is there a match at all" DFA search covers while skipping text. */
export const MAX_SKIP_SPAN = 64 * SCAN_WINDOW;
/** A pattern's lazy DFA may keep this much (re2js's own estimate, bytes) between scans. */
const DFA_KEEP_BYTES = 64 * 1024;

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
    if (--this.matches < 0)
      throw scanLimit(
        `Custom recognizers may find ${TENANT_MAX_MATCHES} matches per request; '${recognizer}' reached the limit.`,
      );
  }
}

/**
 * Calls `emit(start, end)` for each non-empty match of `pattern` in `text`, in order,
 * offsets in UTF-16 code units (see the module comment for windows and limits).
 * @throws ProblemError 413 when the budget runs out
 */
export function scanTenantPattern(
  pattern: RE2JS,
  name: string,
  text: string,
  budget: ScanBudget,
  emit: (start: number, end: number) => void,
): void {
  const re2 = pattern.re2();
  const size = pattern.programSize();
  const input = MatcherInput.utf16(text);
  // Where the tail of a match too long to report would start, so that it is not reported either.
  let tailAt = -1;
  let span = 2 * SCAN_WINDOW;
  for (let from = 0; from < text.length;) {
    // No match inside [from, spanEnd): none of up to a window starts before spanEnd - SCAN_WINDOW.
    const spanEnd = Math.min(text.length, from + span);
    budget.charge((spanEnd - from) * size, name);
    if (!re2.matchWithGroup(input, from, spanEnd, UNANCHORED, 0)[0]) {
      if (spanEnd === text.length) break;
      from = spanEnd - SCAN_WINDOW;
      span = Math.min(2 * span, MAX_SKIP_SPAN);
      continue;
    }
    span = 2 * SCAN_WINDOW;
    const to = Math.min(text.length, from + SCAN_WINDOW);
    // Matches starting from here on belong to the next window, which starts here.
    const keepBefore = to === text.length ? to : to - SCAN_WINDOW / 2;
    let pos = from;
    let next = -1;
    while (pos < keepBefore) {
      budget.charge((to - pos) * size, name);
      const [found, groups] = re2.matchWithGroup(input, pos, to, UNANCHORED, 1) as [boolean, number[] | null];
      if (!found || !groups) break;
      const [start, end] = groups;
      if (start >= keepBefore) break;
      if (end === to && to < text.length) {
        if (start > from)
          next = pos > from ? pos : start; // give the match a whole window
        else [tailAt, next] = [to, to]; // longer than a window: skip it and its tail
        break;
      }
      if (start === tailAt) tailAt = -1;
      else if (end > start) {
        budget.match(name);
        emit(start, end);
      }
      pos = end > start ? end : start + 1;
    }
    from = next >= 0 ? next : Math.max(keepBefore, pos);
  }
  releaseLargeDfa(pattern);
}

/**
 * Drops a pattern's lazy DFA when it has grown past DFA_KEEP_BYTES, so that compiled
 * patterns kept in the recognizer cache do not each hold up to re2js's 8 MB DFA budget
 * between requests. `lazyDFA` is re2js internals (pinned version; a test checks it).
 */
export function releaseLargeDfa(pattern: RE2JS): void {
  const re2 = pattern.re2() as unknown as { lazyDFA: { maxMem: number; memBudget: number } | null };
  const dfa = re2.lazyDFA;
  if (dfa && dfa.maxMem - dfa.memBudget > DFA_KEEP_BYTES) re2.lazyDFA = null;
}
