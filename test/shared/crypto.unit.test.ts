import { describe, expect, it } from "vitest";
import { aad, DecryptionError, open, seal } from "../../src/shared/crypto/aes-gcm";
import { masterKeys, MasterKeyConfigError } from "../../src/shared/crypto/master-keys";
import { createWrappedKey, rewrapKey, unwrapKey } from "../../src/shared/crypto/wrapping";
import { base64Encode } from "../../src/shared/ids";

const b64 = (fill: number) => base64Encode(new Uint8Array(32).fill(fill));
const text = new TextEncoder();
const aesKey = () =>
  crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]) as Promise<CryptoKey>;

describe("master key set", () => {
  it("parses versions and picks the highest as current", async () => {
    const set = await masterKeys(`1:${b64(1)}, 3:${b64(3)},2:${b64(2)}`);
    expect(set.current).toBe(3);
    expect([...set.keys.keys()].sort()).toEqual([1, 2, 3]);
  });

  it("refuses malformed sets without echoing key material", async () => {
    for (const bad of ["", "abc", `1:${b64(1)},1:${b64(2)}`, "1:AAAA", `x:${b64(1)}`]) {
      const err = await masterKeys(bad).catch((e) => e);
      expect(err).toBeInstanceOf(MasterKeyConfigError);
      expect(String(err.message)).not.toContain(b64(1));
    }
  });
});

describe("AES-GCM with associated data", () => {
  it("associated data is the length-prefixed parts joined by |, byte for byte (stored ciphertexts depend on it)", () => {
    const str = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    expect(str(aad("record", "t1", "d1", "r1", 1))).toBe("6:record|2:t1|2:d1|2:r1|1:1");
    expect(str(aad("x"))).toBe("1:x");
    expect(str(aad("", "a", 12))).toBe("0:|1:a|2:12");
    // Lengths are in UTF-16 code units; the bytes are UTF-8.
    expect([...aad("é|")]).toEqual([...text.encode("2:é|")]);
    expect(str(aad("ab", "c"))).not.toBe(str(aad("a", "bc")));
  });

  it("round-trips, and any change to ciphertext or associated data fails", async () => {
    const key = await aesKey();
    const sealed = await seal(key, text.encode("hello"), aad("record", "t1", "d1", "r1", 1));
    expect(new TextDecoder().decode(await open(key, sealed, aad("record", "t1", "d1", "r1", 1)))).toBe("hello");

    await expect(open(key, sealed, aad("record", "t1", "d1", "r2", 1))).rejects.toBeInstanceOf(DecryptionError);
    const flipped = sealed.slice();
    flipped[20] ^= 1;
    await expect(open(key, flipped, aad("record", "t1", "d1", "r1", 1))).rejects.toBeInstanceOf(DecryptionError);
    await expect(open(key, sealed.subarray(0, 10), aad("x"))).rejects.toBeInstanceOf(DecryptionError);
  });

  it("length-prefixes associated data parts so they cannot be shifted", () => {
    expect(aad("ab", "c")).not.toEqual(aad("a", "bc"));
  });

  it("uses a fresh IV each time", async () => {
    const key = await aesKey();
    const a = await seal(key, text.encode("same"), aad("x"));
    const b = await seal(key, text.encode("same"), aad("x"));
    expect(a.subarray(0, 12)).not.toEqual(b.subarray(0, 12));
  });
});

describe("key wrapping", () => {
  it("wraps a fresh non-extractable key that unwraps only with the same wrapping key and AAD", async () => {
    const set = await masterKeys(`1:${b64(1)},2:${b64(2)}`);
    const master = set.keys.get(2)!;
    const { wrapped, key } = await createWrappedKey(master, aad("kek", "t1", 1));
    expect(key.extractable).toBe(false);
    const sealed = await seal(key, text.encode("payload"), aad("p"));

    const again = await unwrapKey(master, wrapped, aad("kek", "t1", 1));
    expect(again.extractable).toBe(false);
    expect(new TextDecoder().decode(await open(again, sealed, aad("p")))).toBe("payload");

    await expect(unwrapKey(master, wrapped, aad("kek", "t2", 1))).rejects.toBeInstanceOf(DecryptionError);
    await expect(unwrapKey(set.keys.get(1)!, wrapped, aad("kek", "t1", 1))).rejects.toBeInstanceOf(DecryptionError);
  });

  it("re-wraps under another master version without changing the key", async () => {
    const set = await masterKeys(`1:${b64(1)},2:${b64(2)}`);
    const { wrapped, key } = await createWrappedKey(set.keys.get(1)!, aad("kek", "t1", 1));
    const sealed = await seal(key, text.encode("kept"), aad("p"));
    const moved = await rewrapKey(
      { key: set.keys.get(1)!, aad: aad("kek", "t1", 1) },
      { key: set.keys.get(2)!, aad: aad("kek", "t1", 1) },
      wrapped,
    );
    const unwrapped = await unwrapKey(set.keys.get(2)!, moved, aad("kek", "t1", 1));
    expect(new TextDecoder().decode(await open(unwrapped, sealed, aad("p")))).toBe("kept");
  });
});
