import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import {
  auditEvents,
  b64,
  createTransitKey,
  dataKey,
  decrypt,
  encrypt,
  fromB64,
  patchKey,
  rotate,
  single,
  utf8b64,
} from "./helpers";

/** Flips one bit of the blob inside an envelope, keeping it well-formed. */
function tamper(ciphertext: string, byteIndex: number): string {
  const [prefix, version, body] = ciphertext.split(":");
  const bytes = fromB64(body);
  bytes[byteIndex] ^= 0x01;
  return `${prefix}:${version}:${b64(bytes)}`;
}

describe("encrypt and decrypt", () => {
  it("round-trips base64 bytes and JSON data, with a fresh IV each time", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const bytes = crypto.getRandomValues(new Uint8Array(300));
    const a = await encrypt(token, { key: name, plaintext: b64(bytes) });
    const b = await encrypt(token, { key: name, plaintext: b64(bytes) });
    expect(a.ciphertext).toMatch(/^ldv:v1:[A-Za-z0-9+/]+=*$/);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await decrypt(token, { key: name, ciphertext: a.ciphertext })).toEqual({ plaintext: b64(bytes) });

    const data = { user: "ada", tags: ["x", "y"], n: 3.5, nested: { ok: true, none: null } };
    const d = await encrypt(token, { key: name, data });
    expect(await decrypt(token, { key: name, ciphertext: d.ciphertext })).toEqual({ data });
    for (const scalar of [null, 0, "text", false, []]) {
      const s = await encrypt(token, { key: name, data: scalar });
      expect(await decrypt(token, { key: name, ciphertext: s.ciphertext })).toEqual({ data: scalar });
    }
    const empty = await encrypt(token, { key: name, plaintext: "" });
    expect(await decrypt(token, { key: name, ciphertext: empty.ciphertext })).toEqual({ plaintext: "" });
  });

  it("handles a 100 KB JSON payload", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const data = { rows: Array.from({ length: 1000 }, (_, i) => ({ i, text: "x".repeat(90) })) };
    expect(JSON.stringify(data).length).toBeGreaterThan(100_000);
    const ct = await encrypt(token, { key: name, data });
    expect(await decrypt(token, { key: name, ciphertext: ct.ciphertext })).toEqual({ data });
    const big = crypto.getRandomValues(new Uint8Array(60_000));
    const bytes = new Uint8Array(100 * 1024);
    bytes.set(big);
    const ct2 = await encrypt(token, { key: name, plaintext: b64(bytes) });
    expect((await decrypt(token, { key: name, ciphertext: ct2.ciphertext })).plaintext).toBe(b64(bytes));
  });

  it("binds associated_data: decrypt needs the same bytes", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const ct = await encrypt(token, { key: name, plaintext: utf8b64("pay"), associated_data: utf8b64("order-1") });
    expect(await decrypt(token, { key: name, ciphertext: ct.ciphertext, associated_data: utf8b64("order-1") })).toEqual(
      { plaintext: utf8b64("pay") },
    );
    for (const ad of [utf8b64("order-2"), undefined]) {
      const p = await expectProblem(
        await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: ct.ciphertext, associated_data: ad } }),
        400,
      );
      expect(p.detail).toBe("The ciphertext could not be decrypted.");
    }
  });

  it("refuses tampered ciphertexts and malformed envelopes with 400 decryption-failed and no detail for attackers", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const { ciphertext } = await encrypt(token, { key: name, plaintext: utf8b64("secret value") });
    const blobLength = fromB64(ciphertext.split(":")[2]).length;
    const tampered = [0, 1, 12, 13, blobLength - 1].map((i) => tamper(ciphertext, i));
    const body = ciphertext.split(":")[2];
    const malformed = [
      "",
      "ldv:v1:",
      "vault:v1:" + body,
      "ldv:1:" + body,
      "ldv:v0:" + body,
      "ldv:vX:" + body,
      "ldv:v1:***not base64***",
      "ldv:v1:" + b64(new Uint8Array(20)),
      "ldv:v2:" + body, // a version that does not exist
      "ldv:v1:" + body.slice(0, -8),
      ciphertext + "AAAA",
    ];
    for (const ct of [...tampered, ...malformed]) {
      const p = await expectProblem(await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: ct } }), 400);
      expect(p.type, ct).toBe("https://llm-data-vault.dev/problems/decryption-failed");
      expect(p.detail).toMatch(
        /^The ciphertext (could not be decrypted|is not a valid ldv:v<version>:<base64> envelope)\.$/,
      );
      expect(JSON.stringify(p)).not.toMatch(/tag|OperationError|AES|auth/i);
    }
  });

  it("refuses the ciphertext of another key in the same tenant", async () => {
    const { token } = await newTenant();
    const a = await createTransitKey(token);
    const b = await createTransitKey(token);
    const ct = await encrypt(token, { key: a.name, plaintext: utf8b64("x") });
    await expectProblem(
      await call("/api/v1/decrypt", { token, body: { key: b.name, ciphertext: ct.ciphertext } }),
      400,
    );
  });

  it("validates bodies: wrong types, missing or doubled payloads, bad base64, unknown fields", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const cases: [string, unknown, string][] = [
      ["/api/v1/encrypt", { key: name }, "$.plaintext"],
      ["/api/v1/encrypt", { key: name, plaintext: "", data: {} }, "$.data"],
      ["/api/v1/encrypt", { key: name, plaintext: 12 }, "$.plaintext"],
      ["/api/v1/encrypt", { key: 12, plaintext: "" }, "$.key"],
      ["/api/v1/encrypt", { plaintext: "" }, "$.key"],
      ["/api/v1/encrypt", { key: name, plaintext: "", context: 5 }, "$.context"],
      ["/api/v1/encrypt", { key: name, plaintext: "", key_version: "1" }, "$.key_version"],
      ["/api/v1/encrypt", { key: name, plaintext: "", key_version: 0 }, "$.key_version"],
      ["/api/v1/encrypt", { key: name, plaintext: "", surprise: true }, "$.surprise"],
      ["/api/v1/encrypt", { key: name, plaintext: "not base64!" }, "$.plaintext"],
      ["/api/v1/encrypt", { key: name, plaintext: "", associated_data: "%%%" }, "$.associated_data"],
      ["/api/v1/decrypt", { key: name }, "$.ciphertext"],
      ["/api/v1/decrypt", { key: name, ciphertext: 1 }, "$.ciphertext"],
      ["/api/v1/decrypt", { key: name, ciphertext: "ldv:v1:AAAA", plaintext: "" }, "$.plaintext"],
      ["/api/v1/rewrap", { key: name }, "$.ciphertext"],
      ["/api/v1/datakey", { key: name, bits: 100 }, "$.bits"],
      ["/api/v1/datakey", { key: name, plaintext: "yes" }, "$.plaintext"],
      ["/api/v1/datakey", {}, "$.key"],
    ];
    for (const [path, body, field] of cases) {
      const p = await expectProblem(await call(path, { token, body }), 422);
      expect(
        p.errors?.map((e) => e.path),
        `${path} ${JSON.stringify(body)}`,
      ).toContain(field);
    }
  });

  it("refuses encryption with an hmac key and HMAC with an encryption key", async () => {
    const { token } = await newTenant();
    const h = await createTransitKey(token, { type: "hmac-sha256" });
    const a = await createTransitKey(token);
    for (const [path, body] of [
      ["/api/v1/encrypt", { key: h.name, plaintext: "" }],
      ["/api/v1/decrypt", { key: h.name, ciphertext: "ldv:v1:AAAA" }],
      ["/api/v1/rewrap", { key: h.name, ciphertext: "ldv:v1:AAAA" }],
      ["/api/v1/datakey", { key: h.name }],
      [`/api/v1/hmac/${a.name}`, { input: "" }],
      [`/api/v1/hmac/${a.name}/verify`, { input: "", hmac: "ldv:v1:AAAA" }],
    ] as const) {
      const p = await expectProblem(await call(path, { token, body }), 400);
      expect(p.detail).toMatch(/key/);
    }
  });
});

