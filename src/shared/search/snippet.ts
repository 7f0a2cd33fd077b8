/**
 * Highlighted snippets, computed from the decrypted record (the index holds nothing to
 * cut a snippet from). The indexed string with the most query matches wins; the snippet
 * is a window of it around the first match, with the matched words' offsets.
 */
import { SNIPPET_CONTEXT } from "./limits";
import type { IndexedText } from "./paths";
import { tokenize } from "./tokenize";

export interface Snippet {
  path: string;
  text: string;
  highlights: { start: number; end: number }[];
}

const ELLIPSIS = "…";

/** Spans of `text` where one of the phrases occurs (consecutive folded tokens). */
function matches(text: string, phrases: readonly string[][]): { start: number; end: number }[] {
  const tokens = tokenize(text);
  const out: { start: number; end: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const p of phrases) {
      if (i + p.length > tokens.length) continue;
      let ok = true;
      for (let j = 0; j < p.length && ok; j++) ok = tokens[i + j].token === p[j];
      if (ok) out.push({ start: tokens[i].start, end: tokens[i + p.length - 1].end });
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  // Overlapping spans (a word inside a matched phrase) merge into one.
  const merged: { start: number; end: number }[] = [];
  for (const m of out) {
    const last = merged[merged.length - 1];
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ ...m });
  }
  return merged;
}

const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * The best snippet of a record for the query's positive phrases, or null when none of
 * its indexed strings contains one (possible only for a blind-token collision).
 */
export function snippetOf(texts: readonly IndexedText[], phrases: readonly string[][]): Snippet | null {
  let best: { t: IndexedText; spans: { start: number; end: number }[] } | null = null;
  for (const t of texts) {
    const spans = matches(t.text, phrases);
    if (spans.length && (!best || spans.length > best.spans.length)) best = { t, spans };
  }
  if (!best) return null;
  const { text } = best.t;
  const first = best.spans[0];
  let start = Math.max(0, first.start - SNIPPET_CONTEXT);
  let end = Math.min(text.length, Math.max(first.end, start) + 2 * SNIPPET_CONTEXT);
  // Never cut a surrogate pair in half.
  if (start > 0 && isLow(text.charCodeAt(start))) start--;
  if (end < text.length && isLow(text.charCodeAt(end))) end++;
  const prefix = start > 0 ? ELLIPSIS : "";
  const suffix = end < text.length ? ELLIPSIS : "";
  const shift = prefix.length - start;
  return {
    path: best.t.path,
    text: prefix + text.slice(start, end) + suffix,
    highlights: best.spans
      .filter((s) => s.start >= start && s.end <= end)
      .map((s) => ({ start: s.start + shift, end: s.end + shift })),
  };
}
