import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { b64, createTransitKey, patchKey, rotate, utf8b64 } from "./helpers";

describe("hash", () => {
  it("computes SHA-256, SHA-512 and BLAKE3 of known vectors", async () => {
    const { token } = await newTenant();
    const vectors: ["sha256" | "sha512" | "blake3", string][] = [
      ["sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
      [
        "sha512",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      ],
      ["blake3", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"],
    ];
    const hash = client(token).api.v1.hash;
    for (const [algorithm, expected] of vectors) {
      const body = await expectJson(await hash.$post({ json: { input: "abc", format: "utf8", algorithm } }), 200);
      expect(body).toEqual({ sum: expected, algorithm });
      const again = await expectJson(
        await hash.$post({ json: { input: utf8b64("abc"), algorithm, output_format: "base64" } }),
        200,
      );
      expect(again.sum).toBe(b64(Uint8Array.from(expected.match(/../g)!.map((h) => parseInt(h, 16)))));
    }
    // Defaults: base64 input, sha256, hex.
    const body = await expectJson(await hash.$post({ json: { input: "" } }), 200);
    expect(body.sum).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("validates hash bodies", async () => {
    const { token } = await newTenant();
    for (const [body, path] of [
      [{ input: "abc", algorithm: "md5" }, "$.algorithm"],
      [{ input: 1 }, "$.input"],
      [{ input: "%%%" }, "$.input"],
      [{ input: "", format: "hex" }, "$.format"],
      [{}, "$.input"],
    ] as const) {
      const p = await expectProblem(await call("/api/v1/hash", { token, body }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(path);
    }
  });
});

describe("hmac", () => {
  it("signs and verifies, across versions, in constant time", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token, { type: "hmac-sha256" });
    const hmac = client(token).api.v1.hmac[":name"];
    const signed = await expectJson(
      await hmac.$post({ param: { name }, json: { input: "message", format: "utf8" } }),
      200,
    );
    expect(signed.hmac).toMatch(/^ldv:v1:[A-Za-z0-9+/]{43}=$/);
    expect(signed.key_version).toBe(1);
    const again = await expectJson(await hmac.$post({ param: { name }, json: { input: utf8b64("message") } }), 200);
    expect(again.hmac).toBe(signed.hmac);
    const verify = async (input: string, sig: string) =>
      expectJson(await hmac.verify.$post({ param: { name }, json: { input, format: "utf8", hmac: sig } }), 200);
    expect(await verify("message", signed.hmac)).toEqual({ valid: true });
    expect(await verify("messagE", signed.hmac)).toEqual({ valid: false });
    const bytes = Uint8Array.from(atob(signed.hmac.slice(7)), (c) => c.charCodeAt(0));
    bytes[0] ^= 1;
    expect(await verify("message", `ldv:v1:${b64(bytes)}`)).toEqual({ valid: false });
    expect(await verify("message", `ldv:v1:${b64(bytes.subarray(0, 16))}`)).toEqual({ valid: false });
    expect(await verify("message", `ldv:v9:${b64(bytes)}`)).toEqual({ valid: false });

    await rotate(token, name);
    const v2 = await expectJson(await hmac.$post({ param: { name }, json: { input: "message", format: "utf8" } }), 200);
    expect(v2.hmac).toMatch(/^ldv:v2:/);
    expect(v2.hmac.slice(7)).not.toBe(signed.hmac.slice(7));
    expect(await verify("message", signed.hmac)).toEqual({ valid: true });
    await patchKey(token, name, { min_decryption_version: 2 });
    const refused = await expectProblem(
      await call(`/api/v1/hmac/${name}/verify`, {
        token,
        body: { input: "message", format: "utf8", hmac: signed.hmac },
      }),
      400,
    );
    expect(refused.detail).toMatch(/min_decryption_version/);
    expect(await verify("message", v2.hmac)).toEqual({ valid: true });
  });

  it("validates hmac bodies and envelopes", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token, { type: "hmac-sha256" });
    for (const [path, body, field] of [
      [`/api/v1/hmac/${name}`, { input: 5 }, "$.input"],
      [`/api/v1/hmac/${name}`, { input: "***" }, "$.input"],
      [`/api/v1/hmac/${name}`, {}, "$.input"],
      [`/api/v1/hmac/${name}/verify`, { input: "" }, "$.hmac"],
      [`/api/v1/hmac/${name}/verify`, { input: "", hmac: 3 }, "$.hmac"],
    ] as const) {
      const p = await expectProblem(await call(path, { token, body }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(field);
    }
    for (const hmac of ["", "ldv:v1", "vault:v1:AAAA", "ldv:v1:***"]) {
      const p = await expectProblem(
        await call(`/api/v1/hmac/${name}/verify`, { token, body: { input: "", hmac } }),
        400,
      );
      expect(p.errors?.[0].path).toBe("$.hmac");
    }
    await expectProblem(await call(`/api/v1/hmac/${name}`, { token, body: { input: "", key_version: 2 } }), 400);
    await expectProblem(await call(`/api/v1/hmac/missing`, { token, body: { input: "" } }), 404);
  });
});
