/**
 * Import files at rest in R2: an R2 multipart object whose plaintext is sealed in fixed
 * segments of SEGMENT_BYTES, each AES-256-GCM under the dataset's key with associated data
 * binding it to tenant, dataset, import and segment index (so segments cannot be moved,
 * reordered or spliced in from another file). Every part but the last holds a whole number
 * of segments, so the ciphertext offset of plaintext byte `p` is computable and a byte
 * range of the file is read without reading what comes before it:
 *
 *   segment i at ciphertext offset i * (SEGMENT_BYTES + 28) = IV (12) | ciphertext | tag (16)
 *
 * The plaintext size is kept in D1 (imports.bytes), so a truncated object is detected.
 */
import { aad, DecryptionError, IV_BYTES, open, seal } from "../crypto/aes-gcm";

export const SEGMENT_BYTES = 64 * 1024;
const TAG_BYTES = 16;
export const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + IV_BYTES + TAG_BYTES;

/** What a sealed import object is bound to. */
export interface SealedObjectBinding {
  tenantId: string;
  datasetId: string;
  importId: string;
}

const segmentAad = (b: SealedObjectBinding, index: number) =>
  aad("import-segment", b.tenantId, b.datasetId, b.importId, index);

/** Ciphertext bytes of `plainBytes` of plaintext. */
export const sealedLength = (plainBytes: number) =>
  plainBytes + Math.ceil(plainBytes / SEGMENT_BYTES) * (IV_BYTES + TAG_BYTES);

/** Seals the plaintext of a part whose first segment has index `firstSegment`. */
export async function sealPart(
  key: CryptoKey,
  b: SealedObjectBinding,
  firstSegment: number,
  plain: Uint8Array,
): Promise<Uint8Array> {
  const out = new Uint8Array(sealedLength(plain.byteLength));
  for (let i = 0, at = 0; i * SEGMENT_BYTES < plain.byteLength; i++) {
    const sealed = await seal(
      key,
      plain.subarray(i * SEGMENT_BYTES, (i + 1) * SEGMENT_BYTES),
      segmentAad(b, firstSegment + i),
    );
    out.set(sealed, at);
    at += sealed.byteLength;
  }
  return out;
}

/**
 * A TransformStream sealing a part's plaintext as it streams (a part of 100 MiB is never
 * held whole). Reports the plaintext bytes it saw through `seen`.
 */
export function sealingStream(
  key: CryptoKey,
  b: SealedObjectBinding,
  firstSegment: number,
  seen: { bytes: number },
): TransformStream<Uint8Array, Uint8Array> {
  let buffer = new Uint8Array(SEGMENT_BYTES);
  let fill = 0;
  let index = firstSegment;
  const flushSegment = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    controller.enqueue(await seal(key, buffer.subarray(0, fill), segmentAad(b, index++)));
    buffer = new Uint8Array(SEGMENT_BYTES);
    fill = 0;
  };
  return new TransformStream({
    async transform(chunk, controller) {
      seen.bytes += chunk.byteLength;
      let at = 0;
      while (at < chunk.byteLength) {
        const n = Math.min(SEGMENT_BYTES - fill, chunk.byteLength - at);
        buffer.set(chunk.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === SEGMENT_BYTES) await flushSegment(controller);
      }
    },
    async flush(controller) {
      if (fill > 0) await flushSegment(controller);
    },
  });
}

/**
 * Plaintext bytes [start, end) of a sealed object whose plaintext is `total` bytes long
 * (end is clamped to it). Reads only the segments the range touches.
 */
export async function readPlain(
  bucket: R2Bucket,
  objectKey: string,
  key: CryptoKey,
  b: SealedObjectBinding,
  start: number,
  end: number,
  total: number,
): Promise<Uint8Array> {
  end = Math.min(end, total);
  if (start >= end) return new Uint8Array(0);
  const first = Math.floor(start / SEGMENT_BYTES);
  const last = Math.floor((end - 1) / SEGMENT_BYTES);
  const offset = first * SEALED_SEGMENT_BYTES;
  const lastPlain = Math.min(SEGMENT_BYTES, total - last * SEGMENT_BYTES);
  const length = (last - first) * SEALED_SEGMENT_BYTES + lastPlain + IV_BYTES + TAG_BYTES;
  const obj = await bucket.get(objectKey, { range: { offset, length } });
  if (!obj) throw new DecryptionError("The import file is missing.");
  const sealed = new Uint8Array(await obj.arrayBuffer());
  if (sealed.byteLength !== length) throw new DecryptionError("The import file is truncated.");
  const out = new Uint8Array((last - first) * SEGMENT_BYTES + lastPlain);
  for (let i = first, at = 0; i <= last; i++) {
    const from = (i - first) * SEALED_SEGMENT_BYTES;
    const plain = await open(
      key,
      sealed.subarray(from, Math.min(from + SEALED_SEGMENT_BYTES, sealed.byteLength)),
      segmentAad(b, i),
    );
    out.set(plain, at);
    at += plain.byteLength;
  }
  const base = first * SEGMENT_BYTES;
  return out.subarray(start - base, end - base);
}
