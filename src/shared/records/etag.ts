/** Record ETags: the record version, quoted. If-Match takes one or more of them, or `*`. */
import { ifMatchTags } from "../etag";
import type { VersionMatch } from "./wire";

/** @example recordEtag(3) // '"3"' */
export const recordEtag = (version: number) => `"${version}"`;

/**
 * Parses If-Match into the versions it accepts. Entries that are not a strong record ETag
 * (or a bare version number) can never match — weak tags included (RFC 9110 §13.1.1) — so a
 * header of only such entries yields [] → 412.
 */
export function parseIfMatch(header: string): VersionMatch {
  const tags = ifMatchTags(header);
  if (tags === "*") return "*";
  const versions: number[] = [];
  for (const tag of tags) {
    const m = /^"?(\d{1,15})"?$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}
