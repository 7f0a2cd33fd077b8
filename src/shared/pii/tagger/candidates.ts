/** The tagger's spans as detection candidates (PERSON, LOCATION, STREET_ADDRESS). */
import type { Candidate } from "../types";
import { tagText } from "./tagger";

/** Texts the tagger cannot find anything in: no letters, or one lower-case word. */
const NOTHING_TO_TAG = /^(?:[^\p{L}]*|[a-z]+)$/u;

/** Pattern findings a tagger span must not cover: the checked pattern knows better. */
const STRUCTURED = new Set(["EMAIL", "URL", "IBAN", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "PHONE", "CRYPTO", "SECRETS", "MAC_ADDRESS", "DATE_TIME", "US_BANK_ROUTING"]);

const HAS_DIGIT = /\d/;
const HAS_WORD = /\p{L}{2}/u;

/**
 * Pushes the tagger's spans of `text` onto `out`, which already holds the pattern
 * candidates. Under a JSON key the tagger reads "key: value", as in a form, so the
 * field name is context; offsets stay those of `text`.
 */
export function tagCandidates(text: string, out: Candidate[], key?: string): void {
  if (NOTHING_TO_TAG.test(text)) return;
  const prefix = key !== undefined && key.length <= 64 ? `${key}: ` : "";
  const structured = out.filter((c) => STRUCTURED.has(c.type) && c.score >= 0.3);
  const addresses = out.filter((c) => c.recognizer === "street_address");
  for (const s of tagText(prefix + text)) {
    const start = Math.max(0, s.start - prefix.length);
    const end = s.end - prefix.length;
    if (end <= start) continue;
    if (structured.some((c) => c.start < end && start < c.end)) continue;
    // The street-address pattern (number, words, a street suffix) is surer than a name or place reading.
    if (s.type !== "STREET_ADDRESS" && addresses.some((c) => c.start < end && start < c.end)) continue;
    // An address has a number and a word; "139723719" or "Routing No" alone is not one.
    if (s.type === "STREET_ADDRESS" && !(HAS_DIGIT.test(text.slice(start, end)) && HAS_WORD.test(text.slice(start, end)))) continue;
    const cand: Candidate = { type: s.type, start, end, score: s.score, recognizer: "tagger" };
    if (s.type === "STREET_ADDRESS") mergeAddresses(cand, out);
    out.push(cand);
  }
}

/**
 * The tagger and the street-address pattern often each see part of an address ("Via Roma
 * 71" / "00184 Roma"): overlapping address candidates become one span, the best score.
 */
function mergeAddresses(cand: Candidate, out: Candidate[]): void {
  for (let i = out.length - 1; i >= 0; i--) {
    const c = out[i];
    if (c.type !== "STREET_ADDRESS" || c.recognizer === "field_name" || c.end <= cand.start || cand.end <= c.start) continue;
    cand.start = Math.min(cand.start, c.start);
    cand.end = Math.max(cand.end, c.end);
    cand.score = Math.max(cand.score, c.score);
    out.splice(i, 1);
  }
}
