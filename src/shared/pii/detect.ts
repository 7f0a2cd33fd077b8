/**
 * Detection over free text and JSON: the single-pass built-in scan, tenant recognizers,
 * deny and allow lists, context and field-name scoring, entity and score filters, and
 * overlap resolution.
 *
 * Overlap rule: among findings whose spans overlap, the higher score wins; on equal
 * scores the longer span wins, then the more specific entity (entityRank: SECRETS,
 * CREDIT_CARD, US_SSN, ... before PERSON, LOCATION, DATE_TIME), then the earlier start.
 * A losing finding is dropped whole, never trimmed. Filters (entities, min score, allow
 * list) apply BEFORE resolution, so a finding the caller did not ask for never hides one
 * they did.
 */
import { MAX_JSON_DEPTH } from "../json/limits";
import { pathSegment } from "../json/i-json";
import { validationFailed } from "../errors";
import { scoreWithContext, type ContextCache } from "./context";
import { entityRank } from "./entities";
import { fieldHints, keyWords as keyWordsOf, wholeValueScore, type FieldHints } from "./fields";
import { phoneRegion, validInRegion } from "./region";
import { builtinScanner } from "./recognizers/index";
import { tagCandidates } from "./tagger/candidates";
import { originalSpan, toDetectionForm } from "./normalize";
import { ScanBudget, scanTenantPattern } from "./tenant-scan";
import { DEFAULT_MIN_SCORE, type Candidate, type CompiledRecognizer, type DetectOptions, type Finding } from "./types";

/** DetectOptions prepared once per request (sets, the deny-list regex). */
export interface PreparedOptions {
  entities: ReadonlySet<string> | null;
  minScore: number;
  allow: ReadonlySet<string> | null;
  deny: RegExp | null;
  custom: readonly CompiledRecognizer[];
  budget: ScanBudget;
  returnText: boolean;
  /** Region national phone numbers are checked against (default_region or a language hint). */
  region: string | null;
  /** Whether the sequence tagger runs: only when a type it finds or drops (TAGGER_TYPES) was asked for. */
  tag: boolean;
}

/**
 * What the tagger (tagger/candidates.ts) can change: it adds PERSON, LOCATION and STREET_ADDRESS
 * spans and drops LOCATION, STREET_ADDRESS and ZIP_CODE candidates inside an address. Nothing else
 * it does reaches a finding, and the entity filter runs before overlaps are resolved, so when none
 * of these types was asked for the tagger cannot change the findings and is skipped.
 */
const TAGGER_TYPES = ["PERSON", "LOCATION", "STREET_ADDRESS", "ZIP_CODE"] as const;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function prepareOptions(opts: DetectOptions = {}): PreparedOptions {
  const deny = (opts.deny ?? []).map((d) => d.trim()).filter(Boolean);
  const entities = opts.entities ? new Set(opts.entities) : null;
  const custom = opts.custom ?? [];
  return {
    entities,
    minScore: opts.minScore ?? DEFAULT_MIN_SCORE,
    allow: opts.allow?.length ? new Set(opts.allow.map((a) => a.trim().toLowerCase())) : null,
    deny: deny.length
      ? new RegExp(
          `(?<![\\w])(?:${deny
            .sort((a, b) => b.length - a.length)
            .map(escapeRegex)
            .join("|")})(?![\\w])`,
          "gi",
        )
      : null,
    // A recognizer whose entity was not asked for would only spend the scan budget.
    custom: entities ? custom.filter((r) => entities.has(r.entity)) : custom,
    budget: opts.budget ?? new ScanBudget(),
    returnText: opts.returnText ?? false,
    region: phoneRegion(opts.defaultRegion, opts.languages),
    tag: !entities || TAGGER_TYPES.some((t) => entities.has(t)),
  };
}

/** Runs a tenant recognizer on RE2, within the request's scan budget (see tenant-scan.ts). */
function runCustom(rec: CompiledRecognizer, text: string, budget: ScanBudget, out: Candidate[]): void {
  scanTenantPattern(rec.pattern, rec.name, text, budget, (start, end) =>
    out.push({ type: rec.entity, start, end, score: rec.score, recognizer: rec.name, context: rec.context }),
  );
}

/**
 * Tenant recognizers' matches that overlap (two recognizers, or two patterns of one entity)
 * become one span covering both, with the best score and that match's entity and context,
 * so no part of a matched value is left in clear when one of them wins.
 */
