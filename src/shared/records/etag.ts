/** Record ETags: the record version, quoted. If-Match takes one or more of them, or `*`. */
import type { VersionMatch } from "./wire";

/** @example recordEtag(3) // '"3"' */
export const recordEtag = (version: number) => `"${version}"`;

/**
 * Parses If-Match into the versions it accepts. Entries that are not a record ETag (or a
 * bare version number) can never match, so a header of only such entries yields [] → 412.
 */
export function parseIfMatch(header: string): VersionMatch {
  const versions: number[] = [];
  for (const raw of header.split(",")) {
    const tag = raw.trim().replace(/^W\//, "");
    if (tag === "*") return "*";
    const m = /^"?(\d{1,15})"?$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}
