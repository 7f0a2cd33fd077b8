/**
 * A DatasetObject's cache of its dataset's DEKs: each version is read from D1 and unwrapped
 * once per object lifetime, then kept as a non-extractable CryptoKey. A failed unwrap is
 * evicted so the next call tries again.
 */
import type { KeyEnv } from "../crypto/tenant-kek";
import { cacheUntilRejected, getOrLoad } from "../promise-cache";
import { datasetKeyRow, rotateDatasetKey, unwrapDatasetKey } from "../crypto/dataset-keys";
import type { DatasetRef } from "./wire";

export class DekCache {
  /** Unwrapped DEKs by version. */
  private keys = new Map<number, Promise<CryptoKey>>();
  private currentVersion: number | null = null;

  constructor(private readonly env: KeyEnv) {}

  /** The newest DEK, which new writes are sealed under. 404 problem when the dataset has no keys (purged). */
  async current(ref: DatasetRef): Promise<{ version: number; key: CryptoKey }> {
    if (this.currentVersion === null) {
      const row = await datasetKeyRow(this.env.DB, ref.tenantId, ref.datasetId);
      if (!this.keys.has(row.version)) {
        const key = unwrapDatasetKey(this.env, row);
        cacheUntilRejected(this.keys, row.version, key, key);
      }
      this.currentVersion = Math.max(this.currentVersion ?? 0, row.version);
    }
    const version = this.currentVersion;
    return { version, key: await this.version(ref, version) };
  }

  /** The DEK of one version (records sealed under older versions still open). */
  version(ref: DatasetRef, version: number): Promise<CryptoKey> {
    return getOrLoad(this.keys, version, () =>
      datasetKeyRow(this.env.DB, ref.tenantId, ref.datasetId, version).then((row) => unwrapDatasetKey(this.env, row)),
    );
  }

  /** Adds a DEK version in D1 and makes it the current one here. 409 problem when another rotation raced it. */
  async rotate(ref: DatasetRef): Promise<{ key_version: number; created_at: string }> {
    const next = await rotateDatasetKey(this.env, ref.tenantId, ref.datasetId);
    this.keys.set(next.row.version, Promise.resolve(next.key));
    this.currentVersion = next.row.version;
    return { key_version: next.row.version, created_at: next.row.createdAt };
  }

  /** Forgets every key (after a purge). */
  clear(): void {
    this.keys.clear();
    this.currentVersion = null;
  }
}
