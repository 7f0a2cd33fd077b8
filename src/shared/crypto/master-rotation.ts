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

/**
 * Re-wraps every KEK of a tenant that is not under the newest master version. Each row
 * is updated only if it still names the master version it was read with, so concurrent
 * calls do not clobber each other.
 */
export async function rewrapTenantKeks(env: KeyEnv, tenantId: string): Promise<RewrapResult> {
  const master = await masterKeys(env.MASTER_KEYS);
  const d = db(env.DB);
  const t = schema.tenantKeys;
  const rows = await d.select().from(t).where(eq(t.tenantId, tenantId)).all();
  let rewrapped = 0;
  for (const row of rows) {
    if (row.masterVersion === master.current) continue;
    const from = master.keys.get(row.masterVersion);
    if (!from)
      throw new Error(
        `master key version ${row.masterVersion} is not configured; it is needed to re-wrap tenant ${tenantId}`,
      );
    const aad = kekAad(tenantId, row.version);
    const wrapped = await rewrapKey({ key: from, aad }, { key: master.keys.get(master.current)!, aad }, row.wrapped);
    const updated = await d
      .update(t)
      .set({ wrapped, masterVersion: master.current })
      .where(and(eq(t.tenantId, tenantId), eq(t.version, row.version), eq(t.masterVersion, row.masterVersion)))
      .returning({ version: t.version })
      .all();
    rewrapped += updated.length;
  }
  return { tenant_id: tenantId, master_version: master.current, rewrapped, kek_versions: rows.length };
}
