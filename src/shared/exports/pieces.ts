/** Reading an export's sealed pieces back: each opens under the dataset key version it was sealed with. */
import { open } from "../crypto/aes-gcm";
import { DecryptionError } from "../crypto/aes-gcm";
import type { schema } from "../db/client";
import { datasetKeyRow, unwrapDatasetKey } from "../crypto/dataset-keys";
import type { KeyEnv } from "../crypto/tenant-kek";
import { pieceAad, type ExportRow } from "./job";

export type ExportPart = typeof schema.exportParts.$inferSelect;

/** The plaintext of a piece (`data`) or of its hash lines (`hashes`). */
export async function openPiece(
  env: KeyEnv & { BLOBS: R2Bucket },
  exp: ExportRow,
  part: ExportPart,
  what: "data" | "hashes",
): Promise<Uint8Array> {
  const obj = await env.BLOBS.get(what === "data" ? part.objectKey : part.hashesKey);
  if (!obj) throw new DecryptionError("A piece of the export is missing.");
  const key = await unwrapDatasetKey(env, await datasetKeyRow(env.DB, exp.tenantId, exp.datasetId, part.keyVersion));
  return open(key, new Uint8Array(await obj.arrayBuffer()), pieceAad(exp, part.firstSeq, what));
}