describe("derived and convergent keys", () => {
  it("derives a key per context: the right context decrypts, a wrong one fails", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token, { derived: true });
    const ctx = utf8b64("user-1");
    const ct = await encrypt(token, { key: name, plaintext: utf8b64("hi"), context: ctx });
    expect(await decrypt(token, { key: name, ciphertext: ct.ciphertext, context: ctx })).toEqual({
      plaintext: utf8b64("hi"),
    });
    const wrong = await expectProblem(
      await call("/api/v1/decrypt", {
        token,
        body: { key: name, ciphertext: ct.ciphertext, context: utf8b64("user-2") },
      }),
      400,
    );
    expect(wrong.type).toMatch(/decryption-failed$/);
    expect(wrong.detail).toBe("The ciphertext could not be decrypted.");
    // Context is required for derived keys, on every operation.
    for (const [path, body] of [
      ["/api/v1/encrypt", { key: name, plaintext: "" }],
      ["/api/v1/encrypt", { key: name, plaintext: "", context: "" }],
      ["/api/v1/decrypt", { key: name, ciphertext: ct.ciphertext }],
      ["/api/v1/datakey", { key: name }],
    ] as const) {
      const p = await expectProblem(await call(path, { token, body }), 400);
      expect(p.errors?.[0].path).toBe("$.context");
    }
  });

  it("refuses a context for a key that is not derived", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const p = await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, plaintext: "", context: utf8b64("c") } }),
      400,
    );
    expect(p.errors?.[0].path).toBe("$.context");
  });

  it("convergent: same plaintext and context give the same ciphertext; anything else differs", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token, { derived: true, convergent: true });
    const ctx = utf8b64("tenant-column-email");
    const pt = utf8b64("ada@example.com");
    const a = await encrypt(token, { key: name, plaintext: pt, context: ctx });
    const b = await encrypt(token, { key: name, plaintext: pt, context: ctx });
    expect(a.ciphertext).toBe(b.ciphertext);
    const otherPt = await encrypt(token, { key: name, plaintext: utf8b64("bob@example.com"), context: ctx });
    const otherCtx = await encrypt(token, { key: name, plaintext: pt, context: utf8b64("other") });
    const withAd = await encrypt(token, { key: name, plaintext: pt, context: ctx, associated_data: utf8b64("ad") });
    const asData = await encrypt(token, { key: name, data: "ada@example.com", context: ctx });
    const all = [a.ciphertext, otherPt.ciphertext, otherCtx.ciphertext, withAd.ciphertext, asData.ciphertext];
    expect(new Set(all).size).toBe(all.length);
    // Different plaintexts under the same context never share an IV.
    const iv = (ct: string) => b64(fromB64(ct.split(":")[2]).subarray(1, 13));
    expect(iv(a.ciphertext)).not.toBe(iv(otherPt.ciphertext));
    expect(await decrypt(token, { key: name, ciphertext: a.ciphertext, context: ctx })).toEqual({ plaintext: pt });
    // After rotation the same plaintext gets a new (still deterministic) ciphertext.
    await rotate(token, name);
    const c1 = await encrypt(token, { key: name, plaintext: pt, context: ctx });
    const c2 = await encrypt(token, { key: name, plaintext: pt, context: ctx });
    expect(c1.ciphertext).toBe(c2.ciphertext);
    expect(c1.ciphertext).not.toBe(a.ciphertext);
    // Rewrap keeps convergence: rewrapping the v1 ciphertext gives the v2 ciphertext.
    const rewrapped = single(
      await expectJson(
        await client(token).api.v1.rewrap.$post({ json: { key: name, ciphertext: a.ciphertext, context: ctx } }),
        200,
      ),
    );
    expect(rewrapped.ciphertext).toBe(c1.ciphertext);
  });

  it("a non-convergent derived key still randomizes", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token, { derived: true });
    const ctx = utf8b64("c");
    const a = await encrypt(token, { key: name, plaintext: utf8b64("same"), context: ctx });
    const b = await encrypt(token, { key: name, plaintext: utf8b64("same"), context: ctx });
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });
});

