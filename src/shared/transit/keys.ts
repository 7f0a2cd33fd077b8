/**
 * Named transit keys in D1 (transit_keys + transit_key_versions): create, read, list,
 * rotate, update policy, delete (crypto-shredding). Every lookup is scoped by tenant, so
 * another tenant's key name is simply absent (404).
 */
import { and, asc, eq, gt } from "drizzle-orm";
import type { KeyEnv } from "../crypto/tenant-kek";
import { db, schema } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { conflict, notFound, validationFailed, type FieldError } from "../errors";
import { decodeCursor, keysetPage } from "../pagination";
import type { CreateTransitKey, TransitKey, TransitKeySummary, UpdateTransitKey } from "../schema/transit";
import { evictPolicy } from "./key-cache";
import { algorithmFor, newVersionMaterial } from "./material";

export type TransitKeyRow = typeof schema.transitKeys.$inferSelect;
export type TransitKeyVersionRow = typeof schema.transitKeyVersions.$inferSelect;

/** The one 404 for a key that does not exist in this tenant (another tenant's included). */
export const keyNotFound = () => notFound("The transit key");

/** API shape of a key without its version list (list pages). */
export const toSummary = (r: TransitKeyRow): TransitKeySummary => ({
  name: r.name,
  type: r.type,
  derived: r.derived,
  convergent: r.convergent,
  latest_version: r.latestVersion,
  min_decryption_version: r.minDecryptionVersion,
  min_encryption_version: r.minEncryptionVersion,
  deletion_allowed: r.deletionAllowed,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** API shape of a key with its versions and their creation times; never material. */
export const toKey = (
  r: TransitKeyRow,
  versions: Pick<TransitKeyVersionRow, "version" | "createdAt">[],
): TransitKey => ({
  ...toSummary(r),
  versions: versions
    .map((v) => ({ version: v.version, created_at: v.createdAt }))
    .sort((a, b) => a.version - b.version),
});

const whereKey = (tenantId: string, name: string) =>
  and(eq(schema.transitKeys.tenantId, tenantId), eq(schema.transitKeys.name, name));

/** The key's row, or a 404. */
export async function getKeyRow(d1: D1Database, tenantId: string, name: string): Promise<TransitKeyRow> {
  const row = await db(d1).select().from(schema.transitKeys).where(whereKey(tenantId, name)).get();
  if (!row) throw keyNotFound();
  return row;
}

/** The key with its version list (never material). */
export async function getKey(d1: D1Database, tenantId: string, name: string): Promise<TransitKey> {
  const d = db(d1);
  const [rows, versions] = await d.batch([
    d.select().from(schema.transitKeys).where(whereKey(tenantId, name)),
    d
      .select({ version: schema.transitKeyVersions.version, createdAt: schema.transitKeyVersions.createdAt })
      .from(schema.transitKeyVersions)
      .where(and(eq(schema.transitKeyVersions.tenantId, tenantId), eq(schema.transitKeyVersions.name, name))),
  ]);
  if (!rows[0]) throw keyNotFound();
  return toKey(rows[0], versions);
}

/** A page of the tenant's keys ordered by name. */
export async function listKeys(d1: D1Database, tenantId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, { name: "string" }).name : "";
  const rows = await db(d1)
    .select()
    .from(schema.transitKeys)
    .where(and(eq(schema.transitKeys.tenantId, tenantId), gt(schema.transitKeys.name, after)))
    .orderBy(asc(schema.transitKeys.name))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toSummary, "name");
}

const nameTaken = (name: string) => conflict(`A transit key named '${name}' already exists in this tenant.`);

export interface PreparedKey {
  row: TransitKeyRow;
  version: TransitKeyVersionRow;
}

/** Checks the name is free and makes version 1's wrapped material; nothing is written yet. */
export async function prepareCreate(env: KeyEnv, tenantId: string, input: CreateTransitKey): Promise<PreparedKey> {
  const taken = await db(env.DB)
    .select({ name: schema.transitKeys.name })
    .from(schema.transitKeys)
    .where(whereKey(tenantId, input.name))
    .get();
  if (taken) throw nameTaken(input.name);
  const now = new Date().toISOString();
  const material = await newVersionMaterial(env, tenantId, input.name, 1, algorithmFor(input.type, input.derived));
  return {
    row: {
      tenantId,
      name: input.name,
      type: input.type,
      derived: input.derived,
      convergent: input.convergent,
      latestVersion: 1,
      minDecryptionVersion: 1,
      minEncryptionVersion: 0,
      deletionAllowed: false,
      createdAt: now,
      updatedAt: now,
    },
    version: {
      tenantId,
      name: input.name,
      version: 1,
      kekVersion: material.kekVersion,
      wrapped: material.wrapped,
      createdAt: now,
    },
  };
}

