/**
 * GET /search: parse the query, find the datasets to search, ask each DatasetObject for
 * its best matches (in parallel, at most FANOUT_CONCURRENCY at a time), merge them by
 * score, then have the objects that own the winners decrypt them and cut snippets.
 * Two phases, so only the records returned are decrypted and audited. A search of one
 * dataset (`dataset_id`) reads its row from the isolate's dataset cache and has its object
 * run both phases in one call (`searchPage`): one object round trip instead of two.
 *
 * Order is (bm25, dataset id, seq); the cursor holds the last returned position and a
 * tie to the query, so a cursor from another query is a 400.
 */
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { appendAudit, type AuditEntry, type AuditScope } from "../audit/append";
import { tenantSecretKey } from "../crypto/tenant-secrets";
import { db, schema } from "../db/client";
import { badRequest, ProblemError } from "../errors";
import { base64UrlEncode } from "../ids";
import { decodeCursor, encodeCursor } from "../pagination";
import { datasetObject, refOf } from "../records/object";
import { unwrap } from "../records/wire";
import type { DatasetRef } from "../records/wire";
import type { OpenedHit, SearchHitRef } from "./dataset-search";
import type { Snippet } from "./snippet";
import type { DatasetCacheEnv } from "../datasets/cache";
import { cachedDatasetRow } from "../datasets/service";
import { FANOUT_CONCURRENCY, MAX_FANOUT_DATASETS } from "./limits";
import { pageHits } from "./page";
import { parseQuery } from "./query";
import { enabledSearch } from "./settings";

export type SearchEnv = Pick<Env, "DB" | "DATASET" | "AUDIT_LOG" | "MASTER_KEYS"> & DatasetCacheEnv;

export interface SearchInput {
  q: string;
  dataset_id?: string;
  limit: number;
  cursor?: string;
}

export interface SearchItem {
  dataset_id: string;
  id: string;
  seq: number;
  version: number;
  score: number;
  snippet: Snippet | null;
  data: Record<string, unknown>;
}

export interface SearchPage {
  items: SearchItem[];
  next_cursor: string | null;
  /** True when the tenant has more search-enabled datasets than one search covers. */
  truncated: boolean;
}

interface Position {
  bm25: number;
  datasetId: string;
  seq: number;
}

interface MergedHit extends Position {
  size: number;
}

/**
 * A cursor's tag: HMAC-SHA-256 under the tenant's `search-cursor` secret over the query, its
 * scope and the position, cut to 128 bits. A cursor of another query, or one whose position
 * was edited, does not verify (400), so a client can only resume where a page ended.
 */
async function cursorTag(env: SearchEnv, tenantId: string, q: string, datasetId: string | undefined, p: Position) {
  const key = await tenantSecretKey(env, tenantId, "search-cursor", { name: "HMAC", hash: "SHA-256" });
  const message = JSON.stringify([datasetId ?? "*", q, p.bm25, p.datasetId, p.seq]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return base64UrlEncode(new Uint8Array(mac).subarray(0, 16));
}

async function decodePosition(env: SearchEnv, tenantId: string, input: SearchInput, cursor: string): Promise<Position> {
  const c = decodeCursor(cursor, { b: "finite", d: "string", s: "number", t: "string" });
  const position = { bm25: c.b, datasetId: c.d, seq: c.s };
  const expected = new TextEncoder().encode(await cursorTag(env, tenantId, input.q, input.dataset_id, position));
  const given = new TextEncoder().encode(c.t);
  if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected))
    throw badRequest("The cursor is not one this query returned; pass next_cursor with the same q and dataset_id.", [
      { path: "$.cursor", message: "cursor of another query, or edited" },
    ]);
  return position;
}

