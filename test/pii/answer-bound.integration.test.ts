// The answer of /pii/detect and /anonymize is bounded: every finding or item repeats its whole JSON path, so a member
// name holding many findings made the answer grow with findings × name length (2,000 e-mail addresses in a 25 KB
// name gave a 124 MB /anonymize answer, 30,000 a 500 after 24 s). Past MAX_ANSWER_PATH_CHARS the request is refused
// with 422 `answer-too-large` before any token is written; an ordinary request with many findings still answers.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ANSWER_PATH_CHARS } from "../../src/shared/json/answer-paths";
import { call, expectProblem, newTenant } from "../helpers/api";
import { anonymize, detect } from "./helpers";

/** A member name holding `n` e-mail addresses, separated by spaces. */
const manyEmails = (n: number) => Array.from({ length: n }, (_, i) => `x${i}@ex.com`).join(" ");

/** The problem of a refused request; a wrong status fails without printing a body of megabytes. */
async function refused(res: Response) {
  if (res.status !== 422) {
    await res.body?.cancel();
    expect.fail(`expected 422, got ${res.status}`);
  }
  return expectProblem(res, 422);
}

async function vaultRows(tenantId: string) {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM pii_tokens WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("the paths an answer lists are bounded", () => {
  it("/pii/detect refuses a member name whose findings would repeat it past the limit (422 answer-too-large)", async () => {
    const { token } = await newTenant();
    const name = manyEmails(2000);
    const res = await call("/api/v1/pii/detect", { token, body: { data: { [name]: 1 } } });
    const p = await refused(res);
    expect(p.type).toMatch(/answer-too-large$/);
    expect(p.limit_path_chars).toBe(MAX_ANSWER_PATH_CHARS);
    expect(p.path_chars).toBeGreaterThan(MAX_ANSWER_PATH_CHARS);
    // The problem names no part of the data.
    expect(JSON.stringify(p)).not.toContain("@ex.com");
  });

  it("/anonymize refuses it too, and writes no token", async () => {
    const { token, tenant } = await newTenant();
    const name = manyEmails(2000);
    const res = await call("/api/v1/anonymize", {
      token,
      body: { data: { [name]: 1 }, operators: { EMAIL: { type: "tokenize" } } },
    });
    const p = await refused(res);
    expect(p.type).toMatch(/answer-too-large$/);
    expect(await vaultRows(tenant.id)).toBe(0);
  });

  it("a 30,000-address name is refused with a problem, not a 500", async () => {
    const { token } = await newTenant();
    const res = await call("/api/v1/anonymize", {
      token,
      body: { data: { [manyEmails(30000)]: 1 }, operators: { EMAIL: { type: "tokenize" } } },
    });
    expect((await refused(res)).type).toMatch(/answer-too-large$/);
  });

  it("many findings under short paths, and a name with a few hundred, still answer in full", async () => {
    const { token, tenant } = await newTenant();
    const rows = Array.from({ length: 5000 }, (_, i) => ({ email: `u${i}@example.com` }));
    const found = await detect(token, { data: { rows } });
    expect(found.findings.filter((f) => f.type === "EMAIL")).toHaveLength(5000);
    const name = manyEmails(300);
    const out = await anonymize(token, { data: { [name]: 1 }, operators: { EMAIL: { type: "tokenize" } } });
    expect(out.items.filter((i) => i.type === "EMAIL")).toHaveLength(300);
    expect(await vaultRows(tenant.id)).toBe(300);
  });
});
