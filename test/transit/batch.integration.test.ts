import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import {
  auditEvents,
  batch,
  createTransitKey,
  encrypt,
  encryptBatch,
  failed,
  ok,
  patchKey,
  rotate,
  utf8b64,
} from "./helpers";

type DecryptItems = { ciphertext: string; context?: string; reference?: string }[];

/** POST /decrypt of `items` as one batch under `key`: its `batch_results`. Fails unless 200. */
async function decryptBatch(token: string, key: string, items: DecryptItems) {
  return batch(await expectJson(await client(token).api.v1.decrypt.$post({ json: { key, batch_input: items } }), 200));
}

describe("batch operations", () => {
  it("encrypts, decrypts and rewraps batches in order, echoing references", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const items = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? { plaintext: utf8b64(`item-${i}`), reference: `r${i}` } : { data: { i } },
    );
    const encrypted = await encryptBatch(token, name, items);
    expect(encrypted).toHaveLength(50);
    expect(encrypted[1]).toMatchObject({ key_version: 1, reference: "r1" });
    expect(encrypted[0]).not.toHaveProperty("reference");
    const dec = await decryptBatch(
      token,
      name,
      encrypted.map((r, i) => ({ ciphertext: ok(r).ciphertext, reference: `d${i}` })),
    );
    expect(dec[0]).toEqual({ data: { i: 0 }, reference: "d0" });
    expect(dec[1]).toEqual({ plaintext: utf8b64("item-1"), reference: "d1" });
    await rotate(token, name);
    const batch_input = encrypted.map((r) => ({ ciphertext: ok(r).ciphertext }));
    const rw = batch(
      await expectJson(await client(token).api.v1.rewrap.$post({ json: { key: name, batch_input } }), 200),
    );
    expect(rw.every((r) => "key_version" in r && r.key_version === 2 && r.ciphertext.startsWith("ldv:v2:"))).toBe(true);
  });

  it("an item with neither or both of plaintext and data gets its own error; the rest are encrypted", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const [none, both, nul, plain] = await encryptBatch(token, name, [
      { reference: "none" },
      { plaintext: utf8b64("x"), data: 1, reference: "both" },
      { data: null },
      { plaintext: utf8b64("y") },
    ]);
    expect(none).toMatchObject({
      reference: "none",
      error: { status: 422, errors: [{ path: "$.batch_input[0].plaintext" }] },
    });
    expect(both).toMatchObject({
      reference: "both",
      error: { status: 422, errors: [{ path: "$.batch_input[1].data" }] },
    });
    expect(ok(nul).ciphertext).toMatch(/^ldv:v1:/);
    expect(ok(plain).ciphertext).toMatch(/^ldv:v1:/);
    const dec = await expectJson(
      await client(token).api.v1.decrypt.$post({ json: { key: name, ciphertext: ok(nul).ciphertext } }),
      200,
    );
    expect(dec).toEqual({ data: null });
    // A single request with neither is still refused whole.
    const single = await expectProblem(await call("/api/v1/encrypt", { token, body: { key: name } }), 422);
    expect(single.errors?.[0].path).toBe("$.plaintext");
  });

  it("reports per-item errors while the other items succeed", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token, { derived: true });
    const ctx = utf8b64("ctx");
    const good = await encrypt(token, { key: name, plaintext: utf8b64("ok"), context: ctx });
    const [first, badB64, noCtx, noVersion] = await encryptBatch(token, name, [
      { plaintext: utf8b64("a"), context: ctx },
      { plaintext: "***", context: ctx, reference: "bad-b64" },
      { plaintext: utf8b64("c") },
      { plaintext: utf8b64("d"), context: ctx, key_version: 7 },
    ]);
    expect(ok(first).ciphertext).toMatch(/^ldv:v1:/);
    expect(badB64).toMatchObject({
      reference: "bad-b64",
      error: { status: 422, errors: [{ path: "$.batch_input[1].plaintext" }] },
    });
    expect(failed(noCtx)).toMatchObject({ status: 400, errors: [{ path: "$.batch_input[2].context" }] });
    expect(failed(noVersion)).toMatchObject({ status: 400, errors: [{ path: "$.batch_input[3].key_version" }] });
    expect(failed(badB64).type).toBe("https://llm-data-vault.dev/problems/validation-failed");

    const dec = await decryptBatch(token, name, [
      { ciphertext: good.ciphertext, context: ctx },
      { ciphertext: good.ciphertext, context: utf8b64("wrong") },
      { ciphertext: "garbage", context: ctx },
      { ciphertext: good.ciphertext },
    ]);
    expect(dec[0]).toEqual({ plaintext: utf8b64("ok") });
    expect(failed(dec[1])).toMatchObject({
      status: 400,
      type: "https://llm-data-vault.dev/problems/decryption-failed",
      detail: "The ciphertext could not be decrypted.",
    });
    expect(failed(dec[2])).toMatchObject({
      status: 400,
      type: "https://llm-data-vault.dev/problems/decryption-failed",
    });
    expect(failed(dec[3])).toMatchObject({ status: 400, errors: [{ path: "$.batch_input[3].context" }] });
    const events = (await auditEvents(tenant.id)).filter((e) => e.action === "transit.decrypt");
    expect(events.map((e) => [e.outcome, e.details.mode, e.details.items, e.details.failed])).toEqual([
      ["success", "batch", 4, 3],
    ]);
  });

  it("refuses versions below min_decryption_version per item", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const old = await encrypt(token, { key: name, plaintext: utf8b64("old") });
    await rotate(token, name);
    const fresh = await encrypt(token, { key: name, plaintext: utf8b64("new") });
    await patchKey(token, name, { min_decryption_version: 2 });
    const results = await decryptBatch(token, name, [{ ciphertext: old.ciphertext }, { ciphertext: fresh.ciphertext }]);
    expect(failed(results[0]).detail).toMatch(/min_decryption_version/);
    expect(results[1]).toEqual({ plaintext: utf8b64("new") });
  });

  it("takes up to 1000 items and refuses more, empty batches, mixed shapes and mistyped items with 422", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ plaintext: utf8b64(String(i)) }));
    expect(await encryptBatch(token, name, thousand)).toHaveLength(1000);
    const cases: [unknown, string][] = [
      [{ key: name, batch_input: [...thousand, { plaintext: "" }] }, "$.batch_input"],
      [{ key: name, batch_input: [] }, "$.batch_input"],
      [{ key: name, batch_input: [{ plaintext: "" }], plaintext: "" }, "$.plaintext"],
      [{ key: name, batch_input: [{ plaintext: 1 }] }, "$.batch_input[0].plaintext"],
      [{ key: name, batch_input: [{ plaintext: "", extra: 1 }] }, "$.batch_input[0].extra"],
      [{ key: name, batch_input: "nope" }, "$.batch_input"],
    ];
    for (const [b, path] of cases) {
      const p = await expectProblem(await call("/api/v1/encrypt", { token, body: b }), 422);
      expect(
        p.errors?.map((e) => e.path),
        JSON.stringify(b).slice(0, 100),
      ).toContain(path);
    }
    const p = await expectProblem(
      await call("/api/v1/decrypt", { token, body: { key: name, batch_input: [{ ciphertext: 5 }] } }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.batch_input[0].ciphertext");
  });
});