/** Where one dataset's matches resume after the global position (order: bm25, dataset id, seq). */
function resumeIn(datasetId: string, after: Position | null): { bm25: number; seq: number } | null {
  if (!after) return null;
  if (datasetId < after.datasetId) return { bm25: after.bm25, seq: Number.MAX_SAFE_INTEGER };
  if (datasetId === after.datasetId) return { bm25: after.bm25, seq: after.seq };
  return { bm25: after.bm25, seq: 0 };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The tenant's live, search-enabled datasets, by id; at most MAX_FANOUT_DATASETS (+1 to tell). */
async function searchableDatasets(d1: D1Database, tenantId: string) {
  const d = schema.datasets;
  return db(d1)
    .select({ id: d.id, tenantId: d.tenantId, search: d.search })
    .from(d)
    .where(
      and(
        eq(d.tenantId, tenantId),
        isNull(d.deletedAt),
        isNotNull(d.search),
        sql`json_extract(${d.search}, '$.enabled') = 1`,
      ),
    )
    .orderBy(asc(d.id))
    .limit(MAX_FANOUT_DATASETS + 1)
    .all();
}

/** A dataset whose index is missing (409) or that vanished (404) drops out of a tenant-wide search. */
function skippable(err: unknown, fanOut: boolean): boolean {
  return fanOut && err instanceof ProblemError && (err.status === 404 || err.slug === "search-disabled");
}

/**
 * One page of search results, decrypted, with snippets; the read is audited before it
 * is returned (one event per dataset that contributed, with the count).
 * Errors: 400 query-invalid (with `position`) or a bad cursor; 404 unknown dataset;
 * 409 search-disabled for a dataset without search.
 */
export async function search(env: SearchEnv, scope: AuditScope, input: SearchInput): Promise<SearchPage> {
  const query = parseQuery(input.q);
  const after = input.cursor ? await decodePosition(env, scope.tenantId, input, input.cursor) : null;
  const fanOut = input.dataset_id === undefined;

  let targets: { id: string; tenantId: string; search: string | null }[];
  let truncated = false;
  if (fanOut) {
    targets = await searchableDatasets(env.DB, scope.tenantId);
    truncated = targets.length > MAX_FANOUT_DATASETS;
    targets = targets.slice(0, MAX_FANOUT_DATASETS);
  } else {
    // The isolate's cached row, as the record routes read it (404 for a missing or another tenant's id).
    const row = await cachedDatasetRow(env, scope.tenantId, input.dataset_id!);
    if (!enabledSearch(row))
      throw new ProblemError(409, "search-disabled", { detail: "Search is not enabled for this dataset." });
    targets = [row];
  }

  // Opened records by dataset id: one dataset searched alone answers both phases in one object call.
  const openedBy = new Map<string, OpenedHit[]>();
  // Phase one: each dataset's best limit + 1 after the cursor.
  const perDataset = await mapBounded(targets, FANOUT_CONCURRENCY, async (ds): Promise<MergedHit[]> => {
    const ref = refOf(ds);
    const resume = resumeIn(ds.id, after);
    try {
      let hits: SearchHitRef[];
      if (fanOut) hits = unwrap(await datasetObject(env, ref).searchHits(ref, query, resume, input.limit + 1));
      else {
        const both = unwrap(await datasetObject(env, ref).searchPage(ref, scope, query, resume, input.limit));
        openedBy.set(ds.id, both.opened);
        hits = both.hits;
      }
      return hits.map((h) => ({ bm25: h.bm25, seq: h.seq, size: h.size, datasetId: ds.id }));
    } catch (err) {
      if (skippable(err, fanOut)) return [];
      throw err;
    }
  });
  const merged = perDataset
    .flat()
    .sort(
      (a, b) => a.bm25 - b.bm25 || (a.datasetId < b.datasetId ? -1 : a.datasetId > b.datasetId ? 1 : a.seq - b.seq),
    );
  // Alone, the object cut the same page from the same hits in the same order.
  const page = pageHits(merged, input.limit);

  // Phase two: the owners of the winners decrypt them.
  const byDataset = new Map<string, number[]>();
  for (const h of page) {
    if (!openedBy.has(h.datasetId)) byDataset.set(h.datasetId, [...(byDataset.get(h.datasetId) ?? []), h.seq]);
  }
  const refs = new Map(targets.map((t) => [t.id, refOf(t)]));
  await mapBounded([...byDataset], FANOUT_CONCURRENCY, async ([datasetId, seqs]) => {
    const ref = refs.get(datasetId) as DatasetRef;
    try {
      openedBy.set(datasetId, unwrap(await datasetObject(env, ref).openSearchHits(ref, scope, query, seqs)));
    } catch (err) {
      if (!skippable(err, fanOut)) throw err;
    }
  });
  const opened = new Map<string, SearchItem>();
  for (const [datasetId, hits] of openedBy) {
    for (const o of hits) {
      const hit = page.find((h) => h.datasetId === datasetId && h.seq === o.seq)!;
      opened.set(`${datasetId}:${o.seq}`, {
        dataset_id: datasetId,
        id: o.id,
        seq: o.seq,
        version: o.version,
        score: -hit.bm25,
        snippet: o.snippet,
        data: JSON.parse(o.data) as Record<string, unknown>,
      });
    }
  }
  const items = page.map((h) => opened.get(`${h.datasetId}:${h.seq}`)).filter((i): i is SearchItem => i !== undefined);

  await appendAudit(env, scope, ...auditEntries(items, input.dataset_id));
  const last = page[page.length - 1];
  const more = merged.length > page.length;
  const next =
    more && last
      ? {
          b: last.bm25,
          d: last.datasetId,
          s: last.seq,
          t: await cursorTag(env, scope.tenantId, input.q, input.dataset_id, last),
        }
      : null;
  return {
    items,
    next_cursor: next ? encodeCursor(next) : null,
    truncated,
  };
}

/** One `record.search` event per dataset that returned records (ids and counts, never the query). */
function auditEntries(items: SearchItem[], datasetId: string | undefined): AuditEntry[] {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.dataset_id, (counts.get(i.dataset_id) ?? 0) + 1);
  if (!counts.size)
    return [{ action: "record.search", resource: datasetId ? { dataset_id: datasetId } : {}, details: { count: 0 } }];
  return [...counts].map(([id, count]) => ({
    action: "record.search",
    resource: { dataset_id: id },
    details: { count },
  }));
}
