/**
 * Which strings of a record are indexed. A dataset names JSON paths in a small subset
 * of RFC 9535 JSONPath: `$`, `.name`, `["any name"]`, `[3]`, and the wildcards `.*`
 * (every member of an object) and `[*]` (every element of an array). A path selects a
 * subtree; every string leaf under it is indexed. Numbers, booleans and member names are
 * not indexed, and neither are values the PII policy encrypted (`ENC_v1_…`): those hold
 * ciphertext, never the clear value.
 */
import type { FieldError } from "../errors";

type Segment =
  { kind: "key"; name: string } | { kind: "index"; n: number } | { kind: "members" } | { kind: "elements" };
export type Selector = Segment[];

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
const POLICY_ENCRYPTED = /^ENC_v1_[A-Za-z0-9_-]+$/;

/** Parses one path; returns an error message instead when it is not in the subset. */
export function parsePath(path: string): Selector | string {
  if (!path.startsWith("$")) return "a path starts with `$`.";
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest.startsWith(".*")) {
      out.push({ kind: "members" });
      i += 2;
    } else if (rest.startsWith("[*]")) {
      out.push({ kind: "elements" });
      i += 3;
    } else if (rest[0] === ".") {
      const m = NAME.exec(rest.slice(1));
      if (!m) return `expected a member name after '.' at ${i}; quote other names as ["name"].`;
      out.push({ kind: "key", name: m[0] });
      i += 1 + m[0].length;
    } else if (/^\[\d+\]/.test(rest)) {
      const m = /^\[(\d+)\]/.exec(rest)!;
      out.push({ kind: "index", n: Number(m[1]) });
      i += m[0].length;
    } else if (rest.startsWith('["')) {
      const m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
      if (!m) return `unterminated ["name"] at ${i}.`;
      try {
        out.push({ kind: "key", name: JSON.parse(`"${m[1]}"`) as string });
      } catch {
        return `not a valid JSON string at ${i}.`;
      }
      i += m[0].length;
    } else {
      return `unexpected '${rest[0]}' at ${i}.`;
    }
  }
  return out;
}

/** Parses every path of a dataset's settings; errors point into `root`. */
export function parsePaths(paths: readonly string[], root: string): { selectors: Selector[]; errors: FieldError[] } {
  const selectors: Selector[] = [];
  const errors: FieldError[] = [];
  paths.forEach((p, i) => {
    const s = parsePath(p);
    if (typeof s === "string") errors.push({ path: `${root}[${i}]`, message: `Not a supported JSON path: ${s}` });
    else selectors.push(s);
  });
  return { selectors, errors };
}

/** A string leaf of a record chosen for the index, with its concrete JSON path. */
export interface IndexedText {
  path: string;
  text: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const childPath = (parent: string, key: string | number) =>
  typeof key === "number"
    ? `${parent}[${key}]`
    : PLAIN_KEY.test(key)
      ? `${parent}.${key}`
      : `${parent}[${JSON.stringify(key)}]`;

function step(seg: Segment, key: string | number): boolean {
  switch (seg.kind) {
    case "key":
      return key === seg.name;
    case "index":
      return key === seg.n;
    case "members":
      return typeof key === "string";
    case "elements":
      return typeof key === "number";
  }
}

/**
 * The strings of `data` the selectors choose, in document order.
 * @example indexedTexts({ q: "hi", n: 1, a: ["x"] }, [parsePath("$")])
 * // [{path:"$.q",text:"hi"},{path:"$.a[0]",text:"x"}]
 */
export function indexedTexts(data: unknown, selectors: readonly Selector[]): IndexedText[] {
  const out: IndexedText[] = [];
  // A state is how far along a selector this node is; a finished one includes the subtree.
  const walk = (value: unknown, path: string, states: [Selector, number][], included: boolean) => {
    const take = included || states.some(([s, at]) => at === s.length);
    if (typeof value === "string") {
      if (take && !POLICY_ENCRYPTED.test(value)) out.push({ path, text: value });
      return;
    }
    if (value === null || typeof value !== "object") return;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const next: [Selector, number][] = take
        ? []
        : states.filter(([s, at]) => at < s.length && step(s[at], key)).map(([s, at]) => [s, at + 1]);
      if (take || next.length) walk(child, childPath(path, key), next, take);
    }
  };
  walk(
    data,
    "$",
    selectors.map((s) => [s, 0]),
    false,
  );
  return out;
}