describe("rewrap", () => {
  it("moves a ciphertext to the newest version without returning plaintext", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    const v1 = await encrypt(token, { key: name, data: { card: "4111" }, associated_data: utf8b64("ad") });
    await rotate(token, name);
    await rotate(token, name);
    const body = single(
      await expectJson(
        await client(token).api.v1.rewrap.$post({
          json: { key: name, ciphertext: v1.ciphertext, associated_data: utf8b64("ad") },
        }),
        200,
      ),
    );
    expect(Object.keys(body).sort()).toEqual(["ciphertext", "key_version"]);
    expect(body.key_version).toBe(3);
    expect(body.ciphertext).toMatch(/^ldv:v3:/);
    expect(await decrypt(token, { key: name, ciphertext: body.ciphertext, associated_data: utf8b64("ad") })).toEqual({
      data: { card: "4111" },
    });
    // Now v1 can be retired.
    await patchKey(token, name, { min_decryption_version: 3 });
    await expectProblem(
      await call("/api/v1/decrypt", {
        token,
        body: { key: name, ciphertext: v1.ciphertext, associated_data: utf8b64("ad") },
      }),
      400,
    );
    expect(await decrypt(token, { key: name, ciphertext: body.ciphertext, associated_data: utf8b64("ad") })).toEqual({
      data: { card: "4111" },
    });
    // Tampered input is refused like decrypt.
    await expectProblem(
      await call("/api/v1/rewrap", { token, body: { key: name, ciphertext: body.ciphertext.slice(0, -4) + "AAAA" } }),
      400,
    );
    const events = (await auditEvents(tenant.id)).filter((e) => e.action === "transit.rewrap");
    expect(events.map((e) => e.outcome)).toEqual(["success", "error"]);
  });
});

