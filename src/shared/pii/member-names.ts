/**
 * PII in JSON member names: `{"alice@example.com": {...}}` holds an e-mail address in a key, which a walk over the
 * string values never sees. Each member name is run through the same detector as a value (detectText, without
 * field-name hints: the name is the text), and a finding in it carries the member's JSON path followed by
 * MEMBER_NAME, so `$.contacts["alice@example.com"]~` is "the name of that member" (the `~` of JSONPath-Plus).
 * Offsets are UTF-16 code units of the name. Records of a dataset share their names, so each prepared options
 * object keeps the findings of the names it has seen (bounded).
 */
import { pathSegment } from "../json/i-json";
import { MAX_JSON_DEPTH } from "../json/limits";
import { detectJson, detectText, type PreparedOptions } from "./detect";
import type { Finding } from "./types";

/** Appended to a member's path: the finding is in its name, not its value. */
export const MEMBER_NAME = "~";

/** Distinct names whose findings one PreparedOptions keeps; further names are detected every time. */
const MAX_CACHED_NAMES = 4096;
const caches = new WeakMap<PreparedOptions, Map<string, readonly Finding[]>>();

/** Whether a finding's path points at a member name. */
export const isMemberName = (path: string | undefined) => path !== undefined && path.endsWith(MEMBER_NAME);

function nameFindings(name: string, opts: PreparedOptions): readonly Finding[] {
  let cache = caches.get(opts);
  if (!cache) caches.set(opts, (cache = new Map()));
  let found = cache.get(name);
  if (!found) {
    found = detectText(name, opts);
    if (cache.size < MAX_CACHED_NAMES) cache.set(name, found);
  }
  return found;
}

/**
 * Findings in the member names of a JSON value, each with its path (member path + MEMBER_NAME).
 * @example detectMemberNames({ "a@b.example": 1 }, prepareOptions()) // [{ type: "EMAIL", start: 0, end: 11, path: '$["a@b.example"]~', … }]
 */
export function detectMemberNames(data: unknown, opts: PreparedOptions): Finding[] {
  const out: Finding[] = [];
  const walk = (value: unknown, path: () => string, depth: number) => {
    // detectJson, which runs first, refuses deeper values.
    if (depth > MAX_JSON_DEPTH) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], () => pathSegment(path(), i), depth + 1);
    } else if (value !== null && typeof value === "object") {
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const member = () => pathSegment(path(), k);
        const found = nameFindings(k, opts);
        if (found.length) {
          const p = member() + MEMBER_NAME;
          for (const f of found) out.push({ ...f, path: p });
        }
        walk((value as Record<string, unknown>)[k], member, depth + 1);
      }
    }
  };
  walk(data, () => "$", 0);
  return out;
}

/** Findings in the string values of a JSON value (detectJson), then in its member names (detectMemberNames). */
export function detectJsonWithNames(data: unknown, opts: PreparedOptions): Finding[] {
  const values = detectJson(data, opts);
  return [...values, ...detectMemberNames(data, opts)];
}
