import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { auditEvents, createTransitKey, decrypt, encrypt, patchKey, rotate, utf8b64 } from "./helpers";

describe("transit keys: create, read, list", () => {
  it("creates a key with version 1 and returns metadata only", async () => {
    const { token } = await newTenant();
    const res = await client(token).api.v1.keys.$post({ json: { name: "payments", type: "aes256-gcm" } });
    const key = await expectJson(res, 201);
    expect(res.headers.get("location")).toBe("/api/v1/keys/payments");
    expect(key).toMatchObject({
      name: "payments",
      type: "aes256-gcm",
      derived: false,
      convergent: false,
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
      deletion_allowed: false,
    });
    expect(key.versions).toEqual([{ version: 1, created_at: key.created_at }]);
    expect(Object.keys(key).sort()).toEqual(
      [
        "convergent",
        "created_at",
        "deletion_allowed",
        "derived",
        "latest_version",
        "min_decryption_version",
        "min_encryption_version",
        "name",
        "type",
        "updated_at",
        "versions",
      ].sort(),
    );
    const got = await expectJson(await client(token).api.v1.keys[":name"].$get({ param: { name: "payments" } }), 200);
    expect(got).toEqual(key);
  });

  it("defaults the type to aes256-gcm and accepts derived, convergent and hmac keys", async () => {
    const { token } = await newTenant();
    expect((await createTransitKey(token, { name: "plain" })) as unknown).toMatchObject({
      type: "aes256-gcm",
      derived: false,
    });
    expect((await createTransitKey(token, { name: "d", derived: true })) as unknown).toMatchObject({
      derived: true,
      convergent: false,
    });
    expect((await createTransitKey(token, { name: "c", derived: true, convergent: true })) as unknown).toMatchObject({
      derived: true,
      convergent: true,
    });
    expect((await createTransitKey(token, { name: "h", type: "hmac-sha256" })) as unknown).toMatchObject({
      type: "hmac-sha256",
    });
  });

  it("stores only wrapped material in D1", async () => {
    const { token, tenant } = await newTenant();
    await createTransitKey(token, { name: "stored" });
    const rows = await env.DB.prepare(
      "SELECT version, kek_version, wrapped FROM transit_key_versions WHERE tenant_id = ? AND name = ?",
    )
      .bind(tenant.id, "stored")
      .all();
    expect(rows.results).toHaveLength(1);
    const wrapped = String(rows.results[0].wrapped);
    // iv (12) + 32-byte key + tag (16), base64.
    expect(atob(wrapped).length).toBe(60);
  });

  it("refuses a duplicate name with 409 and bad bodies with 422", async () => {
    const { token } = await newTenant();
    await createTransitKey(token, { name: "dup" });
    const dup = await expectProblem(await call("/api/v1/keys", { token, body: { name: "dup" } }), 409);
    expect(dup.detail).toContain("dup");

    const cases: [unknown, string][] = [
      [{ name: "bad name!" }, "$.name"],
      [{ name: "" }, "$.name"],
      [{ name: 5 }, "$.name"],
      [{ name: "x", type: "rsa-4096" }, "$.type"],
      [{ name: "x", derived: "yes" }, "$.derived"],
      [{ name: "x", convergent: true }, "$.convergent"],
      [{ name: "x", type: "hmac-sha256", derived: true }, "$.derived"],
      [{ name: "x", extra: 1 }, "$.extra"],
      [{}, "$.name"],
    ];
    for (const [body, path] of cases) {
      const p = await expectProblem(await call("/api/v1/keys", { token, body }), 422);
      expect(
        p.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });

  it("lists keys by name with cursor pagination", async () => {
    const { token } = await newTenant();
    const names = ["a-key", "b-key", "c-key", "d-key", "e-key"];
    for (const name of [...names].reverse()) await createTransitKey(token, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: { limit: string; cursor?: string } = cursor ? { limit: "2", cursor } : { limit: "2" };
      const body = await expectJson(await client(token).api.v1.keys.$get({ query }), 200);
      expect(body.items.length).toBeLessThanOrEqual(2);
      for (const item of body.items) {
        expect(item).not.toHaveProperty("versions");
        seen.push(item.name);
      }
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);
    await expectProblem(await call("/api/v1/keys?cursor=not-a-cursor", { token }), 400);
    await expectProblem(await call("/api/v1/keys?limit=0", { token }), 422);
  });

  it("answers 404 for an unknown key and 422 for an invalid name", async () => {
    const { token } = await newTenant();
    await expectProblem(await call("/api/v1/keys/nope", { token }), 404);
    await expectProblem(await call("/api/v1/keys/nope/rotate", { token, method: "POST" }), 404);
    await expectProblem(
      await call("/api/v1/keys/nope", { token, method: "PATCH", body: { deletion_allowed: true } }),
      404,
    );
    await expectProblem(await call("/api/v1/keys/nope", { token, method: "DELETE" }), 404);
    await expectProblem(await call("/api/v1/keys/%20bad", { token }), 422);
  });
});

describe("transit keys: rotation and policy", () => {
  it("rotates: new ciphertexts use the new version, old ones still decrypt", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const v1 = await encrypt(token, { key: name, plaintext: utf8b64("one") });
    const rotated = await rotate(token, name);
    expect(rotated.latest_version).toBe(2);
    expect(rotated.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    await rotate(token, name);
    const v3 = await encrypt(token, { key: name, plaintext: utf8b64("three") });
    expect(v1.ciphertext).toMatch(/^ldv:v1:/);
    expect(v3).toMatchObject({ key_version: 3 });
    expect(v3.ciphertext).toMatch(/^ldv:v3:/);
    expect(await decrypt(token, { key: name, ciphertext: v1.ciphertext })).toEqual({ plaintext: utf8b64("one") });
    expect(await decrypt(token, { key: name, ciphertext: v3.ciphertext })).toEqual({ plaintext: utf8b64("three") });
  });

  it("min_decryption_version refuses older ciphertexts with a clear 400; lowering it again restores them", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const v1 = await encrypt(token, { key: name, plaintext: utf8b64("old") });
    await rotate(token, name);
    const v2 = await encrypt(token, { key: name, plaintext: utf8b64("new") });
    const patched = await patchKey(token, name, { min_decryption_version: 2 }); // fails unless 200
    expect(patched.min_decryption_version).toBe(2);
    const p = await expectProblem(
      await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: v1.ciphertext } }),
      400,
    );
    expect(p.type).toMatch(/decryption-failed$/);
    expect(p.detail).toMatch(/min_decryption_version/);
    expect(await decrypt(token, { key: name, ciphertext: v2.ciphertext })).toEqual({ plaintext: utf8b64("new") });
    // Rewrap of a refused version is refused too.
    await expectProblem(await call("/api/v1/rewrap", { token, body: { key: name, ciphertext: v1.ciphertext } }), 400);
    // Encrypting with a version below min_decryption_version is refused.
    const enc = await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, plaintext: "", key_version: 1 } }),
      400,
    );
    expect(enc.errors?.[0].path).toBe("$.key_version");
    await patchKey(token, name, { min_decryption_version: 1 }); // fails unless 200
    expect(await decrypt(token, { key: name, ciphertext: v1.ciphertext })).toEqual({ plaintext: utf8b64("old") });
  });

  it("min_encryption_version bounds key_version; 0 means any version up to latest", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    await rotate(token, name);
    await rotate(token, name);
    expect(await encrypt(token, { key: name, plaintext: "", key_version: 1 })).toMatchObject({ key_version: 1 });
    expect((await patchKey(token, name, { min_encryption_version: 2 })).min_encryption_version).toBe(2);
    const p = await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, plaintext: "", key_version: 1 } }),
      400,
    );
    expect(p.detail).toMatch(/min_encryption_version/);
    expect(await encrypt(token, { key: name, plaintext: "", key_version: 2 })).toMatchObject({ key_version: 2 });
    expect(await encrypt(token, { key: name, plaintext: "" })).toMatchObject({ key_version: 3 });
    const missing = await expectProblem(
      await call("/api/v1/encrypt", { token, body: { key: name, plaintext: "", key_version: 9 } }),
      400,
    );
    expect(missing.errors?.[0].path).toBe("$.key_version");
  });

  it("validates policy changes against the key", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    await rotate(token, name);
    const bad: [Record<string, unknown>, number, string][] = [
      [{ min_decryption_version: 3 }, 422, "$.min_decryption_version"],
      [{ min_encryption_version: 3 }, 422, "$.min_encryption_version"],
      [{ min_decryption_version: 2, min_encryption_version: 1 }, 422, "$.min_encryption_version"],
      [{ min_decryption_version: 0 }, 422, "$.min_decryption_version"],
      [{ min_decryption_version: "2" }, 422, "$.min_decryption_version"],
      [{ deletion_allowed: "true" }, 422, "$.deletion_allowed"],
      [{ name: "renamed" }, 422, "$.name"],
    ];
    for (const [body, status, path] of bad) {
      const p = await expectProblem(await call(`/api/v1/keys/${name}`, { token, method: "PATCH", body }), status);
      expect(
        p.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    await expectProblem(await call(`/api/v1/keys/${name}`, { token, method: "PATCH", body: {} }), 422);
    const ok = await patchKey(token, name, { min_decryption_version: 2, min_encryption_version: 2 });
    expect(ok).toMatchObject({ min_decryption_version: 2, min_encryption_version: 2 });
    // Raising min_decryption_version above a non-zero min_encryption_version is inconsistent.
    await rotate(token, name);
    await expectProblem(
      await call(`/api/v1/keys/${name}`, { token, method: "PATCH", body: { min_decryption_version: 3 } }),
      422,
    );
  });
});

