/**
 * Dataset data-encryption keys (DEKs): random, versioned, wrapped by the tenant KEK and
 * stored in D1 `dataset_keys`. Deleting a dataset's rows is crypto-shredding: every
 * ciphertext sealed under them becomes unreadable.
 */
import { and, desc, eq, max } from "drizzle-orm";
import { aad } from "./aes-gcm";
import { tenantKek, type KeyEnv } from "./tenant-kek";
import { createWrappedKey, unwrapKey } from "./wrapping";
import { db, schema } from "../db/client";
import { conflict, notFound } from "../errors";

export type DatasetKeyRow = typeof schema.datasetKeys.$inferSelect;

/** Associated data of a wrapped DEK: it cannot be moved to another dataset, tenant or version. */
export const dekAad = (tenantId: string, datasetId: string, version: number) =>
  aad("dataset-dek", tenantId, datasetId, version);

/**
 * A new wrapped DEK row under the tenant's newest KEK; the caller inserts it (dataset
 * creation puts it in the same D1 batch as the dataset row). The key itself is returned
 * too, as a non-extractable CryptoKey.
 */
export async function newDatasetKey(
  env: KeyEnv,
  tenantId: string,
  datasetId: string,
  version = 1,
  now = new Date().toISOString(),
) {
  const kek = await tenantKek(env, tenantId);
  const { wrapped, key } = await createWrappedKey(kek.key, dekAad(tenantId, datasetId, version));
  const row: DatasetKeyRow = {
    datasetId,
    version,
    tenantId,
    kekVersion: kek.version,
    wrapped,
    createdAt: now,
    retiredAt: null,
  };
  return { row, key };
}

/**
 * The DEK row of `version`, or the newest one. A dataset without keys has been purged: 404; a version that is gone
 * (destroyed by re-encrypt with destroy_retired) is a 404 naming the version.
 */
export async function datasetKeyRow(
  d1: D1Database,
  tenantId: string,
  datasetId: string,
  version?: number,
): Promise<DatasetKeyRow> {
  const k = schema.datasetKeys;
  const where = and(
    eq(k.datasetId, datasetId),
    eq(k.tenantId, tenantId),
    version === undefined ? undefined : eq(k.version, version),
  );
  const row = await db(d1).select().from(k).where(where).orderBy(desc(k.version)).limit(1).get();
  if (!row) throw notFound(version === undefined ? "The dataset" : `Dataset key version ${version}`);
  return row;
}

/** Unwraps a DEK row into a non-extractable AES-GCM key. */
export async function unwrapDatasetKey(env: KeyEnv, row: Omit<DatasetKeyRow, "retiredAt">): Promise<CryptoKey> {
  const kek = await tenantKek(env, row.tenantId, row.kekVersion);
  return unwrapKey(kek.key, row.wrapped, dekAad(row.tenantId, row.datasetId, row.version));
}

/**
 * Adds the next DEK version. New records are sealed under it; older versions stay and
 * still decrypt the records sealed under them. Two racing rotations cannot both insert
 * the same version (primary key): the loser gets a 409.
 */
export async function rotateDatasetKey(env: KeyEnv, tenantId: string, datasetId: string) {
  const k = schema.datasetKeys;
  const current = await db(env.DB)
    .select({ v: max(k.version) })
    .from(k)
    .where(and(eq(k.datasetId, datasetId), eq(k.tenantId, tenantId)))
    .get();
  if (!current?.v) throw notFound("The dataset");
  const next = await newDatasetKey(env, tenantId, datasetId, current.v + 1);
  try {
    await db(env.DB).insert(k).values(next.row);
  } catch (err) {
    if (/UNIQUE|PRIMARY KEY/i.test(String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err))) {
      throw conflict("Another key rotation of this dataset happened at the same time; retry.");
    }
    throw err;
  }
  return next;
}

/** Destroys every wrapped DEK of a dataset (crypto-shredding). Returns how many were deleted. */
export function shredStatement(d1: D1Database, tenantId: string, datasetId: string) {
  const k = schema.datasetKeys;
  return db(d1)
    .delete(k)
    .where(and(eq(k.datasetId, datasetId), eq(k.tenantId, tenantId)));
}
