/**
 * Raw (application/octet-stream) encrypt and decrypt of bodies up to the raw limit,
 * through the chunked framing of stream.ts. Encryption streams: ciphertext segments
 * leave as the body arrives. Decryption is processed in the same segments but released
 * only after the final segment has authenticated, so a truncated or tampered body
 * yields a 400 and never a prefix of unauthenticated plaintext; at the 10 MiB limit
 * that buffering is affordable (a larger limit would stream and lose the clean 400).
 */
import { DecryptionError } from "../crypto/aes-gcm";
import { badRequest, DomainError } from "../errors";
import type { KeyPolicy } from "./key-policy";
import { decodeField } from "./operations";
import {
  decryptingStream,
  encryptingStream,
  inChunksOf,
  readAll,
  SEGMENT_BYTES,
  SEGMENT_OVERHEAD,
  streamBindings,
} from "./stream";

export interface RawOptions {
  context?: string;
  associated_data?: string;
  key_version?: number;
}

function prepare(key: KeyPolicy, q: RawOptions) {
  key.assertEncryptionKey();
  if (key.meta.convergent) {
    throw badRequest(
      `Transit key '${key.name}' is convergent: its IV depends on the whole plaintext, so it cannot frame a stream. Use the JSON form.`,
    );
  }
  const context = decodeField(q.context, "$query.context");
  key.checkContext(context, "$query.context");
  return { context, associatedData: decodeField(q.associated_data, "$query.associated_data") };
}

const emptyBody = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

/** The framed ciphertext of `body` as a stream, and the key version it uses. */
export async function encryptRaw(key: KeyPolicy, body: ReadableStream<Uint8Array> | null, q: RawOptions) {
  const { context, associatedData } = prepare(key, q);
  const version = await key.encryptionVersion(q.key_version, "$query.key_version");
  const { aes } = await key.keys(version, context);
  const stream = inChunksOf(body ?? emptyBody(), SEGMENT_BYTES).pipeThrough(
    encryptingStream(aes, version, streamBindings(key.tenantId, key.name, version, associatedData)),
  );
  return { stream, version };
}

/** The plaintext of a framed ciphertext, once every segment has authenticated. */
export async function decryptRaw(
  key: KeyPolicy,
  body: ReadableStream<Uint8Array> | null,
  q: RawOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const { context, associatedData } = prepare(key, q);
  if (q.key_version !== undefined)
    throw badRequest("key_version applies to encryption; the ciphertext names its own version.");
  const resolve = async (version: number) => {
    await key.decryptionVersion(version);
    const { aes } = await key.keys(version, context);
    return { key: aes, bindings: streamBindings(key.tenantId, key.name, version, associatedData) };
  };
  try {
    return await readAll(
      inChunksOf(body ?? emptyBody(), SEGMENT_BYTES + SEGMENT_OVERHEAD).pipeThrough(decryptingStream(resolve)),
    );
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DecryptionError();
  }
}