describe("transit keys: deletion (crypto-shredding)", () => {
  it("refuses deletion until deletion_allowed, then shreds every version", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    const ct = await encrypt(token, { key: name, plaintext: utf8b64("secret") });
    await rotate(token, name);
    const refused = await expectProblem(await call(`/api/v1/keys/${name}`, { token, method: "DELETE" }), 409);
    expect(refused.detail).toMatch(/deletion_allowed/);
    expect((await patchKey(token, name, { deletion_allowed: true })).deletion_allowed).toBe(true);
    const del = await call(`/api/v1/keys/${name}`, { token, method: "DELETE" });
    expect(del.status).toBe(204);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM transit_key_versions WHERE tenant_id = ? AND name = ?")
      .bind(tenant.id, name)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    await expectProblem(await call(`/api/v1/keys/${name}`, { token }), 404);
    await expectProblem(await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: ct.ciphertext } }), 404);
    // A new key under the same name has new material: the old ciphertext stays unreadable.
    await createTransitKey(token, { name });
    const p = await expectProblem(
      await call("/api/v1/decrypt", { token, body: { key: name, ciphertext: ct.ciphertext } }),
      400,
    );
    expect(p.type).toMatch(/decryption-failed$/);
  });
});

describe("transit keys: audit", () => {
  it("audits every key change, without key material", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    await rotate(token, name);
    await patchKey(token, name, { deletion_allowed: true, min_decryption_version: 2 });
    expect((await call(`/api/v1/keys/${name}`, { token, method: "DELETE" })).status).toBe(204);
    const events = (await auditEvents(tenant.id)).filter((e) => e.action.startsWith("transit.key."));
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ["transit.key.create", "success"],
      ["transit.key.rotate", "success"],
      ["transit.key.update", "success"],
      ["transit.key.delete", "success"],
    ]);
    for (const e of events) expect(e.resource.transit_key).toBe(name);
    expect(events[1].details).toEqual({ from_version: 1, to_version: 2 });
    const wrapped = await env.DB.prepare("SELECT wrapped FROM transit_key_versions WHERE tenant_id = ?")
      .bind(tenant.id)
      .all();
    for (const row of wrapped.results) for (const e of events) expect(e.raw).not.toContain(String(row.wrapped));
  });
});
