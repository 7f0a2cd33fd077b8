/**
 * JSON documents a dataset job keeps in R2, sealed under the dataset's newest DEK (they
 * describe its content). The DEK version travels in the object's metadata; the associated
 * data binds the object to its tenant, dataset and key, so a copy moved elsewhere fails.
 */
import { aad, open, seal } from "../../crypto/aes-gcm";
import type { KeyEnv } from "../../crypto/tenant-kek";
import { utf8 } from "../../records/canonical";
import { datasetKeyRow, unwrapDatasetKey } from "../../crypto/dataset-keys";
import type { DatasetRef } from "../../records/wire";

export type SealedEnv = KeyEnv & { BLOBS: R2Bucket };

const aadOf = (ref: DatasetRef, key: string) => aad("dataset-job-doc", ref.tenantId, ref.datasetId, key);

/** Seals `value` and puts it at `key` (overwriting: callers key documents so a rewrite is the same document). */
export async function putSealedJson(env: SealedEnv, ref: DatasetRef, key: string, value: unknown): Promise<void> {
  const row = await datasetKeyRow(env.DB, ref.tenantId, ref.datasetId);
  const dek = await unwrapDatasetKey(env, row);
  const body = await seal(dek, utf8(JSON.stringify(value)), aadOf(ref, key));
  await env.BLOBS.put(key, body, { customMetadata: { key_version: String(row.version) } });
}

/** The document at `key`, or null when there is none. DecryptionError when it does not open. */
export async function getSealedJson<T>(env: SealedEnv, ref: DatasetRef, key: string): Promise<T | null> {
  const obj = await env.BLOBS.get(key);
  if (!obj) return null;
  const bytes = new Uint8Array(await obj.arrayBuffer());
  const version = Number(obj.customMetadata?.key_version);
  const dek = await unwrapDatasetKey(env, await datasetKeyRow(env.DB, ref.tenantId, ref.datasetId, version));
  return JSON.parse(new TextDecoder().decode(await open(dek, bytes, aadOf(ref, key)))) as T;
}

/**
 * Re-seals every document under `prefix` still sealed under a DEK version below `target` under the newest version
 * (re-encrypt does this before it retires and may destroy the older versions, so the vault's own documents stay
 * readable). Idempotent: a document already at `target` or above is left alone. Returns how many were re-sealed.
 */
export async function resealJsonUnder(env: SealedEnv, ref: DatasetRef, prefix: string, target: number) {
  let resealed = 0;
  for (const key of await listKeys(env.BLOBS, prefix)) {
    const head = await env.BLOBS.head(key);
    if (!head || Number(head.customMetadata?.key_version) >= target) continue;
    const value = await getSealedJson<unknown>(env, ref, key);
    if (value === null) continue;
    await putSealedJson(env, ref, key, value);
    resealed++;
  }
  return resealed;
}

/** Every key under `prefix`, in key order. */
export async function listKeys(bucket: R2Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}
