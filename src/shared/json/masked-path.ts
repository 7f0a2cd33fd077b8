/** JSON paths that say where something is without the member names that may be the PII itself. */

/** Written in place of a member name that is not shown. */
const KEY = "[<key>]";
/** One segment of a path made by pathSegment (json/i-json.ts): `.name`, `[3]`, `["any name"]`, or a final `~`. */
const SEGMENT = /\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]|~/g;
const MEMBER_NAME = "~";

/**
 * `path` with every member name that is not a plain field name (written `["…"]`: an e-mail address, a phone number or
 * an id used as a key) replaced by `[<key>]`, and every plain name holding a run of four or more digits by `.<key>`;
 * field names like `user.email`, indices and a trailing `~` (a finding in a member name) stay.
 * @example maskedPath('$.contacts["alice@example.com"]~') // "$.contacts[<key>]~"
 */
export function maskedPath(path: string): string {
  return path
    .replace(/\["(?:[^"\\]|\\.)*"\]/g, "[<key>]")
    .replace(/\.[A-Za-z_$][\w$]*/g, (seg) => (/\d{4}/.test(seg) ? ".<key>" : seg));
}

/**
 * A function that masks the paths of one value's findings: as maskedPath, and besides every member name in which a
 * finding was made (a finding path ending in `~`) becomes `[<key>]` wherever it appears, in its own finding's path and
 * in the paths of the findings below it, even when it looks like a field name (`Mary_Johnson`, a PERSON).
 * Paths are memoised: the findings of one string share their path, which may be long.
 * @example pathMasker([{ path: "$.by_name.Mary_Johnson~" }])("$.by_name.Mary_Johnson.ssn") // "$.by_name[<key>].ssn"
 */
export function pathMasker(findings: Iterable<{ path?: string }>): (path: string) => string {
  const named = new Set<string>();
  for (const f of findings) if (f.path?.endsWith(MEMBER_NAME)) named.add(f.path.slice(0, -MEMBER_NAME.length));
  const memo = new Map<string, string>();
  return (path) => {
    let out = memo.get(path);
    if (out === undefined) {
      out = named.size ? maskNamed(path, named) : maskedPath(path);
      memo.set(path, out);
    }
    return out;
  };
}

function maskNamed(path: string, named: ReadonlySet<string>): string {
  let at = "$";
  let out = "$";
  for (const [seg] of path.slice(1).matchAll(SEGMENT)) {
    at += seg;
    out += seg.startsWith(".") && named.has(at) ? KEY : maskedPath(seg);
  }
  // Not a path pathSegment wrote: mask it as a whole rather than drop what the segments did not match.
  return at === path ? out : maskedPath(path);
}
