import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { auditEvents, createTransitKey, patchKey, rotate, utf8b64 } from "./helpers";
import { framedLength, HEADER_BYTES, SEGMENT_BYTES, SEGMENT_OVERHEAD } from "../../src/shared/transit/stream";

const MiB = 1024 * 1024;
const OCTET = { "Content-Type": "application/octet-stream" };

/** Deterministic, non-repeating-looking bytes without paying for 10 MiB of getRandomValues calls. */
function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function rawEncrypt(token: string, name: string, body: Uint8Array, query = "") {
  const res = await call(`/api/v1/encrypt/${name}${query}`, { token, raw: body, headers: OCTET });
  if (res.status !== 200) throw new Error(`encrypt ${res.status}: ${await res.text()}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), version: res.headers.get("x-key-version") };
}

async function rawDecrypt(token: string, name: string, body: Uint8Array, query = "") {
  return call(`/api/v1/decrypt/${name}${query}`, { token, raw: body, headers: OCTET });
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe("raw octet-stream encrypt and decrypt", () => {
  it("round-trips 10 MiB and refuses 10 MiB + 1 byte with 413 naming the limit", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const plaintext = pattern(10 * MiB);
    const { bytes, version } = await rawEncrypt(token, name, plaintext);
    expect(version).toBe("1");
    expect(bytes.length).toBe(framedLength(10 * MiB));
    const res = await rawDecrypt(token, name, bytes);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(equalBytes(new Uint8Array(await res.arrayBuffer()), plaintext)).toBe(true);

    const over = await expectProblem(
      await call(`/api/v1/encrypt/${name}`, { token, raw: new Uint8Array(10 * MiB + 1), headers: OCTET }),
      413,
    );
    expect(over.detail).toContain(String(10 * MiB));
    expect((over as Record<string, unknown>).limit_bytes).toBe(10 * MiB);
    const overDecrypt = await expectProblem(
      await rawDecrypt(token, name, new Uint8Array(framedLength(10 * MiB) + 1)),
      413,
    );
    expect(overDecrypt.detail).toContain(String(framedLength(10 * MiB)));
  });

  it("round-trips sizes around segment boundaries, including empty", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    for (const size of [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES, 200_000]) {
      const plaintext = pattern(size, size + 7);
      const { bytes } = await rawEncrypt(token, name, plaintext);
      expect(bytes.length, `size ${size}`).toBe(framedLength(size));
      const res = await rawDecrypt(token, name, bytes);
      expect(res.status, `size ${size}`).toBe(200);
      expect(equalBytes(new Uint8Array(await res.arrayBuffer()), plaintext), `size ${size}`).toBe(true);
    }
  });

  it("accepts a streamed request body of unknown length", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const plaintext = pattern(300_000);
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < plaintext.length; i += 7_001) c.enqueue(plaintext.slice(i, i + 7_001));
          c.close();
        },
      });
    const res = await call(`/api/v1/encrypt/${name}`, { token, raw: chunked(), headers: OCTET });
    expect(res.status).toBe(200);
    const framed = new Uint8Array(await res.arrayBuffer());
    const back = await rawDecrypt(token, name, framed);
    expect(equalBytes(new Uint8Array(await back.arrayBuffer()), plaintext)).toBe(true);
  });

  it("detects tampering, truncation, reordering, extension and a wrong key with 400", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    const other = await createTransitKey(token);
    const plaintext = pattern(3 * SEGMENT_BYTES + 100);
    const { bytes } = await rawEncrypt(token, name, plaintext);
    const seg = SEGMENT_BYTES + SEGMENT_OVERHEAD;
    const flip = (i: number) => {
      const b = bytes.slice();
      b[i] ^= 1;
      return b;
    };
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(HEADER_BYTES + seg, HEADER_BYTES + 2 * seg), HEADER_BYTES);
    swapped.set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + seg), HEADER_BYTES + seg);
    const lastFullDropped = new Uint8Array([...bytes.subarray(0, HEADER_BYTES + 3 * seg)]);
    const variants: [string, Uint8Array][] = [
      ["header magic", flip(0)],
      ["header nonce", flip(20)],
      ["first segment body", flip(HEADER_BYTES + 40)],
      ["last tag", flip(bytes.length - 1)],
      ["truncated mid-segment", bytes.subarray(0, bytes.length - 50)],
      ["final segment dropped", lastFullDropped],
      ["segments swapped", swapped],
      ["extended", new Uint8Array([...bytes, ...bytes.subarray(HEADER_BYTES, HEADER_BYTES + seg)])],
      ["header only", bytes.subarray(0, HEADER_BYTES)],
      ["short header", bytes.subarray(0, 10)],
      ["empty", new Uint8Array(0)],
    ];
    for (const [label, body] of variants) {
      const p = await expectProblem(await rawDecrypt(token, name, body), 400);
      expect(p.type, label).toBe("https://llm-data-vault.dev/problems/decryption-failed");
    }
    await expectProblem(await rawDecrypt(token, other.name, bytes), 400);
    const failures = (await auditEvents(tenant.id)).filter(
      (e) => e.action === "transit.decrypt" && e.outcome === "error",
    );
    expect(failures.length).toBe(variants.length + 1);
  });

  it("binds context and associated data, honours versions and policy", async () => {
    const { token } = await newTenant();
    const derived = await createTransitKey(token, { derived: true });
    const ctx = encodeURIComponent(utf8b64("ctx-1"));
    const ad = encodeURIComponent(utf8b64("ad"));
    const plaintext = pattern(1000);
    const { bytes } = await rawEncrypt(token, derived.name, plaintext, `?context=${ctx}&associated_data=${ad}`);
    const ok = await rawDecrypt(token, derived.name, bytes, `?context=${ctx}&associated_data=${ad}`);
    expect(equalBytes(new Uint8Array(await ok.arrayBuffer()), plaintext)).toBe(true);
    await expectProblem(
      await rawDecrypt(
        token,
        derived.name,
        bytes,
        `?context=${encodeURIComponent(utf8b64("ctx-2"))}&associated_data=${ad}`,
      ),
      400,
    );
    await expectProblem(await rawDecrypt(token, derived.name, bytes, `?context=${ctx}`), 400);
    const noCtx = await expectProblem(await rawDecrypt(token, derived.name, bytes), 400);
    expect(noCtx.errors?.[0].path).toBe("$query.context");

    const { name } = await createTransitKey(token);
    const v1 = await rawEncrypt(token, name, plaintext);
    await rotate(token, name);
    const v2 = await rawEncrypt(token, name, plaintext);
    expect(v2.version).toBe("2");
    expect((await rawEncrypt(token, name, plaintext, "?key_version=1")).version).toBe("1");
    expect((await rawDecrypt(token, name, v1.bytes)).status).toBe(200);
    await patchKey(token, name, { min_decryption_version: 2 });
    const refused = await expectProblem(await rawDecrypt(token, name, v1.bytes), 400);
    expect(refused.detail).toMatch(/min_decryption_version/);
    expect((await rawDecrypt(token, name, v2.bytes)).status).toBe(200);
  });

  it("refuses other media types, convergent keys, hmac keys and bad query values", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    await expectProblem(
      await call(`/api/v1/encrypt/${name}`, { token, raw: "hello", headers: { "Content-Type": "text/plain" } }),
      415,
    );
    await expectProblem(await call(`/api/v1/encrypt/${name}`, { token, body: { plaintext: "" } }), 415);
    await expectProblem(
      await call(`/api/v1/decrypt/${name}`, { token, raw: "{}", headers: { "Content-Type": "application/json" } }),
      415,
    );
    const conv = await createTransitKey(token, { derived: true, convergent: true });
    const p = await expectProblem(
      await call(`/api/v1/encrypt/${conv.name}?context=${utf8b64("c")}`, {
        token,
        raw: new Uint8Array(4),
        headers: OCTET,
      }),
      400,
    );
    expect(p.detail).toMatch(/convergent/);
    const h = await createTransitKey(token, { type: "hmac-sha256" });
    await expectProblem(
      await call(`/api/v1/encrypt/${h.name}`, { token, raw: new Uint8Array(4), headers: OCTET }),
      400,
    );
    await expectProblem(
      await call(`/api/v1/encrypt/${name}?key_version=abc`, { token, raw: new Uint8Array(4), headers: OCTET }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/encrypt/${name}?bogus=1`, { token, raw: new Uint8Array(4), headers: OCTET }),
      422,
    );
    await expectProblem(
      await call(`/api/v1/encrypt/${name}?associated_data=***`, { token, raw: new Uint8Array(4), headers: OCTET }),
      422,
    );
    await expectProblem(await call(`/api/v1/encrypt/nope`, { token, raw: new Uint8Array(4), headers: OCTET }), 404);
    await expectProblem(await call(`/api/v1/decrypt/nope`, { token, raw: new Uint8Array(4), headers: OCTET }), 404);
  });
});
