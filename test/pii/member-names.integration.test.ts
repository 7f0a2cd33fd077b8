// PII in JSON member names through the API: POST /pii/detect reports a finding in a name at the member's path
// followed by `~`, with offsets in the name; POST /anonymize renames the member with the operator of its type (the
// same name gives the same output everywhere), lists the change at its output path, and refuses (422) a rename that
// would give two members of one object the same name; POST /deanonymize restores a tokenized name. A dataset's PII
// policy treats names the same way: a rejected type in a name rejects the record (the name masked in the path), and
// a name is anonymized or encrypted by its type's rule.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { getRecord, postRecord } from "../records/helpers";
import { anonymize, deanonymize, detect } from "./helpers";

const ALICE = { "alice@example.com": { phone: "+1 415 555 0132", note: "met at the fair" } };

describe("PII in JSON member names", () => {
  it("/pii/detect reports a finding in a member name at its path with a `~` marker", async () => {
    const { token } = await newTenant();
    const { findings } = await detect(token, { data: { contacts: ALICE, plain: { email: "x" } } });
    const byPath = findings.map((f) => [f.type, f.path, f.start, f.end]);
    expect(byPath).toEqual(
      expect.arrayContaining([
        ["EMAIL", '$.contacts["alice@example.com"]~', 0, 17],
        ["PHONE", '$.contacts["alice@example.com"].phone', 0, 15],
      ]),
    );
    // A plain field name is not a finding.
    expect(findings.some((f) => f.path === "$.plain~" || f.path === "$.plain.email~")).toBe(false);
  });

  it("/anonymize renames the member consistently, lists it at its output path, and /deanonymize restores it", async () => {
    const { token } = await newTenant();
    const operators = { EMAIL: { type: "tokenize" as const }, PHONE: { type: "pseudonymize" as const } };
    const first = await anonymize(token, { data: ALICE, operators });
    const [name] = Object.keys(first.data as object);
    expect(name).toMatch(/^TOK_/);
    expect(JSON.stringify(first)).not.toContain("alice");
    const inner = (first.data as Record<string, { phone: string; note: string }>)[name];
    expect(inner.phone).toMatch(/^PHONE_/);
    expect(inner.note).toBe("met at the fair");
    // A token is an identifier: the output path names it with a dot.
    const pathOf = `$.${name}`;
    expect(first.items).toEqual(
      expect.arrayContaining([
        { type: "EMAIL", path: `${pathOf}~`, start: 0, end: name.length, operator: "tokenize" },
        { type: "PHONE", path: `${pathOf}.phone`, start: 0, end: inner.phone.length, operator: "pseudonymize" },
      ]),
    );
    // The same name elsewhere, in another request, maps to the same output.
    const second = await anonymize(token, {
      data: { list: [{ "alice@example.com": 1 }] },
      operators: { EMAIL: { type: "pseudonymize" } },
    });
    const third = await anonymize(token, {
      data: { "alice@example.com": true },
      operators: { EMAIL: { type: "pseudonymize" } },
    });
    expect(Object.keys((second.data as { list: object[] }).list[0])).toEqual(Object.keys(third.data as object));

    const restored = await deanonymize(token, { data: first.data });
    expect(Object.keys(restored.data as object)).toEqual(["alice@example.com"]);
    expect(restored.restored.tokens).toBe(1);
  });

  it("/anonymize refuses with 422 a rename that would merge two members, saying where", async () => {
    const { token } = await newTenant();
    const twoNames = { inbox: { "a@example.com": 1, "b@example.com": 2 } };
    const problem = await expectProblem(
      await call("/api/v1/anonymize", { token, body: { data: twoNames, operators: { EMAIL: { type: "replace" } } } }),
      422,
    );
    expect(problem.type).toBe("https://llm-data-vault.dev/problems/member-name-collision");
    expect(problem.errors).toEqual([
      { path: "$.inbox", message: "Two member names of this object would become the same." },
    ]);
    // A rename onto a name the object already has is refused the same way.
    const taken = { "<EMAIL>": 0, "c@example.com": 3 };
    await expectProblem(
      await call("/api/v1/anonymize", { token, body: { data: taken, operators: { EMAIL: { type: "replace" } } } }),
      422,
    );
    // Distinct outputs are fine.
    const ok = await anonymize(token, { data: twoNames, operators: { EMAIL: { type: "pseudonymize" } } });
    expect(Object.keys((ok.data as { inbox: object }).inbox)).toHaveLength(2);
  });
});

describe("a dataset's PII policy and member names", () => {
  it("rejects a record whose member name holds a rejected type, without echoing the name", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: { rules: { EMAIL: { action: "reject" } } } });
    const problem = await expectProblem(
      await call(`/api/v1/datasets/${ds.id}/records`, {
        token,
        body: { data: { contacts: { "alice@example.com": 1 } } },
      }),
      422,
    );
    expect(problem.type).toBe("https://llm-data-vault.dev/problems/pii-rejected");
    expect(problem.errors).toEqual([
      { path: "$.data.contacts[<key>]~", message: "EMAIL detected; the dataset's PII policy rejects it." },
    ]);
    expect(JSON.stringify(problem)).not.toContain("alice");
  });

  it("anonymizes or encrypts a member name by its type's rule; a merging rename is a 422", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: {
        rules: {
          EMAIL: { action: "anonymize", operator: { type: "pseudonymize" } },
          PHONE: { action: "encrypt" },
        },
      },
    });
    const stored = await postRecord(token, ds.id, {
      contacts: { "alice@example.com": { since: 2020 }, "+1 415 555 0132": "mobile" },
    });
    const { body: got } = await getRecord(token, ds.id, stored.id);
    const names = Object.keys((got.data as { contacts: object }).contacts).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^EMAIL_[0-9a-f]{16}$/);
    expect(names[1]).toMatch(/^ENC_v1_/);
    expect(JSON.stringify(got)).not.toMatch(/alice|555/);
    const restored = await deanonymize(token, { data: got.data });
    expect(Object.keys((restored.data as { contacts: object }).contacts)).toContain("+1 415 555 0132");

    const replacing = await createDataset(token, {
      pii_policy: { rules: { EMAIL: { action: "anonymize", operator: { type: "replace" } } } },
    });
    const problem = await expectProblem(
      await call(`/api/v1/datasets/${replacing.id}/records/batch`, {
        token,
        body: { records: [{ data: { ok: "x" } }, { data: { inbox: { "a@example.com": 1, "b@example.com": 2 } } }] },
      }),
      422,
    );
    expect(problem.type).toBe("https://llm-data-vault.dev/problems/member-name-collision");
    expect(problem.errors).toEqual([
      { path: "$.records[1].data.inbox", message: "Two member names of this object would become the same.", index: 1 },
    ]);
  });
});