/** Writes the key and its first version in one D1 batch (atomic). */
export async function insertKey(d1: D1Database, prepared: PreparedKey): Promise<TransitKey> {
  const d = db(d1);
  try {
    await d.batch([
      d.insert(schema.transitKeys).values(prepared.row),
      d.insert(schema.transitKeyVersions).values(prepared.version),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(prepared.row.name);
    throw err;
  }
  evictPolicy(prepared.row.tenantId, prepared.row.name);
  return toKey(prepared.row, [prepared.version]);
}

/** Wrapped material for the next version of `current`; written by applyRotate. */
export async function prepareRotate(env: KeyEnv, current: TransitKeyRow): Promise<TransitKeyVersionRow> {
  const version = current.latestVersion + 1;
  const material = await newVersionMaterial(
    env,
    current.tenantId,
    current.name,
    version,
    algorithmFor(current.type, current.derived),
  );
  return {
    tenantId: current.tenantId,
    name: current.name,
    version,
    kekVersion: material.kekVersion,
    wrapped: material.wrapped,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Adds the version and bumps latest_version in one transaction, only if latest_version
 * is still the one the rotation started from: of two racing rotations one wins, the other
 * gets a 409, and a key deleted meanwhile gets no orphan version.
 */
export async function applyRotate(
  d1: D1Database,
  current: TransitKeyRow,
  next: TransitKeyVersionRow,
): Promise<TransitKey> {
  const [, update] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO transit_key_versions (tenant_id, name, version, kek_version, wrapped, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE EXISTS (SELECT 1 FROM transit_keys WHERE tenant_id = ?1 AND name = ?2 AND latest_version = ?7)`,
      )
      .bind(
        next.tenantId,
        next.name,
        next.version,
        next.kekVersion,
        next.wrapped,
        next.createdAt,
        current.latestVersion,
      ),
    d1
      .prepare(
        `UPDATE transit_keys SET latest_version = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND name = ?2 AND latest_version = ?5`,
      )
      .bind(current.tenantId, current.name, next.version, next.createdAt, current.latestVersion),
  ]);
  evictPolicy(current.tenantId, current.name);
  if (!update.meta.changes) throw conflict("The key was rotated or deleted concurrently; read it again and retry.");
  return getKey(d1, current.tenantId, current.name);
}

/**
 * Validates a policy change against the key as it is (Vault's rules): 1 ≤ min_decryption_version
 * ≤ latest, and min_encryption_version is 0 or between min_decryption_version and latest.
 */
export function prepareUpdate(current: TransitKeyRow, input: UpdateTransitKey): Partial<TransitKeyRow> {
  const minDec = input.min_decryption_version ?? current.minDecryptionVersion;
  const minEnc = input.min_encryption_version ?? current.minEncryptionVersion;
  const errors: FieldError[] = [];
  if (minDec > current.latestVersion) {
    errors.push({
      path: "$.min_decryption_version",
      message: `Must not exceed latest_version (${current.latestVersion}).`,
    });
  }
  if (minEnc > current.latestVersion) {
    errors.push({
      path: "$.min_encryption_version",
      message: `Must not exceed latest_version (${current.latestVersion}).`,
    });
  } else if (minEnc !== 0 && minEnc < minDec) {
    errors.push({
      path: "$.min_encryption_version",
      message: `Must be 0 or at least min_decryption_version (${minDec}); a key must not encrypt with a version it refuses to decrypt.`,
    });
  }
  if (errors.length) throw validationFailed(errors, "The key policy change is not consistent with the key.");
  const changes: Partial<TransitKeyRow> = {};
  if (input.min_decryption_version !== undefined) changes.minDecryptionVersion = input.min_decryption_version;
  if (input.min_encryption_version !== undefined) changes.minEncryptionVersion = input.min_encryption_version;
  if (input.deletion_allowed !== undefined) changes.deletionAllowed = input.deletion_allowed;
  return changes;
}

/** Applies the change only if the key was not changed since it was read (compare and swap on updated_at). */
export async function applyUpdate(
  d1: D1Database,
  current: TransitKeyRow,
  changes: Partial<TransitKeyRow>,
): Promise<TransitKey> {
  const row = await db(d1)
    .update(schema.transitKeys)
    .set({ ...changes, updatedAt: new Date().toISOString() })
    .where(and(whereKey(current.tenantId, current.name), eq(schema.transitKeys.updatedAt, current.updatedAt)))
    .returning()
    .get();
  evictPolicy(current.tenantId, current.name);
  if (!row) throw conflict("The key changed while this update was applied; read it again and retry.");
  return getKey(d1, current.tenantId, current.name);
}

/** 409 unless the key's policy allows deletion. */
export function assertDeletable(current: TransitKeyRow): void {
  if (!current.deletionAllowed) {
    throw conflict(
      `Deleting transit key '${current.name}' is not allowed; PATCH it with deletion_allowed: true first. Deletion destroys every version.`,
    );
  }
}

/**
 * Crypto-shredding: deletes every wrapped version and the key in one transaction. Every
 * ciphertext made under the key becomes unreadable, wherever it is kept.
 */
export async function deleteKey(d1: D1Database, current: TransitKeyRow): Promise<void> {
  const [, key] = await d1.batch([
    d1
      .prepare(
        `DELETE FROM transit_key_versions WHERE tenant_id = ?1 AND name = ?2
         AND EXISTS (SELECT 1 FROM transit_keys WHERE tenant_id = ?1 AND name = ?2 AND deletion_allowed = 1)`,
      )
      .bind(current.tenantId, current.name),
    d1
      .prepare(`DELETE FROM transit_keys WHERE tenant_id = ?1 AND name = ?2 AND deletion_allowed = 1`)
      .bind(current.tenantId, current.name),
  ]);
  evictPolicy(current.tenantId, current.name);
  if (!key.meta.changes)
    throw conflict("The key was deleted, or its deletion policy changed, concurrently; read it again.");
}
