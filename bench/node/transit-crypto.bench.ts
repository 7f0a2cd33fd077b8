/**
 * The transit crypto core without HTTP, under Node (precise timers): one payload sealed
 * and opened (the JSON path's AES-GCM with its associated data) and the chunked framing
 * of raw bodies, at the seed's internal sizes (encryption 1 KB / 100 KB / 1 MB / 10 MB).
 */
import { test } from "vitest";
import { openPayload, sealPayload } from "../../src/shared/transit/cipher";
import { parseCiphertext } from "../../src/shared/transit/envelope";
import { decryptingStream, encryptingStream, readAll, streamBindings } from "../../src/shared/transit/stream";

const SIZES: [string, number][] = [
  ["1 KB", 1_000],
  ["100 KB", 100_000],
  ["1 MB", 1_000_000],
  ["10 MB", 10_000_000],
];

const key = (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
  "encrypt",
  "decrypt",
])) as CryptoKey;
const ref = { tenantId: "tnt_bench", name: "bench", version: 1 };
const bindings = streamBindings(ref.tenantId, ref.name, ref.version);

function payload(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
/** A body as the runtime delivers it: 4 KiB chunks. */
const body = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 4096) c.enqueue(bytes.subarray(i, i + 4096));
      c.close();
    },
  });

const data = new Map<number, { plain: Uint8Array; envelope: string; framed: Uint8Array }>();
for (const [, n] of SIZES) {
  const plain = payload(n);
  const envelope = await sealPayload(ref, { aes: key }, "bytes", plain);
  const framed = await readAll(body(plain).pipeThrough(encryptingStream(key, 1, bindings)));
  data.set(n, { plain, envelope, framed });
}

test("transit payload (envelope, base64)", async ({ bench }) => {
  for (const [label, n] of SIZES) {
    const { plain, envelope } = data.get(n)!;
    await bench.compare(
      bench(`seal ${label}`, async () => {
        await sealPayload(ref, { aes: key }, "bytes", plain);
      }),
      bench(`open ${label}`, async () => {
        await openPayload(ref, { aes: key }, parseCiphertext(envelope));
      }),
    );
  }
});

test("transit framing (64 KiB segments, 4 KiB input chunks)", async ({ bench }) => {
  for (const [label, n] of SIZES.slice(2)) {
    const { plain, framed } = data.get(n)!;
    await bench.compare(
      bench(`encrypt ${label}`, async () => {
        await readAll(body(plain).pipeThrough(encryptingStream(key, 1, bindings)));
      }),
      bench(`decrypt ${label}`, async () => {
        await readAll(body(framed).pipeThrough(decryptingStream(async () => ({ key, bindings }))));
      }),
    );
  }
});