export function mergeOverlapping(cands: Candidate[], out: Candidate[]): void {
  cands.sort((a, b) => a.start - b.start || b.end - a.end);
  let cur: Candidate | undefined;
  for (const c of cands) {
    if (cur && c.start < cur.end) {
      cur.end = Math.max(cur.end, c.end);
      if (c.score > cur.score)
        Object.assign(cur, { type: c.type, score: c.score, recognizer: c.recognizer, context: c.context });
      continue;
    }
    if (cur) out.push(cur);
    cur = { ...c };
  }
  if (cur) out.push(cur);
}

/** Keeps the best of each group of overlapping candidates (see the module comment). */
export function resolveOverlaps(cands: Candidate[]): Candidate[] {
  if (cands.length <= 1) return cands;
  cands.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  const flush = () => {
    if (cluster.length === 1) kept.push(cluster[0]);
    else if (cluster.length > 1) {
      cluster.sort(
        (a, b) =>
          b.score - a.score ||
          b.end - b.start - (a.end - a.start) ||
          entityRank(a.type) - entityRank(b.type) ||
          a.start - b.start,
      );
      const chosen: Candidate[] = [];
      for (const c of cluster) if (chosen.every((k) => c.end <= k.start || c.start >= k.end)) chosen.push(c);
      chosen.sort((a, b) => a.start - b.start);
      kept.push(...chosen);
    }
    cluster = [];
  };
  for (const c of cands) {
    if (c.start >= clusterEnd) {
      flush();
      clusterEnd = c.end;
    } else clusterEnd = Math.max(clusterEnd, c.end);
    cluster.push(c);
  }
  flush();
  return kept;
}

const LOWER_WORDS = /^[a-z \t]*$/;
/** A national number valid in the request's region scores as a "+"-written one. */
const REGION_PHONE_SCORE = 0.65;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Candidates of one string, scored and filtered but not yet resolved. */
function candidatesOf(
  text: string,
  opts: PreparedOptions,
  hints: FieldHints | undefined,
  key: string | undefined,
): Candidate[] {
  const raw: Candidate[] = [];
  // Lower-case words alone ("active", "pending") and UUIDs cannot match a built-in pattern: skip the scan.
  if (!LOWER_WORDS.test(text) && !UUID.test(text)) builtinScanner.scan(text, raw);
  if (opts.custom.length) {
    const custom: Candidate[] = [];
    for (const rec of opts.custom) runCustom(rec, text, opts.budget, custom);
    mergeOverlapping(custom, raw);
  }
  if (opts.deny) {
    const re = opts.deny;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null)
      raw.push({ type: "DENY_LIST", start: m.index, end: m.index + m[0].length, score: 1, recognizer: "deny_list" });
  }
  if (opts.tag) tagCandidates(text, raw, key);
  if (hints?.whole && key !== undefined) {
    const s = wholeValueScore(hints.whole, text, key);
    if (s > 0) {
      const lead = text.length - text.trimStart().length;
      raw.push({ type: hints.whole, start: lead, end: text.trimEnd().length, score: s, recognizer: "field_name" });
    }
  }
  if (opts.region) {
    // A national-format number that is valid in the caller's region needs no context word.
    for (const c of raw) {
      if (c.recognizer === "phone_national" && validInRegion(text.slice(c.start, c.end), opts.region))
        c.score = Math.max(c.score, REGION_PHONE_SCORE);
    }
  }
  const boost = hints?.boost.size ? hints.boost : undefined;
  const out: Candidate[] = [];
  const cache: ContextCache = { start: -1, end: -1 };
  const keyWords = key !== undefined ? keyWordsOf(key) : undefined;
  for (const c of raw) {
    scoreWithContext(c, text, boost, cache, keyWords);
    if (c.score < opts.minScore) continue;
    if (opts.entities && !opts.entities.has(c.type)) continue;
    if (opts.allow && opts.allow.has(text.slice(c.start, c.end).trim().toLowerCase())) continue;
    out.push(c);
  }
  return out;
}

/**
 * The resolved candidates of one string, with offsets in `text` itself: detection reads the text's
 * detection form (normalize.ts), and each span is mapped back to the original characters it came from.
 */
function resolvedCandidates(
  text: string,
  opts: PreparedOptions,
  hints: FieldHints | undefined,
  key: string | undefined,
): Candidate[] {
  const form = toDetectionForm(text);
  if (!form) return resolveOverlaps(candidatesOf(text, opts, hints, key));
  const found = resolveOverlaps(candidatesOf(form.text, opts, hints, key));
  const out: Candidate[] = [];
  let prevEnd = 0;
  for (const c of found) {
    const [start, end] = originalSpan(form, c.start, c.end);
    // Two spans that split one mapped piece ("ﬁ" read as "fi") would share it: the first keeps it.
    const from = Math.max(start, prevEnd);
    if (end <= from) continue;
    out.push({ ...c, start: from, end });
    prevEnd = end;
  }
  return out;
}

