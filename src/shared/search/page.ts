/** Which matches one search page holds; the service and the DatasetObject cut pages with the same rule. */
import { MAX_PAGE_BYTES } from "../records/limits";

/**
 * The first `limit` of `sorted` (best first), stopping before the records' `size`s (bytes of canonical JSON)
 * would pass MAX_PAGE_BYTES; the first match is always kept, however large.
 * @example pageHits([{ size: 10 }, { size: 20 }], 1) // [{ size: 10 }]
 */
export function pageHits<H extends { size: number }>(sorted: readonly H[], limit: number): H[] {
  const page: H[] = [];
  let bytes = 0;
  for (const h of sorted.slice(0, limit)) {
    if (page.length > 0 && bytes + h.size > MAX_PAGE_BYTES) break;
    page.push(h);
    bytes += h.size;
  }
  return page;
}
