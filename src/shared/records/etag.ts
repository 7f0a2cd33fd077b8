/** Record ETags: the record version, quoted. If-Match takes one or more of them, or `*`. */
import { ifMatchTags } from "../etag";
import type { VersionMatch } from "./wire";

/** @example recordEtag(3) // '"3"' */
export const recordEtag = (version: number) => `"${version}"`;

/**
 * Parses If-Match into the versions it accepts, comparing as /datasets does (ifMatchTags, strong
 * comparison): a tag matches a version only when it is that version's ETag byte for byte, so
 * `"03"` and `"3.0"` match nothing, nor do weak tags; a malformed header (`3, "3"`: `3` is not
 * the entity-tag `"3"`, RFC 9110 §8.8.3) matches nothing — [] → 412.
 */
export function parseIfMatch(header: string): VersionMatch {
  const tags = ifMatchTags(header);
  if (tags === "*") return "*";
  const versions: number[] = [];
  for (const tag of tags) {
    const m = /^"([1-9]\d{0,14})"$/.exec(tag);
    if (m && recordEtag(Number(m[1])) === tag) versions.push(Number(m[1]));
  }
  return versions;
}
