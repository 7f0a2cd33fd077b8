import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecryptionError } from "../../src/shared/crypto/aes-gcm";
import {
  decryptingStream,
  encryptingStream,
  framedLength,
  HEADER_BYTES,
  readAll,
  SEGMENT_OVERHEAD,
  streamBindings,
} from "../../src/shared/transit/stream";

const SEGMENT = 1024;

async function aesKey(): Promise<CryptoKey> {
  return (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ])) as CryptoKey;
}

function chunksOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return new ReadableStream({
    start(c) {
      let prev = 0;
      for (const p of [...points, bytes.length]) {
        if (p > prev) c.enqueue(bytes.slice(prev, p));
        prev = Math.max(prev, p);
      }
      c.close();
    },
  });
}

const bindings = streamBindings("tnt_1", "key", 3);

async function seal(key: CryptoKey, plaintext: Uint8Array, cuts: number[] = []) {
  return readAll(chunksOf(plaintext, cuts).pipeThrough(encryptingStream(key, 3, bindings, SEGMENT)));
}

async function openFramed(key: CryptoKey, framed: Uint8Array, cuts: number[] = [], b = bindings) {
  const seen: number[] = [];
  const out = await readAll(
    chunksOf(framed, cuts).pipeThrough(
      decryptingStream(async (version) => {
        seen.push(version);
        return { key, bindings: b };
      }),
    ),
  );
  return { out, seen };
}

describe("stream framing", () => {
  it("round-trips any size under any chunking, with the framed length it announces", async () => {
    const key = await aesKey();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5 * SEGMENT + 17 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (plaintext, encCuts, decCuts) => {
          const framed = await seal(key, plaintext, encCuts);
          expect(framed.length).toBe(framedLength(plaintext.length, SEGMENT));
          const { out, seen } = await openFramed(key, framed, decCuts);
          expect(seen).toEqual([3]);
          expect(out).toEqual(plaintext);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fails with DecryptionError on any single-bit flip, truncation or foreign bindings", async () => {
    const key = await aesKey();
    const plaintext = crypto.getRandomValues(new Uint8Array(2 * SEGMENT + 5));
    const framed = await seal(key, plaintext);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: framed.length * 8 - 1 }), async (bit) => {
        const bad = framed.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        await expect(openFramed(key, bad)).rejects.toBeInstanceOf(DecryptionError);
      }),
      { numRuns: 80 },
    );
    for (let cut = 0; cut < framed.length; cut += 97) {
      await expect(openFramed(key, framed.subarray(0, cut))).rejects.toBeInstanceOf(DecryptionError);
    }
    // Dropping the final segment exactly at a boundary is caught by the final flag.
    await expect(
      openFramed(key, framed.subarray(0, HEADER_BYTES + 2 * (SEGMENT + SEGMENT_OVERHEAD))),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(openFramed(key, framed, [], streamBindings("tnt_2", "key", 3))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    await expect(
      openFramed(key, framed, [], streamBindings("tnt_1", "key", 3, new Uint8Array([1]))),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(openFramed(await aesKey(), framed)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("two encryptions of the same plaintext differ (random nonce and IVs)", async () => {
    const key = await aesKey();
    const plaintext = new Uint8Array(3000);
    const a = await seal(key, plaintext);
    const b = await seal(key, plaintext);
    expect(a.subarray(13, HEADER_BYTES)).not.toEqual(b.subarray(13, HEADER_BYTES));
    // A segment spliced in from another stream of the same key fails.
    const spliced = a.slice();
    spliced.set(b.subarray(HEADER_BYTES, HEADER_BYTES + SEGMENT + SEGMENT_OVERHEAD), HEADER_BYTES);
    await expect(openFramed(key, spliced)).rejects.toBeInstanceOf(DecryptionError);
  });
});
