import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { anonymize, deanonymize, type AnonymizeRequest, type Operators } from "./helpers";

const K6_BODY = { data: { name: "John Doe", ssn: "123-45-6789", email: "john@example.com" } };

async function auditEvents(tenantId: string, action: string) {
  const stub = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenantId}`));
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ action: string; details: string; outcome: string }>(
        "SELECT action, details, outcome FROM audit_events WHERE action = ? ORDER BY seq",
        action,
      )
      .toArray(),
  );
}

describe("POST /api/v1/anonymize", () => {
  it("removes every value of the k6 body and lists what changed", async () => {
    const { token } = await newTenant();
    const body = await anonymize(token, K6_BODY);
    const out = JSON.stringify(body);
    for (const v of ["John Doe", "John", "Doe", "123-45-6789", "john@example.com"]) expect(out).not.toContain(v);
    expect(body.data).toEqual({ name: "<PERSON>", ssn: "<US_SSN>", email: "<EMAIL>" });
    expect(body.items).toEqual(
      expect.arrayContaining([
        { type: "PERSON", path: "$.name", start: 0, end: 8, operator: "replace" },
        { type: "US_SSN", path: "$.ssn", start: 0, end: 8, operator: "replace" },
        { type: "EMAIL", path: "$.email", start: 0, end: 7, operator: "replace" },
      ]),
    );
  });

  it("reports offsets in the output text", async () => {
    const { token } = await newTenant();
    const text = "Mail jane.roe@example.org or call (415) 555-2671.";
    const body = await anonymize(token, {
      text,
      operators: { EMAIL: { type: "redact" }, PHONE: { type: "mask", keep: 4 } },
    });
    expect(body.text).toBe("Mail  or call (***) ***-2671.");
    for (const item of body.items) {
      const piece = body.text!.slice(item.start, item.end);
      if (item.type === "PHONE") expect(piece).toBe("(***) ***-2671");
      if (item.type === "EMAIL") expect(piece).toBe("");
    }
  });

  it("pseudonyms are stable within a tenant and differ across tenants", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const body: AnonymizeRequest = { text: "Ask John Smith.", operators: { PERSON: { type: "pseudonymize" } } };
    const a1 = (await anonymize(a.token, body)).text;
    const a2 = (await anonymize(a.token, body)).text;
    const b1 = (await anonymize(b.token, body)).text;
    expect(a1).toMatch(/^Ask PERSON_[0-9a-f]{16}\.$/);
    expect(a2).toBe(a1);
    expect(b1).toMatch(/^Ask PERSON_[0-9a-f]{16}\.$/);
    expect(b1).not.toBe(a1);
  });

  it("tokenizes reversibly, and only the owning tenant can restore", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const text = "SSN 536-22-8174, card 4111 1111 1111 1111.";
    const body = await anonymize(a.token, { text, operators: { DEFAULT: { type: "tokenize" } } });
    expect(body.text).toMatch(/^SSN TOK_US_SSN_[0-9A-Z]{20}, card TOK_CREDIT_CARD_[0-9A-Z]{20}\.$/);
    const again = await anonymize(a.token, { text, operators: { DEFAULT: { type: "tokenize" } } });
    expect(again.text).toBe(body.text);

    const back = await deanonymize(a.token, { text: body.text });
    expect(back.text).toBe(text);
    expect(back.restored).toEqual({ tokens: 2, fpe: 0, encrypted: 0 });

    const other = await deanonymize(b.token, { text: body.text });
    expect(other.text).toBe(body.text);
    expect(other.restored.tokens).toBe(0);

    const events = await auditEvents(a.tenant.id, "pii.deanonymize");
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.details).not.toContain("536-22-8174");
    const tokenize = await auditEvents(a.tenant.id, "pii.tokenize");
    expect(JSON.parse(tokenize[0].details)).toEqual({ tokens: 2 });
  });

  it("format-preserving encryption keeps shapes and round-trips through items or fpe_entities", async () => {
    const { token } = await newTenant();
    const data = { card: "4111 1111 1111 1111", ssn: "536-22-8174", note: "call +44 20 7946 0958 today" };
    const body = await anonymize(token, {
      data,
      operators: { CREDIT_CARD: { type: "fpe" }, US_SSN: { type: "fpe" }, PHONE: { type: "fpe" } },
    });
    // `data` comes back in the shape it was sent (the route declares it as any JSON).
    const out = body.data as typeof data;
    expect(out.card).toMatch(/^4\d{3} \d{4} \d{4} \d{4}$/);
    expect(out.card).not.toBe(data.card);
    expect(out.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(out.note).toMatch(/^call \+44 20 \d{4} \d{4} today$/);
    const viaItems = await deanonymize(token, { data: body.data, items: body.items });
    expect(viaItems.data).toEqual(data);
    expect(viaItems.restored.fpe).toBe(3);
    const viaTypes = await deanonymize(token, { data: body.data, fpe_entities: ["CREDIT_CARD", "US_SSN"] });
    expect((viaTypes.data as typeof data).card).toBe(data.card);
    expect((viaTypes.data as typeof data).ssn).toBe(data.ssn);
  });

  it("deanonymize needs its own scope", async () => {
    const { token } = await newTenant(["anonymize", "pii:detect"]);
    const res = await call("/api/v1/deanonymize", { token, body: { text: "TOK_EMAIL_0123456789ABCDEFGHJK" } });
    const p = await expectProblem(res, 403);
    expect(p.detail).toContain("deanonymize");
  });

  it("applies every operator", async () => {
    const { token } = await newTenant();
    const text =
      "Jane Roe, jane@example.com, born 03/04/1990, 47 years old, ip 192.168.10.24, key AKIAIOSFODNN7EXAMPLE";
    const operators: Operators = {
      PERSON: { type: "surrogate" },
      EMAIL: { type: "hash" },
      DATE_OF_BIRTH: { type: "date_shift", subject: "patient-7", max_days: 30 },
      AGE: { type: "generalize" },
      IP_ADDRESS: { type: "generalize" },
      SECRETS: { type: "replace", value: "[secret]" },
    };
    const body = await anonymize(token, { text, operators });
    const parts = body.text!.split(", ");
    expect(parts[0]).not.toBe("Jane Roe");
    expect(parts[0]).toMatch(/^\S+ \S+$/);
    expect(parts[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(parts[2]).toMatch(/^born \d{2}\/\d{2}\/\d{4}$/);
    expect(parts[2]).not.toBe("born 03/04/1990");
    const shifted = new Date(parts[2].slice(5));
    expect(Math.abs(shifted.getTime() - new Date("03/04/1990").getTime()) / 86_400_000).toBeLessThanOrEqual(31);
    expect(parts[3]).toBe("40-49 years old");
    expect(parts[4]).toBe("ip 192.168.10.0/24");
    expect(parts[5]).toBe("key [secret]");
    expect(body.items.map((i: any) => i.operator)).toEqual([
      "surrogate",
      "hash",
      "date_shift",
      "generalize",
      "generalize",
      "replace",
    ]);
    for (const i of body.items) expect(i.end).toBeLessThanOrEqual(body.text!.length);

    // Keyed operators are consistent within a tenant.
    const again = await anonymize(token, { text, operators });
    expect(again.text).toBe(body.text);
    // And a hash is the same for another spelling of the same address.
    const other = await anonymize(token, { text: "JANE@EXAMPLE.COM", operators: { EMAIL: { type: "hash" } } });
    expect(other.text).toBe(parts[1]);
  });

  it("shifts one subject's dates together, keyed by a record field", async () => {
    const { token } = await newTenant();
    const operators: Operators = {
      DATE_TIME: { type: "date_shift", subject_field: "patient" },
      DATE_OF_BIRTH: { type: "date_shift", subject_field: "patient" },
    };
    const rec = (patient: string) => ({ patient, dob: "1990-01-10", visit: "2020-01-10" });
    const a = (await anonymize(token, { data: rec("p-1"), operators })).data as ReturnType<typeof rec>;
    const days = (x: string, y: string) => (new Date(x).getTime() - new Date(y).getTime()) / 86_400_000;
    expect(days(a.dob, "1990-01-10")).toBe(days(a.visit, "2020-01-10"));
    expect(days(a.dob, "1990-01-10")).not.toBe(0);
  });

  it("rejects operators that cannot apply and bad bodies", async () => {
    const { token } = await newTenant();
    const cases: [unknown, string][] = [
      [{ text: "a", operators: { PERSON: { type: "fpe" } } }, "$.operators.PERSON"],
      [{ text: "a", operators: { PERSON: { type: "explode" } } }, "$.operators.PERSON.type"],
      [{ text: "a", operators: { NOT_A_TYPE: { type: "redact" } } }, "$.operators.NOT_A_TYPE"],
      [{ text: "a", operators: { PERSON: { type: "mask", char: "**" } } }, "$.operators.PERSON.char"],
      [{ data: { a: 1 }, text: "x" }, "$.text"],
    ];
    for (const [body, path] of cases) {
      const p = await expectProblem(await call("/api/v1/anonymize", { token, body }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(path);
    }
    await expectProblem(
      await call("/api/v1/anonymize", { token, raw: "{", headers: { "Content-Type": "application/json" } }),
      400,
    );
    await expectProblem(await call("/api/v1/anonymize", { token, body: { text: "x".repeat(1100 * 1024) } }), 413);
    await expectProblem(await call("/api/v1/anonymize", { body: K6_BODY }), 401);
    const reader = await newTenant(["pii:detect"]);
    await expectProblem(await call("/api/v1/anonymize", { token: reader.token, body: K6_BODY }), 403);
  });

  it("deanonymize validates its items", async () => {
    const { token } = await newTenant();
    const p = await expectProblem(
      await call("/api/v1/deanonymize", {
        token,
        body: { data: { a: "x" }, items: [{ type: "US_SSN", path: "$.b", start: 0, end: 3, operator: "fpe" }] },
      }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.items[0].path");
    const q = await expectProblem(
      await call("/api/v1/deanonymize", {
        token,
        body: { text: "abc", items: [{ type: "US_SSN", start: 0, end: 30, operator: "fpe" }] },
      }),
      422,
    );
    expect(q.errors?.[0].path).toBe("$.items[0]");
    await expectProblem(await call("/api/v1/deanonymize", { token, body: {} }), 422);
    await expectProblem(await call("/api/v1/deanonymize", { token, body: { text: 42 } }), 422);
    await expectProblem(await call("/api/v1/deanonymize", { token, body: { text: "a", fpe_entities: ["nope"] } }), 422);
    await expectProblem(
      await call("/api/v1/deanonymize", { token, raw: "{]", headers: { "Content-Type": "application/json" } }),
      400,
    );
    await expectProblem(await call("/api/v1/deanonymize", { token, body: { text: "x".repeat(1100 * 1024) } }), 413);
    await expectProblem(await call("/api/v1/deanonymize", { body: { text: "a" } }), 401);
    // Unknown tokens are left as they are.
    const body = await deanonymize(token, { text: "TOK_EMAIL_0123456789ABCDEFGHJK" });
    expect(body).toEqual({ text: "TOK_EMAIL_0123456789ABCDEFGHJK", restored: { tokens: 0, fpe: 0, encrypted: 0 } });
  });
});
