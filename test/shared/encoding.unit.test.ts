import { describe, expect, it } from "vitest";
import { crockfordBase32, hex, ID_PATTERN, newId } from "../../src/shared/ids";

// Expected values come from Python's base64.b32encode (RFC 4648) mapped onto Crockford's alphabet,
// and from the published SHA-256 test vector, not from this code.
const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

describe("crockfordBase32", () => {
  it("encodes every whole 5-bit group by default", () => {
    expect(crockfordBase32(fromHex("00010203040506070809"))).toBe("000G40R40M30E209");
    expect(crockfordBase32(new TextEncoder().encode("hello world!"))).toBe("D1JPRV3F41VPYWKCCGG");
    expect(crockfordBase32(new Uint8Array(10).fill(0xff))).toBe("ZZZZZZZZZZZZZZZZ");
  });

  it("stops at the requested length (the token form)", () => {
    const digest = fromHex("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
    expect(crockfordBase32(digest, 20)).toBe("5NRHCGNQ4TR480B2FJMZ");
  });

  it("ids stay 26 Crockford characters after the prefix", () => {
    expect(newId("ds")).toMatch(ID_PATTERN);
  });
});

describe("hex", () => {
  it("is lower-case hex of a digest, from an ArrayBuffer or a Uint8Array", async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"));
    const expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(hex(digest)).toBe(expected);
    expect(hex(new Uint8Array(digest))).toBe(expected);
  });
});
