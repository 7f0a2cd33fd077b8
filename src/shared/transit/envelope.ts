/**
 * The transit ciphertext envelope `ldv:v<version>:<base64 blob>` and its blob layout:
 * one format byte (bytes or JSON), the 96-bit IV, then AES-GCM ciphertext and tag.
 * HMACs use the same `ldv:v<version>:` prefix over the raw MAC.
 */
import { DecryptionError, IV_BYTES } from "../crypto/aes-gcm";
import { fromBase64, toBase64 } from "./base64";

export const TAG_BYTES = 16;

/** What the plaintext was: raw bytes (answered as base64 `plaintext`) or JSON (answered as `data`). */
export const FORMAT = { bytes: 0x01, json: 0x02 } as const;
export type PayloadFormat = keyof typeof FORMAT;

export const MIN_BLOB_BYTES = 1 + IV_BYTES + TAG_BYTES;

const ENVELOPE = /^ldv:v([1-9]\d{0,8}):/;

export const malformedEnvelope = () =>
  new DecryptionError("The ciphertext is not a valid ldv:v<version>:<base64> envelope.");

/** `ldv:v<version>:<base64>` */
export function formatEnvelope(version: number, bytes: Uint8Array): string {
  return `ldv:v${version}:${toBase64(bytes)}`;
}

/** Splits an envelope into version and bytes, or undefined when it is not one. */
export function parseEnvelope(text: string): { version: number; bytes: Uint8Array } | undefined {
  const m = ENVELOPE.exec(text);
  if (!m) return undefined;
  const bytes = fromBase64(text.slice(m[0].length));
  if (!bytes) return undefined;
  return { version: Number(m[1]), bytes };
}

/** Parses a ciphertext envelope and its blob header; anything malformed is a DecryptionError. */
export function parseCiphertext(text: string): {
  version: number;
  format: PayloadFormat;
  iv: Uint8Array;
  sealed: Uint8Array;
} {
  const env = parseEnvelope(text);
  if (!env || env.bytes.byteLength < MIN_BLOB_BYTES) throw malformedEnvelope();
  const format = env.bytes[0] === FORMAT.bytes ? "bytes" : env.bytes[0] === FORMAT.json ? "json" : undefined;
  if (!format) throw malformedEnvelope();
  return {
    version: env.version,
    format,
    iv: env.bytes.subarray(1, 1 + IV_BYTES),
    sealed: env.bytes.subarray(1 + IV_BYTES),
  };
}
