import { describe, expect, it } from "vitest";
import { newTenant } from "../helpers/api";
import { createTransitKey, decrypt, encrypt, utf8b64 } from "./helpers";

describe("smoke", () => {
  it("round trip", async () => {
    const { token } = await newTenant();
    const key = await createTransitKey(token);
    const ct = await encrypt(token, { key: key.name, plaintext: utf8b64("hello") });
    expect(ct.ciphertext).toMatch(/^ldv:v1:/);
    expect(await decrypt(token, { key: key.name, ciphertext: ct.ciphertext })).toEqual({ plaintext: utf8b64("hello") });
  });
});
