import { describe, expect, it } from "vitest";
import { call, createKey, expectProblem, newTenant } from "../helpers/api";
import { createTransitKey, encrypt, utf8b64 } from "./helpers";

const OCTET = { "Content-Type": "application/octet-stream" };

/** Every transit route with a body that would succeed for key `name` (given a ciphertext under it). */
function routes(name: string, ciphertext: string, hmacName: string) {
  return [
    {
      scope: "crypto:admin",
      method: "POST",
      path: "/api/v1/keys",
      body: { name: `n-${crypto.randomUUID().slice(0, 6)}` },
    },
    { scope: "crypto:admin", method: "GET", path: "/api/v1/keys" },
    { scope: "crypto:admin", method: "GET", path: `/api/v1/keys/${name}`, keyed: true },
    { scope: "crypto:admin", method: "POST", path: `/api/v1/keys/${name}/rotate`, keyed: true },
    {
      scope: "crypto:admin",
      method: "PATCH",
      path: `/api/v1/keys/${name}`,
      body: { deletion_allowed: false },
      keyed: true,
    },
    { scope: "crypto:admin", method: "DELETE", path: `/api/v1/keys/${name}`, keyed: true },
    {
      scope: "crypto:encrypt",
      method: "POST",
      path: "/api/v1/encrypt",
      body: { key: name, plaintext: "" },
      keyed: true,
    },
    { scope: "crypto:decrypt", method: "POST", path: "/api/v1/decrypt", body: { key: name, ciphertext }, keyed: true },
    { scope: "crypto:encrypt", method: "POST", path: "/api/v1/rewrap", body: { key: name, ciphertext }, keyed: true },
    { scope: "crypto:encrypt", method: "POST", path: "/api/v1/datakey", body: { key: name }, keyed: true },
    { scope: "crypto:encrypt", method: "POST", path: `/api/v1/encrypt/${name}`, raw: new Uint8Array(8), keyed: true },
    { scope: "crypto:decrypt", method: "POST", path: `/api/v1/decrypt/${name}`, raw: new Uint8Array(8), keyed: true },
    { scope: "crypto:encrypt", method: "POST", path: "/api/v1/hash", body: { input: "" } },
    { scope: "crypto:encrypt", method: "POST", path: `/api/v1/hmac/${hmacName}`, body: { input: "" }, keyed: true },
    {
      scope: "crypto:encrypt",
      method: "POST",
      path: `/api/v1/hmac/${hmacName}/verify`,
      body: { input: "", hmac: "ldv:v1:AAAA" },
      keyed: true,
    },
  ] as { scope: string; method: string; path: string; body?: unknown; raw?: Uint8Array; keyed?: boolean }[];
}

const send = (r: ReturnType<typeof routes>[number], token?: string) =>
  call(r.path, { method: r.method, token, body: r.body, raw: r.raw, headers: r.raw ? OCTET : undefined });

