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
  opts: {
    boost?: number;
    negative?: string;
    penalty?: number;
    retype?: { words: string; entity: string; boost?: number };
  } = {},
): ContextRule {
  return {
    words: set(words),
    boost: opts.boost ?? CONTEXT_BOOST,
    ...(opts.negative ? { negative: set(opts.negative), penalty: opts.penalty ?? 0.3 } : {}),
    ...(opts.retype
      ? {
          retype: {
            words: set(opts.retype.words),
            entity: opts.retype.entity,
            boost: opts.retype.boost ?? CONTEXT_BOOST,
          },
        }
      : {}),
  };
}

const WORD = /[a-z0-9]+/g;

/** Lower-case ASCII words and numbers of text[from, to). */
export function wordsIn(text: string, from: number, to: number): string[] {
  if (to <= from) return [];
  return text.slice(Math.max(0, from), Math.min(text.length, to)).toLowerCase().match(WORD) ?? [];
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The words around a match: the window stops at a line break, which usually ends a thought. */
export function contextWords(text: string, start: number, end: number): { before: string[]; after: string[] } {
  // Scan only the window for line breaks: lastIndexOf would walk the whole text.
  let from = start;
  const floor = Math.max(0, start - CONTEXT_BEFORE);
  while (from > floor && text.charCodeAt(from - 1) !== 10) from--;
  // Start at a word boundary: drop the partial word the window cut into.
  while (from > 0 && from < start && isWordChar(text.charCodeAt(from - 1)) && isWordChar(text.charCodeAt(from))) from++;
  let to = end;
  const ceiling = Math.min(text.length, end + CONTEXT_AFTER);
  while (to < ceiling && text.charCodeAt(to) !== 10) to++;
  return { before: wordsIn(text, from, start), after: wordsIn(text, end, to) };
}

/** How close a retype word must be: "born on <date>", "DOB: <date>", "<date> (date of birth)". */
const RETYPE_BEFORE = 3;
const RETYPE_AFTER = 3;

/** The last span's context words, reused while consecutive candidates share the span. */
export interface ContextCache {
  start: number;
  end: number;
  words?: { before: string[]; after: string[] };
}

/** Whether any of words[from, to) is in `set` (bounds clamped to the list). */
function anyIn(words: readonly string[], set: ReadonlySet<string>, from = 0, to = words.length): boolean {
  for (let i = Math.max(0, from), end = Math.min(words.length, to); i < end; i++) if (set.has(words[i])) return true;
  return false;
}

/**
 * Applies a candidate's context rule in place: +boost once if any context word is near,
 * -penalty once if a negative word is, and a retype when its words are near.
 * `hints` are the entity types a JSON field name already vouches for (the same boost).
 * `keyWords` are the words of that field name ("build_version" → build, version): they count
 * as context words too, positive and negative, as the same words would in the text.
 */
export function scoreWithContext(
  c: Candidate,
  text: string,
  hints: ReadonlySet<string> | undefined,
  cache?: ContextCache,
  keyWords?: readonly string[],
): void {
  const rule = c.context;
  if (rule) {
    // Several readings of one span (a 9-digit number) share its words.
    let ctx: { before: string[]; after: string[] };
    if (cache && cache.start === c.start && cache.end === c.end && cache.words) ctx = cache.words;
    else {
      ctx = contextWords(text, c.start, c.end);
      if (cache) {
        cache.start = c.start;
        cache.end = c.end;
        cache.words = ctx;
      }
    }
    const { before, after } = ctx;
    const near = (set: ReadonlySet<string>) =>
      anyIn(before, set, before.length - RETYPE_BEFORE) || anyIn(after, set, 0, RETYPE_AFTER);
    const nearby = (set: ReadonlySet<string>) => anyIn(before, set) || anyIn(after, set);
    if (rule.retype && (near(rule.retype.words) || hints?.has(rule.retype.entity))) {
      c.type = rule.retype.entity;
      c.score += rule.retype.boost;
    } else if (nearby(rule.words) || (!hints?.has(c.type) && keyWords && anyIn(keyWords, rule.words))) {
      c.score += rule.boost;
    }
    if (rule.negative && (nearby(rule.negative) || (keyWords && anyIn(keyWords, rule.negative))))
      c.score -= rule.penalty ?? 0.3;
  }
  if (hints?.has(c.type)) c.score += CONTEXT_BOOST;
  c.score = Math.min(1, Math.max(0, Math.round(c.score * 1000) / 1000));
}
