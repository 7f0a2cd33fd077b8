/** Identifiers: time-sortable record/dataset ids and random tokens. */
import { bytesToHex } from "@noble/hashes/utils.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

/**
 * A ULID (26 Crockford base32 characters): 48-bit millisecond time then 80 random bits.
 * Ids made in the same millisecond by one isolate increase monotonically, so sorting by
 * id sorts by creation.
 * @example newId("ds") // "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T"
 */
export function newId(prefix?: string): string {
  const now = Date.now();
  let random: Uint8Array;
  if (now <= lastTime) {
    random = incrementBytes(lastRandom);
  } else {
    random = crypto.getRandomValues(new Uint8Array(10));
    lastTime = now;
  }
  lastRandom = random;
  const id = encodeTime(lastTime) + crockfordBase32(random);
  return prefix ? `${prefix}_${id}` : id;
}

function incrementBytes(bytes: Uint8Array): Uint8Array {
  const next = bytes.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] === 0xff) {
      next[i] = 0;
    } else {
      next[i]++;
      return next;
    }
  }
  return next;
}

function encodeTime(time: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

/**
 * Crockford base32 (https://www.crockford.com/base32.html, no check symbol) of `bytes`, most
 * significant bit first, 5 bits a character: `chars` characters, by default all the whole
 * 5-bit groups (80 bits → 16). Bits left over are dropped.
 */
export function crockfordBase32(bytes: Uint8Array, chars = Math.floor((bytes.length * 8) / 5)): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** Id formats accepted in paths: prefix, underscore, 26 Crockford characters. */
export const ID_PATTERN = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Random bytes as base64url, for secrets and tokens. */
export function randomToken(bytes = 32): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function base64UrlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function base64UrlDecode(text: string): Uint8Array {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/");
  return base64Decode(padded + "===".slice((padded.length + 3) % 4));
}

// The runtime's one-pass Uint8Array.prototype.toBase64 / Uint8Array.fromBase64 where it has
// them (newer V8, so workerd), a binary-string fallback otherwise (Node 20).
const nativeBase64 = Uint8Array as unknown as {
  fromBase64?: (text: string, options?: { lastChunkHandling?: "loose" }) => Uint8Array;
};
const hasToBase64 = typeof (Uint8Array.prototype as unknown as { toBase64?: unknown }).toBase64 === "function";

/** Standard base64; the fallback is chunked so that multi-megabyte buffers do not overflow the call stack. */
export function base64Encode(bytes: Uint8Array): string {
  if (hasToBase64) return (bytes as unknown as { toBase64(): string }).toBase64();
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

/** Throws on characters outside the base64 alphabet. */
export function base64Decode(text: string): Uint8Array {
  if (nativeBase64.fromBase64) return nativeBase64.fromBase64(text, { lastChunkHandling: "loose" });
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Lower-case hex of the bytes (e.g. a digest straight from crypto.subtle). */
export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return bytesToHex(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}
