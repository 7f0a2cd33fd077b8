/** The datasets catalog in D1: create, read, update with optimistic concurrency, soft delete, list. */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { db, schema } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { conflict, notFound, preconditionFailed, validationFailed } from "../errors";
import { newId } from "../ids";
import type { KeyEnv } from "../crypto/tenant-kek";
import { checkJsonSchema } from "../json-schema/check-schema";
import { newDatasetKey, type DatasetKeyRow } from "../crypto/dataset-keys";
import { ifMatchTags } from "../etag";
import { decodeCursor, keysetPage } from "../pagination";
import type { CreateDataset, Dataset, UpdateDataset } from "../schema/datasets";
import { validatePolicy } from "../anonymize/policy";
import {
  datasetCacheTtlMs,
  evictDataset,
  getCachedDataset,
  markCountersStale,
  putCachedDataset,
  type DatasetCacheEnv,
} from "./cache";
import { checkSearchSettings } from "../search/settings";

export type DatasetRow = typeof schema.datasets.$inferSelect;

export const toDataset = (r: DatasetRow): Dataset => ({
  id: r.id,
  name: r.name,
  description: r.description,
  schema: r.schema === null ? null : JSON.parse(r.schema),
  pii_policy: r.piiPolicy === null ? null : JSON.parse(r.piiPolicy),
  search: r.search === null ? null : JSON.parse(r.search),
  version: r.version,
  record_count: r.recordCount,
  bytes: r.bytes,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** A strong ETag from the metadata version. */
export const datasetEtag = (d: { id: string; version: number }) => `"${d.id}.v${d.version}"`;

const live = (tenantId: string, id: string) =>
  and(eq(schema.datasets.id, id), eq(schema.datasets.tenantId, tenantId), isNull(schema.datasets.deletedAt));

function assertSchemaUsable(value: unknown): void {
  if (value === undefined || value === null) return;
  const errors = checkJsonSchema(value);
  if (errors.length) throw validationFailed(errors, "The dataset schema is not a valid JSON Schema (draft 2020-12).");
}

const nameTaken = (name: string) => conflict(`A dataset named '${name}' already exists in this tenant.`);

/** A dataset ready to insert: its row and its first wrapped data-encryption key. */
export interface PreparedDataset {
  row: DatasetRow;
  dek: DatasetKeyRow;
}

/**
 * Checks everything that can be checked before a write, so audit-then-write rarely fails, and
 * makes the dataset's first key. The policy check, the name check and the key (a D1 read of
 * the tenant's newest KEK) are independent reads, so they run at once: one D1 round trip on
 * the create path instead of three in a row. Nothing is written here.
 */
export async function prepareCreate(env: KeyEnv, tenantId: string, input: CreateDataset): Promise<PreparedDataset> {
  assertSchemaUsable(input.schema);
  checkSearchSettings(input.search);
  const id = newId("ds");
  const now = new Date().toISOString();
  const [, taken, dek] = await Promise.all([
    validatePolicy(env.DB, tenantId, input.pii_policy),
    db(env.DB)
      .select({ id: schema.datasets.id })
      .from(schema.datasets)
      .where(
        and(
          eq(schema.datasets.tenantId, tenantId),
          eq(schema.datasets.name, input.name),
          isNull(schema.datasets.deletedAt),
        ),
      )
      .get(),
    newDatasetKey(env, tenantId, id, 1, now),
  ]);
  if (taken) throw nameTaken(input.name);
  const row: DatasetRow = {
    id,
    tenantId,
    name: input.name,
    description: input.description ?? null,
    schema: input.schema == null ? null : JSON.stringify(input.schema),
    piiPolicy: input.pii_policy == null ? null : JSON.stringify(input.pii_policy),
    search: input.search == null ? null : JSON.stringify(input.search),
    version: 1,
    recordCount: 0,
    bytes: 0,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  return { row, dek: dek.row };
}

/** Inserts the dataset and its first data-encryption key in one D1 batch (atomic). */
export async function insertDataset(d1: D1Database, { row, dek }: PreparedDataset): Promise<Dataset> {
  const d = db(d1);
  try {
    await d.batch([d.insert(schema.datasets).values(row), d.insert(schema.datasetKeys).values(dek)]);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(row.name);
    throw err;
  }
  return toDataset(row);
}

/**
 * The tenant's dataset `id` when it exists and is not deleted, else null: for jobs, where a dataset deleted meanwhile
 * ends the work instead of failing it. One D1 query.
 */
export async function findLiveDataset(d1: D1Database, tenantId: string, id: string): Promise<DatasetRow | null> {
  return (await db(d1).select().from(schema.datasets).where(live(tenantId, id)).get()) ?? null;
}

/** After a change through this isolate: the row as D1 now holds it, so the next request needs no read. */
export function rememberDataset(env: DatasetCacheEnv, row: DatasetRow): void {
  putCachedDataset(row.tenantId, row.id, row, datasetCacheTtlMs(env));
}

/** One D1 query: the tenant scope is part of the lookup, so another tenant's id is simply absent. */
export async function getDatasetRow(d1: D1Database, tenantId: string, id: string): Promise<DatasetRow> {
  const row = await findLiveDataset(d1, tenantId, id);
  if (!row) throw notFound("The dataset");
  return row;
}

/**
 * getDatasetRow through the isolate's dataset cache (./cache.ts): for reads and record routes,
 * which may see a change made through another isolate up to DATASET_CACHE_TTL_SECONDS late.
 * `counters: true` (GET /datasets/{id}) re-reads a row whose record counters a record write
 * through this isolate made stale. Updates and deletes read with getDatasetRow, never from here.
 */
export async function cachedDatasetRow(
  env: DatasetCacheEnv,
  tenantId: string,
  id: string,
  opts: { counters?: boolean } = {},
): Promise<DatasetRow> {
  const hit = getCachedDataset<DatasetRow>(tenantId, id, opts.counters ?? false);
  if (hit) return hit;
  const row = await getDatasetRow(env.DB, tenantId, id);
  putCachedDataset(tenantId, id, row, datasetCacheTtlMs(env));
  return row;
}

export async function listDatasets(d1: D1Database, tenantId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, { id: "string" }).id : "";
  const rows = await db(d1)
    .select()
    .from(schema.datasets)
    .where(
      and(eq(schema.datasets.tenantId, tenantId), isNull(schema.datasets.deletedAt), gt(schema.datasets.id, after)),
    )
    .orderBy(asc(schema.datasets.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toDataset);
}

/** Whether `If-Match` holds `*` or the dataset's ETag, compared strongly (a weak tag never matches). */
export function matchesEtag(ifMatch: string, current: string): boolean {
  const tags = ifMatchTags(ifMatch);
  return tags === "*" || tags.includes(current);
}

/**
 * The row an update or delete starts from: the cached one when it matches `ifMatch` (or when
 * no If-Match applies), else the row read from D1, since a cached row may be up to
 * DATASET_CACHE_TTL_SECONDS old. No staleness can slip through: the write itself is
 * conditional on the version (applyUpdate) or on the row being live (softDeleteDataset).
 * @throws ProblemError 404 when the dataset does not exist (or is another tenant's).
 */
export async function rowForChange(
  env: DatasetCacheEnv,
  tenantId: string,
  id: string,
  ifMatch?: string,
): Promise<DatasetRow> {
  const cached = getCachedDataset<DatasetRow>(tenantId, id, false);
  if (cached && (ifMatch === undefined || matchesEtag(ifMatch, datasetEtag(cached)))) return cached;
  return getDatasetRow(env.DB, tenantId, id);
}

/**
 * RFC 9110 §13.1.1: an If-Match that is sent must match the dataset's current ETag (`*` matches any).
 * @throws ProblemError 412 naming the current ETag.
 */
export function checkIfMatch(current: DatasetRow, ifMatch: string | undefined): void {
  if (ifMatch !== undefined && !matchesEtag(ifMatch, datasetEtag(current))) {
    throw preconditionFailed(`The dataset has changed since you read it; its ETag is now ${datasetEtag(current)}.`);
  }
}

/** Checks the If-Match and the schema; the caller validates a new PII policy (validatePolicy, async). */
export function prepareUpdate(current: DatasetRow, ifMatch: string, input: UpdateDataset): Partial<DatasetRow> {
  checkIfMatch(current, ifMatch);
  assertSchemaUsable(input.schema);
  checkSearchSettings(input.search);
  const changes: Partial<DatasetRow> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.schema !== undefined) changes.schema = input.schema === null ? null : JSON.stringify(input.schema);
  if (input.pii_policy !== undefined)
    changes.piiPolicy = input.pii_policy === null ? null : JSON.stringify(input.pii_policy);
  if (input.search !== undefined) changes.search = input.search === null ? null : JSON.stringify(input.search);
  return changes;
}

/**
 * Applies the update only if the version is still the one the caller saw (compare and
 * swap in the WHERE clause, the new row RETURNING in the same statement), so two racing
 * writers cannot both win. The new row replaces the cached one.
 * @throws ProblemError 412 when the version moved on; 404 when the dataset was deleted meanwhile; 409 name taken.
 */
export async function applyUpdate(
  env: DatasetCacheEnv,
  current: DatasetRow,
  changes: Partial<DatasetRow>,
): Promise<Dataset> {
  let row: DatasetRow | undefined;
  try {
    row = await db(env.DB)
      .update(schema.datasets)
      .set({ ...changes, version: current.version + 1, updatedAt: new Date().toISOString() })
      .where(and(live(current.tenantId, current.id), eq(schema.datasets.version, current.version)))
      .returning()
      .get();
  } catch (err) {
    evictDataset(current.tenantId, current.id);
    if (isUniqueViolation(err)) throw nameTaken(changes.name ?? current.name);
    throw err;
  }
  if (!row) {
    evictDataset(current.tenantId, current.id);
    // Only on this failure path: tell a deleted dataset (404) from a newer version (412).
    await getDatasetRow(env.DB, current.tenantId, current.id);
    throw preconditionFailed("The dataset changed while this update was applied; read it again.");
  }
  rememberDataset(env, row);
  // Record counters change through the DatasetObject (jobs included), not through this row:
  // GET /datasets/{id} reads them from D1 again, as it did when an update evicted the row.
  markCountersStale(row.tenantId, row.id);
  return toDataset(row);
}

/**
 * Soft-deletes a live dataset in one statement; false when it was no longer live (deleted
 * meanwhile, e.g. through another isolate while this one held it in its cache).
 */
export async function softDeleteDataset(d1: D1Database, current: DatasetRow, sameVersion = false): Promise<boolean> {
  evictDataset(current.tenantId, current.id);
  const now = new Date().toISOString();
  // With an If-Match the delete is a compare-and-swap on the version the caller saw, like an update.
  const where = sameVersion
    ? and(live(current.tenantId, current.id), eq(schema.datasets.version, current.version))
    : live(current.tenantId, current.id);
  const gone = await db(d1)
    .update(schema.datasets)
    .set({ deletedAt: now, updatedAt: now, version: sql`${schema.datasets.version} + 1` })
    .where(where)
    .returning({ id: schema.datasets.id })
    .get();
  return gone !== undefined;
}