describe("data keys", () => {
  it("returns a fresh data key whose wrapped form decrypts through the API to the same bytes", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const body = await dataKey(token, { key: name });
    expect(body.key_version).toBe(1);
    expect(fromB64(body.plaintext!)).toHaveLength(32);
    expect(await decrypt(token, { key: name, ciphertext: body.ciphertext })).toEqual({ plaintext: body.plaintext });
    // The data key really is an AES-256 key the client can use.
    const dk = await crypto.subtle.importKey("raw", fromB64(body.plaintext!), "AES-GCM", false, ["encrypt"]);
    expect(dk.algorithm.name).toBe("AES-GCM");
    const again = await dataKey(token, { key: name });
    expect(again.plaintext).not.toBe(body.plaintext);
  });

  it("wrapped only when plaintext is false; bits and derived context are honoured", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const body = await dataKey(token, { key: name, plaintext: false, bits: 512 });
    expect(body).not.toHaveProperty("plaintext");
    const opened = await decrypt(token, { key: name, ciphertext: body.ciphertext });
    expect(fromB64(opened.plaintext!)).toHaveLength(64);
    const derived = await createTransitKey(token, { derived: true });
    const ctx = utf8b64("app-1");
    const d = await dataKey(token, { key: derived.name, context: ctx, bits: 128 });
    expect(fromB64(d.plaintext!)).toHaveLength(16);
    expect(await decrypt(token, { key: derived.name, ciphertext: d.ciphertext, context: ctx })).toEqual({
      plaintext: d.plaintext,
    });
  });
});

describe("decrypt audit", () => {
  it("audits every decrypt (success and failure) without plaintext", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    const secret = "PLAINTEXT-CANARY-42";
    const ct = await encrypt(token, { key: name, plaintext: utf8b64(secret) });
    await decrypt(token, { key: name, ciphertext: ct.ciphertext });
    await expectProblem(
      await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: tamperLast(ct.ciphertext) } }),
      400,
    );
    await dataKey(token, { key: name });
    const events = await auditEvents(tenant.id);
    const decrypts = events.filter((e) => e.action === "transit.decrypt");
    expect(decrypts.map((e) => e.outcome)).toEqual(["success", "error"]);
    expect(decrypts[1].details.reason).toBe("decryption-failed");
    expect(decrypts[0].resource.transit_key).toBe(name);
    expect(events.some((e) => e.action === "transit.datakey")).toBe(true);
    for (const e of events) {
      expect(e.raw).not.toContain(secret);
      expect(e.raw).not.toContain(utf8b64(secret));
    }
  });
});

function tamperLast(ciphertext: string) {
  const bytes = fromB64(ciphertext.split(":")[2]);
  bytes[bytes.length - 1] ^= 0x80;
  return `ldv:v1:${b64(bytes)}`;
}
