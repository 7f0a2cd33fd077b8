import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newTenant } from "../helpers/api";
import { sealPayload } from "../../src/shared/transit/cipher";
import { cacheTtlMs } from "../../src/shared/cache-ttl";
import { evictPolicy, loadPolicy } from "../../src/shared/transit/key-cache";
import { KeyPolicy } from "../../src/shared/transit/key-policy";
import { getKeyRow, prepareRotate } from "../../src/shared/transit/keys";
import { algorithmFor, unwrapVersion } from "../../src/shared/transit/material";
import { decryptItem } from "../../src/shared/transit/operations";
import { createTransitKey, encrypt, utf8b64 } from "./helpers";

describe("transit key policy cache", () => {
  it("bounds the TTL: default 30 s, at most 60 s, 0 disables", () => {
    expect(cacheTtlMs(undefined)).toBe(30_000);
    expect(cacheTtlMs("5")).toBe(5_000);
    expect(cacheTtlMs("3600")).toBe(60_000);
    expect(cacheTtlMs("0")).toBe(0);
    expect(cacheTtlMs("nonsense")).toBe(30_000);
  });

  it("serves a policy from the cache until evicted, and never caches a missing key", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    const first = await loadPolicy(env, tenant.id, name);
    expect(await loadPolicy(env, tenant.id, name)).toBe(first);
    evictPolicy(tenant.id, name);
    const second = await loadPolicy(env, tenant.id, name);
    expect(second).not.toBe(first);
    expect(second.meta).toEqual(first.meta);
    await expect(loadPolicy(env, tenant.id, "missing")).rejects.toMatchObject({ status: 404 });
    await expect(loadPolicy(env, tenant.id, "missing")).rejects.toMatchObject({ status: 404 });
    const uncached = { ...env, TRANSIT_KEY_CACHE_TTL_SECONDS: "0" };
    expect(await loadPolicy(uncached, tenant.id, name)).not.toBe(await loadPolicy(uncached, tenant.id, name));
  });

  it("a rotation made elsewhere: stale encryption within the TTL, but newer ciphertexts force a reload", async () => {
    const { token, tenant } = await newTenant();
    const { name } = await createTransitKey(token);
    await encrypt(token, { key: name, plaintext: "" }); // warms this isolate's policy
    // Another isolate rotates: D1 changes, this isolate's cache is not told.
    const current = await getKeyRow(env.DB, tenant.id, name);
    const next = await prepareRotate(env, current);
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO transit_key_versions (tenant_id, name, version, kek_version, wrapped, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).bind(next.tenantId, next.name, next.version, next.kekVersion, next.wrapped, next.createdAt),
      env.DB.prepare("UPDATE transit_keys SET latest_version = 2 WHERE tenant_id = ? AND name = ?").bind(
        tenant.id,
        name,
      ),
    ]);
    // Within the TTL this isolate still encrypts with version 1 (the documented bound).
    expect((await encrypt(token, { key: name, plaintext: "" })).key_version).toBe(1);
    // A version-2 ciphertext made by the other isolate decrypts here: the policy reloads.
    const v2 = await unwrapVersion(env, next, algorithmFor("aes256-gcm", false));
    const ciphertext = await sealPayload(
      { tenantId: tenant.id, name, version: 2 },
      { aes: v2 },
      "bytes",
      new TextEncoder().encode("from elsewhere"),
    );
    const handle = await KeyPolicy.open(env, tenant.id, name);
    expect(handle.meta.latestVersion).toBe(1);
    expect(await decryptItem(handle, { ciphertext })).toEqual({ plaintext: utf8b64("from elsewhere") });
    expect(handle.meta.latestVersion).toBe(2);
    // ...and the reloaded policy now serves encryption with version 2.
    expect((await encrypt(token, { key: name, plaintext: "" })).key_version).toBe(2);
  });
});
