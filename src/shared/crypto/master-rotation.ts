/**
 * Master key rotation: after a new version is added to MASTER_KEYS, each tenant's KEKs
 * are re-wrapped under it. The KEK itself does not change, so nothing below it (DEKs,
 * tenant secrets, records) is touched. Once no row names an old master version, that
 * version can be removed from the secret.
 */
import { and, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import { masterKeys } from "./master-keys";
import { kekAad, type KeyEnv } from "./tenant-kek";
import { rewrapKey } from "./wrapping";

export interface RewrapResult {
  tenant_id: string;
  master_version: number;
  /** KEK versions re-wrapped by this call. */
  rewrapped: number;
  /** KEK versions of the tenant, all now under `master_version`. */
  kek_versions: number;
}

/** A KEK row re-wrapped in memory, to be stored only if the row still names `fromMaster`. */
export interface KekRewrap {
  version: number;
  fromMaster: number;
  wrapped: string;
}

/**
 * Re-wraps, in memory, every KEK of a tenant that is not under the newest master version.
 * @returns the newest master version, the tenant's KEK versions, and the new wrapped forms.
 * @throws Error when a row's master version is no longer configured (never echoes key material).
 */
export async function kekRewraps(
  env: KeyEnv,
  tenantId: string,
): Promise<{ masterVersion: number; kekVersions: number; rewraps: KekRewrap[] }> {
  const master = await masterKeys(env.MASTER_KEYS);
  const t = schema.tenantKeys;
  const rows = await db(env.DB).select().from(t).where(eq(t.tenantId, tenantId)).all();
  const rewraps: KekRewrap[] = [];
  for (const row of rows) {
    if (row.masterVersion === master.current) continue;
    const from = master.keys.get(row.masterVersion);
    if (!from)
      throw new Error(
        `master key version ${row.masterVersion} is not configured; it is needed to re-wrap tenant ${tenantId}`,
      );
    const aad = kekAad(tenantId, row.version);
    const wrapped = await rewrapKey({ key: from, aad }, { key: master.keys.get(master.current)!, aad }, row.wrapped);
    rewraps.push({ version: row.version, fromMaster: row.masterVersion, wrapped });
  }
  return { masterVersion: master.current, kekVersions: rows.length, rewraps };
}

/**
 * Re-wraps every KEK of a tenant that is not under the newest master version. Each row
 * is updated only if it still names the master version it was read with, so concurrent
 * calls do not clobber each other.
 */
export async function rewrapTenantKeks(env: KeyEnv, tenantId: string): Promise<RewrapResult> {
  const { masterVersion, kekVersions, rewraps } = await kekRewraps(env, tenantId);
  const d = db(env.DB);
  const t = schema.tenantKeys;
  let rewrapped = 0;
  for (const r of rewraps) {
    const updated = await d
      .update(t)
      .set({ wrapped: r.wrapped, masterVersion })
      .where(and(eq(t.tenantId, tenantId), eq(t.version, r.version), eq(t.masterVersion, r.fromMaster)))
      .returning({ version: t.version })
      .all();
    rewrapped += updated.length;
  }
  return { tenant_id: tenantId, master_version: masterVersion, rewrapped, kek_versions: kekVersions };
}
