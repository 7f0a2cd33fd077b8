import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditEnv } from "../../src/shared/audit/append";
import { DecryptionError } from "../../src/shared/crypto/aes-gcm";
import { newId } from "../../src/shared/ids";
import { auditedRelease } from "../../src/shared/transit/audit";
import { auditEvents } from "./helpers";

const scope = (tenantId: string) => ({ tenantId, actor: "key_test", requestId: null, clientIp: null });

describe("auditedRelease", () => {
  it("releases the result only after its event is stored, with result details", async () => {
    const tenantId = newId("tnt");
    const value = await auditedRelease(
      env,
      scope(tenantId),
      { action: "transit.decrypt", details: { items: 2 } },
      async () => ({ failed: 1 }),
      (r) => ({ failed: r.failed }),
    );
    expect(value).toEqual({ failed: 1 });
    const events = await auditEvents(tenantId);
    expect(events.map((e) => [e.action, e.outcome, e.details])).toEqual([
      ["transit.decrypt", "success", { items: 2, failed: 1 }],
    ]);
  });

  it("records a failed attempt once, as an error with the problem slug", async () => {
    const tenantId = newId("tnt");
    await expect(
      auditedRelease(env, scope(tenantId), { action: "transit.decrypt" }, async () =>
        Promise.reject(new DecryptionError()),
      ),
    ).rejects.toBeInstanceOf(DecryptionError);
    const events = await auditEvents(tenantId);
    expect(events.map((e) => [e.outcome, e.details.reason])).toEqual([["error", "decryption-failed"]]);
  });

  it("withholds the result with a 503 when the audit log is unavailable", async () => {
    // The platform failing (a Durable Object that cannot be reached) is injected at the binding.
    const down = {
      AUDIT_LOG: {
        idFromName: () => ({}),
        get: () => ({ append: () => Promise.reject(new Error("object unreachable")) }),
      },
    } as unknown as AuditEnv;
    let released = false;
    const attempt = auditedRelease(down, scope("tnt_x"), { action: "transit.decrypt" }, async () => "PLAINTEXT").then(
      (v) => {
        released = true;
        return v;
      },
    );
    await expect(attempt).rejects.toMatchObject({ status: 503, slug: "audit-unavailable" });
    expect(released).toBe(false);
  });
});
