/** Context scoring: words just before or after a match raise (or lower) its score. */
import type { Candidate, ContextRule } from "./types";

/** Characters looked at before and after a match. About six words before, three after. */
export const CONTEXT_BEFORE = 48;
export const CONTEXT_AFTER = 24;

/** The standard boost for a context word, as in Presidio's LemmaContextAwareEnhancer. */
export const CONTEXT_BOOST = 0.35;

const set = (words: string) => new Set(words.split(/\s+/).filter(Boolean));

/** A context rule from space-separated word lists. */
export function contextRule(
  words: string,
  opts: { boost?: number; negative?: string; penalty?: number; retype?: { words: string; entity: string; boost?: number } } = {},
): ContextRule {
  return {
    words: set(words),
    boost: opts.boost ?? CONTEXT_BOOST,
    ...(opts.negative ? { negative: set(opts.negative), penalty: opts.penalty ?? 0.3 } : {}),
    ...(opts.retype ? { retype: { words: set(opts.retype.words), entity: opts.retype.entity, boost: opts.retype.boost ?? CONTEXT_BOOST } } : {}),
  };
}

/** Lower-case ASCII words and numbers of text[from, to). */
export function wordsIn(text: string, from: number, to: number): string[] {
  const out: string[] = [];
  let word = "";
  for (let i = Math.max(0, from); i < Math.min(text.length, to); i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) word += String.fromCharCode(c);
    else if (word) {
      out.push(word);
      word = "";
    }
  }
  if (word) out.push(word);
  return out;
}

/** The words around a match: the window stops at a line break, which usually ends a thought. */
export function contextWords(text: string, start: number, end: number): { before: string[]; after: string[] } {
  let from = Math.max(0, start - CONTEXT_BEFORE);
  const nl = text.lastIndexOf("\n", start - 1);
  if (nl >= from) from = nl + 1;
  let to = Math.min(text.length, end + CONTEXT_AFTER);
  const nl2 = text.indexOf("\n", end);
  if (nl2 !== -1 && nl2 < to) to = nl2;
  // Drop the partial word the window cut into.
  const before = wordsIn(text, from, start);
  if (from > 0 && before.length && /\w/.test(text[from - 1] ?? "")) before.shift();
  return { before, after: wordsIn(text, end, to) };
}

/** How close a retype word must be: "born on <date>", "DOB: <date>", "<date> (date of birth)". */
const RETYPE_BEFORE = 3;
const RETYPE_AFTER = 3;

/**
 * Applies a candidate's context rule in place: +boost once if any context word is near,
 * -penalty once if a negative word is, and a retype when its words are near.
 * `hinted` says that a JSON field name already vouches for the type (the same boost).
 */
export function scoreWithContext(c: Candidate, text: string, hints: ReadonlySet<string> | undefined): void {
  const rule = c.context;
  if (rule) {
    const { before, after } = contextWords(text, c.start, c.end);
    const words = before.concat(after);
    const near = (set: ReadonlySet<string>) => before.slice(-RETYPE_BEFORE).some((w) => set.has(w)) || after.slice(0, RETYPE_AFTER).some((w) => set.has(w));
    if (rule.retype && (near(rule.retype.words) || hints?.has(rule.retype.entity))) {
      c.type = rule.retype.entity;
      c.score += rule.retype.boost;
    } else if (words.some((w) => rule.words.has(w))) {
      c.score += rule.boost;
    }
    if (rule.negative && words.some((w) => rule.negative!.has(w))) c.score -= rule.penalty ?? 0.3;
  }
  if (hints?.has(c.type)) c.score += CONTEXT_BOOST;
  c.score = Math.min(1, Math.max(0, Math.round(c.score * 1000) / 1000));
}
