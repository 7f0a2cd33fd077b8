/** Shapes shared by the detection engine: candidates, findings, context rules, options. */
import type { RE2JS } from "re2js";
import type { ScanBudget } from "./tenant-scan";

/**
 * One detected entity. Offsets are UTF-16 code units, as JavaScript strings index them
 * (`text.slice(start, end)` is the match), within the scanned string: the whole text, or
 * for JSON input the string value at `path`.
 */
export interface Finding {
  type: string;
  start: number;
  end: number;
  /** 0..1, after context and field-name boosts. */
  score: number;
  /** Which recognizer produced it, e.g. `credit_card`, `github_token`, or a custom recognizer's name. */
  recognizer: string;
  /** JSON path of the string value, e.g. `$.user.email`; absent for free text. */
  path?: string;
  /** The matched text, only when the caller asked for it. */
  text?: string;
}

/**
 * Context words near a match raise its score by `boost`; negative words lower it (an
 * "order number" is seldom a card). `retype` turns a match into a more specific entity
 * when its words are present (a date near "born" is a DATE_OF_BIRTH).
 */
export interface ContextRule {
  words: ReadonlySet<string>;
  boost: number;
  negative?: ReadonlySet<string>;
  penalty?: number;
  retype?: { words: ReadonlySet<string>; entity: string; boost: number };
}

/** A raw match before context scoring, filtering and overlap resolution. */
export interface Candidate {
  type: string;
  start: number;
  end: number;
  score: number;
  recognizer: string;
  context?: ContextRule;
}

/** Options for one detection call (a request or a dataset policy). */
export interface DetectOptions {
  /** Entity types to report; all built-in and custom ones when absent. */
  entities?: readonly string[];
  /** Findings scoring below this are dropped (default DEFAULT_MIN_SCORE). */
  minScore?: number;
  /** Values never reported (compared trimmed and case-insensitively). */
  allow?: readonly string[];
  /** Values always reported, as DENY_LIST with score 1 (matched case-insensitively, on word boundaries). */
  deny?: readonly string[];
  /** Tenant recognizers, compiled by compileRecognizer; only those of the requested entities run. */
  custom?: readonly CompiledRecognizer[];
  /** What tenant patterns may still do in this request; several calls of one request share it. */
  budget?: ScanBudget;
  /** Include the matched text in each finding. */
  returnText?: boolean;
  /** ISO 3166-1 alpha-2 region for phone numbers written without "+" (e.g. "GB"). */
  defaultRegion?: string;
  /** BCP 47 language hints ("de", "pt-BR"); a region in them, or implied by them, reads national phones. */
  languages?: readonly string[];
}

/** A tenant's custom recognizer, checked and compiled. */
export interface CompiledRecognizer {
  id: string;
  name: string;
  entity: string;
  /** The pattern on RE2 (linear time); see tenant-pattern.ts. */
  pattern: RE2JS;
  score: number;
  context: ContextRule | undefined;
}

export const DEFAULT_MIN_SCORE = 0.5;
