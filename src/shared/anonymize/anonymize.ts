/**
 * Anonymizing a text or a JSON value given its findings: each finding's span is replaced
 * by its operator's output, and every change is reported with its offsets in the OUTPUT
 * (UTF-16 code units), its JSON path in the output and the operator that was applied.
 * Findings in member names (path ending in MEMBER_NAME, pii/member-names.ts) rename the
 * member with the same operators, so a keyed operator gives a name the output it gives
 * the same value anywhere else.
 */
import { forEachJsonLeaf, mapJsonLeavesSync } from "../pii/detect";
import { MEMBER_NAME } from "../pii/member-names";
import type { Finding } from "../pii/types";
import { pathSegment } from "../json/i-json";
import { mapJson } from "./json-map";
import { applyOperator, operatorFor, type OperatorContext, type OperatorMap } from "./operators";

export interface ChangedItem {
  type: string;
  path?: string;
  start: number;
  end: number;
  operator: string;
}

/** Replaces the (non-overlapping) findings of one string. */
export async function anonymizeString(
  text: string,
  findings: readonly Finding[],
  operators: OperatorMap | undefined,
  ctx: OperatorContext,
  path?: string,
): Promise<{ text: string; items: ChangedItem[] }> {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  const items: ChangedItem[] = [];
  for (const f of sorted) {
    if (f.start < at) continue; // overlapping input: the earlier finding already covers it
    const op = operatorFor(f.type, operators);
    const applied = await applyOperator(op, f.type, text.slice(f.start, f.end), ctx);
    out += text.slice(at, f.start);
    if (applied.operator !== "keep") {
      items.push({
        type: f.type,
        ...(path !== undefined ? { path } : {}),
        start: out.length,
        end: out.length + applied.text.length,
        operator: applied.operator,
      });
    }
    out += applied.text;
    at = f.end;
  }
  out += text.slice(at);
  return { text: out, items };
}

/** Findings grouped by JSON path. */
function byPath(findings: readonly Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.path ?? "$";
    let list = m.get(key);
    if (!list) m.set(key, (list = []));
    list.push(f);
  }
  return m;
}

/**
 * A copy of `data` with every string (or scanned number) that has findings anonymized, and
 * every member name that has findings renamed. A number with findings becomes a string. The
 * record is passed to the operators so that date_shift's `subject_field` can key one
 * person's dates to move together. Items' paths are those of the output (a renamed member's
 * `path~` for its name).
 * @throws MemberNameCollision (422) when renaming would give two members of one object the same name.
 */
export async function anonymizeJson(
  data: unknown,
  findings: readonly Finding[],
  operators: OperatorMap | undefined,
  ctx: OperatorContext,
): Promise<{ data: unknown; items: ChangedItem[] }> {
  ctx = { ...ctx, record: data };
  const groups = byPath(findings);
  const items: ChangedItem[] = [];
  if (!groups.size) return { data, items };
  if (![...groups.keys()].some((path) => path.endsWith(MEMBER_NAME))) {
    // No member is renamed, so input and output paths agree: only the leaves with findings run operators (one at a
    // time, in document order) and the copy is built afterwards without a promise per value.
    const found: [path: string, value: string | number][] = [];
    forEachJsonLeaf(data, (value, path) => {
      if ((typeof value === "string" || typeof value === "number") && groups.has(path)) found.push([path, value]);
    });
    const replaced = new Map<string, string>();
    for (const [path, value] of found) {
      const r = await anonymizeString(String(value), groups.get(path)!, operators, ctx, path);
      items.push(...r.items);
      if (r.items.length) replaced.set(path, r.text);
    }
    return { data: mapJsonLeavesSync(data, (value, path) => (replaced.has(path) ? replaced.get(path) : value)), items };
  }
  const out = await mapJson(data, {
    async leaf(value, inPath, outPath) {
      if (typeof value !== "string" && typeof value !== "number") return value;
      const found = groups.get(inPath);
      if (!found) return value;
      const r = await anonymizeString(String(value), found, operators, ctx, outPath);
      items.push(...r.items);
      return r.items.length ? r.text : value;
    },
    async name(name, inPath, outParent) {
      const found = groups.get(inPath + MEMBER_NAME);
      if (!found) return name;
      const r = await anonymizeString(name, found, operators, ctx);
      if (!r.items.length) return name;
      const path = pathSegment(outParent, r.text) + MEMBER_NAME;
      items.push(...r.items.map((i) => ({ ...i, path })));
      return r.text;
    },
  });
  return { data: out, items };
}