function toFinding(c: Candidate, text: string, opts: PreparedOptions, path?: string): Finding {
  const f: Finding = { type: c.type, start: c.start, end: c.end, score: c.score, recognizer: c.recognizer };
  if (path !== undefined) f.path = path;
  if (opts.returnText) f.text = text.slice(c.start, c.end);
  return f;
}

/**
 * Findings in a text, ordered by start. Offsets are UTF-16 code units of `text` as given (detection
 * reads its NFKC-based detection form, normalize.ts, so lookalike characters do not hide PII).
 * @example detectText("Call 415-555-2671", prepareOptions()) // [{ type: "PHONE", start: 5, end: 17, ... }]
 */
export function detectText(
  text: string,
  opts: PreparedOptions,
  hints?: FieldHints,
  path?: string,
  key?: string,
): Finding[] {
  return resolvedCandidates(text, opts, hints, key).map((c) => toFinding(c, text, opts, path));
}

/** Deepest JSON nesting accepted: the body reader's limit, checked again here because the walk recurses. */
export { MAX_JSON_DEPTH };

/** A JSON path segment as every path of the vault writes it (json/i-json.ts). */
export { pathSegment };

/**
 * Rebuilds a JSON value with each scalar leaf (string, number, boolean, null) replaced by
 * what `leaf` returns for it, given the leaf's JSON path. Objects and arrays are copied.
 * @example await mapJsonLeaves({ a: ["x"] }, async (v, path) => (path === "$.a[0]" ? "y" : v)) // { a: ["y"] }
 */
export async function mapJsonLeaves(
  value: unknown,
  leaf: (value: unknown, path: string) => Promise<unknown>,
  path = "$",
): Promise<unknown> {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await mapJsonLeaves(value[i], leaf, pathSegment(path, i)));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key must stay a plain key, not set the prototype.
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: await mapJsonLeaves(v, leaf, pathSegment(path, k)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return leaf(value, path);
}

/**
 * mapJsonLeaves with a synchronous `leaf`: the same copy (objects and arrays copied, each scalar
 * leaf replaced by what `leaf` returns, leaves visited in document order), without a promise per value.
 */
export function mapJsonLeavesSync(
  value: unknown,
  leaf: (value: unknown, path: string) => unknown,
  path = "$",
): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(mapJsonLeavesSync(value[i], leaf, pathSegment(path, i)));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key must stay a plain key, not set the prototype.
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: mapJsonLeavesSync(v, leaf, pathSegment(path, k)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return leaf(value, path);
}

/** Calls `visit` with each scalar leaf of a JSON value and its path, in document order (as mapJsonLeaves visits). */
export function forEachJsonLeaf(value: unknown, visit: (value: unknown, path: string) => void, path = "$"): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) forEachJsonLeaf(value[i], visit, pathSegment(path, i));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) forEachJsonLeaf(v, visit, pathSegment(path, k));
  } else visit(value, path);
}

/**
 * Visits every string (and, under a telling field name, every number) of a JSON value.
 * `path()` builds the JSON path on demand: most values have no findings and never need it.
 */
export function walkJson(
  value: unknown,
  visit: (
    text: string,
    path: () => string,
    hints: FieldHints | undefined,
    key: string | undefined,
    original: string | number,
  ) => void,
  path: () => string = () => "$",
  hints?: FieldHints,
  key?: string,
  depth = 0,
): void {
  if (depth > MAX_JSON_DEPTH)
    throw validationFailed(
      [{ path: path(), message: `Nesting deeper than ${MAX_JSON_DEPTH} levels.` }],
      "The JSON value is nested too deeply.",
    );
  if (typeof value === "string") visit(value, path, hints, key, value);
  else if (typeof value === "number") {
    // A number is scanned only when its field name suggests PII (ssn, phone, age, zip...).
    if (hints?.boost.size && Number.isFinite(value)) visit(String(value), path, hints, key, value);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      walkJson(value[i], visit, () => pathSegment(path(), i), hints, key, depth + 1);
  } else if (value !== null && typeof value === "object") {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      walkJson((value as Record<string, unknown>)[k], visit, () => pathSegment(path(), k), fieldHints(k), k, depth + 1);
    }
  }
}

/** Findings in every string value of a JSON document, each with its JSON path. */
export function detectJson(data: unknown, opts: PreparedOptions): Finding[] {
  const out: Finding[] = [];
  walkJson(data, (text, path, hints, key) => {
    const found = resolvedCandidates(text, opts, hints, key);
    if (!found.length) return;
    const p = path();
    for (const c of found) out.push(toFinding(c, text, opts, p));
  });
  return out;
}