describe("transit access control", () => {
  it("answers 401 without credentials and with a bad key on every route", async () => {
    for (const r of routes("k", "ldv:v1:AAAA", "h")) {
      await expectProblem(await send(r), 401);
      await expectProblem(await send(r, "ldv.key_01JD0Z5W3K8Q4V2M7N6P5R4S3T.wrong"), 401);
    }
  });

  it("answers 403 on every route when the key lacks the scope", async () => {
    const { tenant, token } = await newTenant();
    const { name } = await createTransitKey(token);
    const h = await createTransitKey(token, { type: "hmac-sha256" });
    const { ciphertext } = await encrypt(token, { key: name, plaintext: "" });
    const all = ["crypto:admin", "crypto:encrypt", "crypto:decrypt"];
    for (const r of routes(name, ciphertext, h.name)) {
      const others = await createKey(tenant.id, all.filter((s) => s !== r.scope).concat("datasets:read"));
      const p = await expectProblem(await send(r, others.key), 403);
      expect(p.detail, `${r.method} ${r.path}`).toContain(r.scope);
    }
  });

  it("the right scope alone is enough", async () => {
    const { tenant, token } = await newTenant();
    const { name } = await createTransitKey(token);
    const h = await createTransitKey(token, { type: "hmac-sha256" });
    const { ciphertext } = await encrypt(token, { key: name, plaintext: "" });
    for (const r of routes(name, ciphertext, h.name)) {
      if (r.raw || r.method === "DELETE") continue;
      const only = await createKey(tenant.id, [r.scope]);
      const res = await send(r, only.key);
      expect([200, 201], `${r.method} ${r.path}: ${await res.text()}`).toContain(res.status);
    }
  });

  it("another tenant's key names answer 404 exactly like missing ones", async () => {
    const owner = await newTenant();
    const intruder = await newTenant();
    const { name } = await createTransitKey(owner.token);
    const h = await createTransitKey(owner.token, { type: "hmac-sha256" });
    const { ciphertext } = await encrypt(owner.token, { key: name, plaintext: utf8b64("mine") });
    const strip = (p: Record<string, unknown>) => ({ ...p, request_id: undefined });
    for (const r of routes(name, ciphertext, h.name).filter((x) => x.keyed)) {
      const foreign = await expectProblem(await send(r, intruder.token), 404);
      const missingRoute = routes("no-such-key", ciphertext, "no-such-key").find(
        (x) =>
          x.method === r.method &&
          x.path.replace(/no-such-key/g, "*") === r.path.replace(name, "*").replace(h.name, "*"),
      )!;
      const missing = await expectProblem(await send(missingRoute, intruder.token), 404);
      expect(strip(foreign), `${r.method} ${r.path}`).toEqual(strip(missing));
    }
    // The intruder's own key of the same name is a different key: the owner's ciphertext does not open.
    await createTransitKey(intruder.token, { name });
    await expectProblem(await call("/api/v1/decrypt", { token: intruder.token, body: { key: name, ciphertext } }), 400);
    // And the owner's key is untouched.
    const mine = await call(`/api/v1/keys/${name}`, { token: owner.token });
    expect(mine.status).toBe(200);
    expect((await mine.json<{ latest_version: number }>()).latest_version).toBe(1);
  });

  it("answers 400 to malformed JSON and 415 to other media types", async () => {
    const { token } = await newTenant();
    for (const path of [
      "/api/v1/keys",
      "/api/v1/encrypt",
      "/api/v1/decrypt",
      "/api/v1/rewrap",
      "/api/v1/datakey",
      "/api/v1/hash",
      "/api/v1/hmac/x",
      "/api/v1/hmac/x/verify",
    ]) {
      const p = await expectProblem(
        await call(path, { token, raw: '{"key": ', headers: { "Content-Type": "application/json" } }),
        400,
      );
      expect(p.type, path).toMatch(/malformed-json$/);
      await expectProblem(
        await call(path, { token, raw: "key=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
        415,
      );
    }
    await expectProblem(
      await call("/api/v1/keys/x", {
        token,
        method: "PATCH",
        raw: "{",
        headers: { "Content-Type": "application/json" },
      }),
      400,
    );
  });

  it("answers 413 to oversized JSON bodies, naming the limit", async () => {
    const { token } = await newTenant();
    const { name } = await createTransitKey(token);
    const big = (bytes: number) => JSON.stringify({ key: name, plaintext: "A".repeat(bytes) });
    const encrypt413 = await expectProblem(
      await call("/api/v1/encrypt", {
        token,
        raw: big(4 * 1024 * 1024),
        headers: { "Content-Type": "application/json" },
      }),
      413,
    );
    expect(encrypt413.detail).toContain(String(4 * 1024 * 1024));
    // 2 MiB fits the transit JSON limit (a 1.5 MiB plaintext in base64).
    const ok = await call("/api/v1/encrypt", {
      token,
      raw: big(2 * 1024 * 1024),
      headers: { "Content-Type": "application/json" },
    });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const hash413 = await expectProblem(
      await call("/api/v1/hash", {
        token,
        raw: JSON.stringify({ input: "A".repeat(1024 * 1024) }),
        headers: { "Content-Type": "application/json" },
      }),
      413,
    );
    expect(hash413.detail).toContain(String(1024 * 1024));
  });
});
