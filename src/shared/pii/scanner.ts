/**
 * The single-pass scanner: every built-in pattern is one alternative of ONE global regex,
 * so a text is walked once, not once per entity type. Each alternative is wrapped in
 * exactly one capturing group; the group that matched names the alternative, whose
 * handler validates the match (checksums, dictionaries) and emits candidates.
 *
 * Alternatives are ordered: at a given position the first one that matches wins. When
 * its handler rejects the match (a Luhn failure, an IPv6-looking time), the scanner
 * retries at the same position with only the LATER alternatives (a sticky regex per
 * suffix of the list), so a rejected card can still be a phone number. Matches that are
 * accepted are not re-scanned, so built-in findings never overlap each other except where
 * a handler emits several readings of the same span (a bare 9-digit number may be an SSN,
 * a routing number or a passport number; context and scores decide later).
 */
import type { Candidate, ContextRule } from "./types";

export interface Alternative {
  /** For debugging and tests. */
  name: string;
  /** Regex source; must not contain capturing groups (use `(?:...)`). */
  source: string;
  /**
   * True when the pattern can only start after a non-word character (its own lookbehind
   * excludes \w). Such alternatives share one leading lookbehind, so inside a word the
   * combined regex fails with one check instead of one per alternative.
   */
  wordStart?: boolean;
  /**
   * Validates `match` found at `start` and pushes candidates. Returns the index where
   * scanning resumes (usually start + match.length; less to give back a suffix), or -1
   * to reject the match so later alternatives can try the same position.
   */
  handle(match: string, start: number, text: string, out: Candidate[]): number;
}

/**
 * The usual end of a `handle` that accepts its whole match: pushes one candidate spanning `match` at `start` and
 * returns its end, where scanning resumes.
 */
export function acceptMatch(
  out: Candidate[],
  match: string,
  start: number,
  type: string,
  score: number,
  recognizer: string,
  context?: ContextRule,
): number {
  const end = start + match.length;
  out.push({ type, start, end, score, recognizer, context });
  return end;
}

export interface Scanner {
  scan(text: string, out: Candidate[]): void;
  readonly alternatives: readonly Alternative[];
}

function countGroups(source: string): number {
  return new RegExp(source + "|").exec("")!.length - 1;
}

/** Builds the combined regex and the fallback regexes of an ordered alternative list. */
export function buildScanner(alternatives: readonly Alternative[]): Scanner {
  for (const a of alternatives) {
    if (countGroups(a.source) !== 0) throw new Error(`alternative ${a.name} has a capturing group`);
  }
  const combined = (from: number, flags: string) => {
    // Consecutive word-start alternatives are grouped under one lookbehind; order is kept.
    const parts: string[] = [];
    let group: string[] = [];
    const flush = () => {
      if (group.length) parts.push(`(?<![A-Za-z0-9_])(?:${group.join("|")})`);
      group = [];
    };
    for (const a of alternatives.slice(from)) {
      if (a.wordStart) group.push(`(${a.source})`);
      else {
        flush();
        parts.push(`(${a.source})`);
      }
    }
    flush();
    return new RegExp(parts.join("|"), flags);
  };
  const main = combined(0, "g");
  // Sticky regexes of alternatives k+1.., built on first use: rejections are rare.
  const tails: (RegExp | undefined)[] = [];
  const tail = (k: number) => (tails[k] ??= combined(k + 1, "y"));

  function groupIndex(m: RegExpExecArray): number {
    for (let g = 1; g < m.length; g++) if (m[g] !== undefined) return g - 1;
    return -1;
  }

  return {
    alternatives,
    scan(text, out) {
      main.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = main.exec(text)) !== null) {
        const start = m.index;
        let k = groupIndex(m);
        let match = m[0];
        let next = alternatives[k].handle(match, start, text, out);
        // Rejected: try the later alternatives at the same position.
        while (next < 0 && k < alternatives.length - 1) {
          const t = tail(k);
          t.lastIndex = start;
          const tm = t.exec(text);
          if (!tm) break;
          k = k + 1 + groupIndex(tm);
          match = tm[0];
          next = alternatives[k].handle(match, start, text, out);
        }
        main.lastIndex = next > start ? next : start + 1;
      }
    },
  };
}
