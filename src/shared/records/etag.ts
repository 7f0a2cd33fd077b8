/** Record ETags: the record version, quoted. If-Match takes one or more of them, or `*`. */
import { ifMatchTags } from "../etag";
import type { VersionMatch } from "./wire";

/** @example recordEtag(3) // '"3"' */
export const recordEtag = (version: number) => `"${version}"`;

/**
 * Parses If-Match into the versions it accepts. Entries that are not a strong record ETag can
 * never match: weak tags, and unquoted versions (`3` is not the entity-tag `"3"`, RFC 9110
 * §8.8.3), as an unquoted dataset ETag never matches on /datasets — so a header of only such
 * entries yields [] → 412.
 */
export function parseIfMatch(header: string): VersionMatch {
  const tags = ifMatchTags(header);
  if (tags === "*") return "*";
  const versions: number[] = [];
  for (const tag of tags) {
    const m = /^"(\d{1,15})"$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}
