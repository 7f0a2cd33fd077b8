/** R2 storage of record ciphertexts too large for a Durable Object row. */
import { bytesToHex } from "@noble/hashes/utils.js";

/** All of a dataset's blobs share this prefix, so purge can find them without the object's rows. */
export const datasetBlobPrefix = (tenantId: string, datasetId: string) => `records/${tenantId}/${datasetId}/`;

/**
 * Where the dataset's PII scans keep their sealed parts and reports (jobs/types/pii-scan.ts); defined here, beside
 * the records' prefix, because purge deletes both.
 */
export const datasetScanPrefix = (tenantId: string, datasetId: string) => `pii-scans/${tenantId}/${datasetId}/`;

/**
 * A new, never reused key for one write of a record's ciphertext:
 * `records/<tenant>/<dataset>/<record>/v<version>[.k<keyVersion>].<32 hex random>`.
 * Concurrent writers of the same record version (two jobs, a job and a PUT, a chunk
 * delivered twice at once) each get their own object, so the one that loses its
 * compare-and-set deletes only its own blob, never the one the winner's row points at.
 */
export function recordBlobKey(
  tenantId: string,
  datasetId: string,
  recordId: string,
  version: number,
  keyVersion?: number,
): string {
  const sealedUnder = keyVersion === undefined ? "" : `.k${keyVersion}`;
  const nonce = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
  return `${datasetBlobPrefix(tenantId, datasetId)}${recordId}/v${version}${sealedUnder}.${nonce}`;
}

/** The record id a key of recordBlobKey (or of the older `…/<record>/v<version>` form) belongs to. */
export const blobRecordId = (key: string): string | undefined => key.split("/")[3];

/** Reads a blob's bytes, or null when it is missing. */
export async function getBlob(bucket: R2Bucket, key: string): Promise<Uint8Array | null> {
  const obj = await bucket.get(key);
  if (!obj) return null;
  return new Uint8Array(await obj.arrayBuffer());
}

/** Deletes keys in batches of R2's limit (1000 per call). */
export async function deleteBlobs(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

/** Deletes every object under a prefix; returns how many there were. */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    const keys = page.objects.map((o) => o.key);
    if (keys.length) await bucket.delete(keys);
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/** A sealed record bound for R2 when `blobKey` is set (its ciphertext is too large for a row). */
export interface BlobWrite {
  blobKey: string | null;
  ct: Uint8Array;
}

/**
 * Writes the ciphertexts that have a blob key, in parallel. Returns the keys written; if
 * one write fails, the ones that succeeded are deleted and the error is rethrown.
 */
export async function putBlobs(bucket: R2Bucket, items: BlobWrite[]): Promise<string[]> {
  const large = items.filter((s) => s.blobKey);
  const done: string[] = [];
  try {
    await Promise.all(
      large.map(async (s) => {
        await bucket.put(s.blobKey!, s.ct);
        done.push(s.blobKey!);
      }),
    );
  } catch (err) {
    await deleteBlobs(bucket, done).catch(() => undefined);
    throw err;
  }
  return done;
}

/**
 * Deletes blobs no row points to (a rolled-back write, a replaced version), ignoring
 * failures: an orphan costs storage, never correctness, and purge removes the prefix.
 */
export async function discardBlobs(bucket: R2Bucket, keys: string[]): Promise<void> {
  await deleteBlobs(bucket, keys).catch(() => undefined);
}
