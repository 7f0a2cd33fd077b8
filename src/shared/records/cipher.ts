/** Sealing records: AES-256-GCM under the dataset's DEK, bound to tenant, dataset, record id and version. */
import { aad, open, seal } from "../crypto/aes-gcm";
import { utf8 } from "./canonical";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Where a record ciphertext belongs; moving it anywhere else makes it fail to decrypt. */
export interface RecordBinding {
  tenantId: string;
  datasetId: string;
  recordId: string;
  version: number;
}

export const recordAad = (b: RecordBinding) => aad("record", b.tenantId, b.datasetId, b.recordId, b.version);

/** Seals canonical JSON; returns iv || ciphertext || tag. */
export function sealRecord(key: CryptoKey, binding: RecordBinding, canonical: string): Promise<Uint8Array> {
  return seal(key, utf8(canonical), recordAad(binding));
}

/** Opens a sealed record back to its canonical JSON; throws DecryptionError on any mismatch. */
export async function openRecord(key: CryptoKey, binding: RecordBinding, sealed: Uint8Array): Promise<string> {
  return decoder.decode(await open(key, sealed, recordAad(binding)));
}
