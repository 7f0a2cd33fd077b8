/**
 * If-Match (RFC 9110 §13.1.1): `*` or a list of entity-tags, compared with the STRONG
 * comparison of §8.8.3.2: a weak tag (`W/"…"`) never matches, whatever it holds, and a strong
 * tag matches only the same opaque-tag, byte for byte (`"01"` is not `"1"`).
 */

/** entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3). */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/;

/**
 * The entity-tags of an If-Match header that can match: `"*"`, or the strong tags as
 * written (quotes kept). Weak tags are dropped, and empty list elements skipped (§5.6.1). A
 * header that is not `*` alone nor a list of entity-tags (`9, "9"`, `*, "9"`) is malformed and
 * can match nothing, like a header of only weak tags: [] → 412.
 * @example ifMatchTags('W/"1", "2"') // ['"2"']
 * @example ifMatchTags('1, "2"') // []
 */
export function ifMatchTags(header: string): "*" | string[] {
  if (header.trim() === "*") return "*";
  const tags: string[] = [];
  for (const raw of header.split(",")) {
    const tag = raw.trim();
    if (tag === "") continue;
    const m = ENTITY_TAG.exec(tag);
    if (!m) return [];
    if (!m[1]) tags.push(tag);
  }
  return tags;
}
