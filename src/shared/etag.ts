/**
 * If-Match (RFC 9110 §13.1.1): `*` or a list of entity-tags, compared with the STRONG
 * comparison of §8.8.3.2, so a weak tag (`W/"…"`) never matches, whatever it holds.
 */

/**
 * The entity-tags of an If-Match header that can match: `"*"`, or the strong tags as
 * written (quotes kept). Weak tags are dropped; a header of only weak tags gives [] → 412.
 * @example ifMatchTags('W/"1", "2"') // ['"2"']
 */
export function ifMatchTags(header: string): "*" | string[] {
  const tags: string[] = [];
  for (const raw of header.split(",")) {
    const tag = raw.trim();
    if (tag === "*") return "*";
    if (tag === "" || tag.startsWith("W/")) continue;
    tags.push(tag);
  }
  return tags;
}
