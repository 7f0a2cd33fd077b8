/**
 * Dataset PII policies, applied to every record written to the dataset. For each entity
 * type the policy says: allow it, reject the write (422 naming the type and JSON path,
 * never the value), anonymize it with an operator, or encrypt the whole field it sits in.
 * Types without a rule are not scanned. Member names are scanned too (pii/member-names.ts):
 * a rejected type in a name rejects the record, and a name is anonymized or encrypted (inline,
 * `ENC_v1_…` as the name) by its type's rule.
 */
import type { KeyEnv } from "../crypto/tenant-kek";
import { ProblemError, validationFailed, type FieldError } from "../errors";
import { pathMasker } from "../json/masked-path";
import { pathSegment, prepareOptions } from "../pii/detect";
import { isBuiltinEntity } from "../pii/entities";
import { detectJsonWithNames, MEMBER_NAME } from "../pii/member-names";
import { loadRecognizers } from "../pii/recognizer-store";
import { ScanBudget } from "../pii/tenant-scan";
import type { CompiledRecognizer, Finding } from "../pii/types";
import type { PiiPolicy } from "../schema/pii";
import { anonymizeString, type ChangedItem } from "./anonymize";
import { mapJson, MemberNameCollision } from "./json-map";
import { OperatorKeys } from "./keys";
import { checkOperators, type OperatorContext, type OperatorMap } from "./operators";
import { encryptField, TokenVault } from "./vault";

const activeRules = (policy: PiiPolicy) => Object.entries(policy.rules).filter(([, r]) => r.action !== "allow");

/**
 * Checks a policy before it is stored: operators must fit their types, and every entity
 * must be built in or produced by one of the tenant's recognizers. Errors are reported
 * under `root` (the policy's path in the request).
 */
export async function validatePolicy(
  d1: D1Database,
  tenantId: string,
  policy: PiiPolicy | null | undefined,
  root = "$.pii_policy",
): Promise<void> {
  if (!policy) return;
  const operators: OperatorMap = {};
  for (const [type, rule] of Object.entries(policy.rules))
    if (rule.action === "anonymize") operators[type] = rule.operator;
  checkOperators(operators, `${root}.rules`);
  const custom = Object.keys(policy.rules).some((t) => !isBuiltinEntity(t)) ? await loadRecognizers(d1, tenantId) : [];
  const known = new Set(custom.map((r) => r.entity));
  const errors: FieldError[] = [];
  for (const type of Object.keys(policy.rules)) {
    if (!isBuiltinEntity(type) && !known.has(type))
      errors.push({ path: `${root}.rules.${type}`, message: `Unknown entity type '${type}'.` });
  }
  if (errors.length) throw validationFailed(errors, "The PII policy names unknown entity types.");
}

export interface PolicyResult {
  data: unknown;
  /** What was changed: anonymized spans (offsets in the output) and encrypted fields. */
  items: ChangedItem[];
}

/**
 * The 422 for rejected PII: entity types and JSON paths only, never the values. Member names that may be the PII
 * (`["alice@example.com"]`), and every name in which one of `all` was found, are masked in the paths
 * (json/masked-path.ts), since an import keeps its errors.
 */
function rejection(found: Finding[], all: readonly Finding[]): ProblemError {
  const masked = pathMasker(all);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const f of found) {
    const path = masked(f.path ?? "$");
    const key = `${f.type}@${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ path, message: `${f.type} detected; the dataset's PII policy rejects it.` });
  }
  const types = [...new Set(found.map((f) => f.type))];
  return new ProblemError(422, "pii-rejected", {
    detail: `The record contains ${types.join(", ")}, which the dataset's PII policy rejects (${errors.map((e) => e.path).join(", ")}).`,
    errors,
    extensions: { entities: types },
  });
}

export interface PolicyRunOptions {
  /** A vault shared by several records; the caller flushes it (once) when the write goes ahead. */
  vault?: TokenVault;
  /** The scan budget of tenant patterns, shared by every record of one request. */
  budget?: ScanBudget;
}

/**
 * Applies a dataset policy to one record and returns the transformed record with the list
 * of changes, or throws the 422 `pii-rejected` problem. Tokens created by `tokenize`
 * operators are written to the vault before it returns, unless `options.vault` is given.
 */
export async function applyPiiPolicyDetailed(
  env: KeyEnv,
  tenantId: string,
  policy: PiiPolicy | null | undefined,
  data: unknown,
  options: PolicyRunOptions = {},
): Promise<PolicyResult> {
  if (!policy) return { data, items: [] };
  const rules = activeRules(policy);
  if (!rules.length) return { data, items: [] };
  const custom: CompiledRecognizer[] = rules.some(([t]) => !isBuiltinEntity(t))
    ? await loadRecognizers(env.DB, tenantId)
    : [];
  const findings = detectJsonWithNames(
    data,
    prepareOptions({
      entities: rules.map(([t]) => t),
      minScore: policy.min_score,
      allow: policy.allow,
      deny: policy.deny,
      custom,
      budget: options.budget,
    }),
  );
  if (!findings.length) return { data, items: [] };
  const ruleOf = new Map(rules);
  const rejected = findings.filter((f) => ruleOf.get(f.type)?.action === "reject");
  if (rejected.length) throw rejection(rejected, findings);

  const encryptPaths = new Map<string, string>();
  const anonymize = new Map<string, Finding[]>();
  for (const f of findings) {
    const rule = ruleOf.get(f.type)!;
    if (rule.action === "encrypt") encryptPaths.set(f.path!, f.type);
    else if (rule.action === "anonymize") {
      let list = anonymize.get(f.path!);
      if (!list) anonymize.set(f.path!, (list = []));
      list.push(f);
    }
  }
  const operators: OperatorMap = {};
  for (const [type, rule] of rules) if (rule.action === "anonymize") operators[type] = rule.operator;
  const keys = new OperatorKeys(env, tenantId);
  const ctx: OperatorContext = { keys, vault: options.vault ?? new TokenVault(keys), record: data };
  const items: ChangedItem[] = [];

  const out = await mapJson(data, {
    async leaf(value, inPath, outPath) {
      if (typeof value !== "string" && typeof value !== "number") return value;
      const encType = encryptPaths.get(inPath);
      if (encType) {
        const sealed = await encryptField(keys, value);
        items.push({ type: encType, path: outPath, start: 0, end: sealed.length, operator: "encrypt" });
        return sealed;
      }
      const found = anonymize.get(inPath);
      if (!found) return value;
      const r = await anonymizeString(String(value), found, operators, ctx, outPath);
      items.push(...r.items);
      return r.items.length ? r.text : value;
    },
    // A name cannot hold a JSON value: `encrypt` seals the name itself into an inline ciphertext.
    async name(name, inPath, outParent) {
      const at = inPath + MEMBER_NAME;
      const encType = encryptPaths.get(at);
      const found = anonymize.get(at);
      if (!encType && !found) return name;
      let renamed: string;
      let changed: ChangedItem[];
      if (encType) {
        renamed = await encryptField(keys, name);
        changed = [{ type: encType, start: 0, end: renamed.length, operator: "encrypt" }];
      } else {
        const r = await anonymizeString(name, found!, operators, ctx);
        renamed = r.items.length ? r.text : name;
        changed = r.items;
      }
      const path = pathSegment(outParent, renamed) + MEMBER_NAME;
      items.push(...changed.map((i) => ({ ...i, path })));
      return renamed;
    },
  });
  if (!options.vault) await ctx.vault.flush(env.DB);
  return { data: out, items };
}

/**
 * Applies a dataset's PII policy to a record: returns the record to store (anonymized
 * and/or with encrypted fields), or throws a 422 ProblemError (`pii-rejected`) naming
 * the entity types and JSON paths it rejects.
 * @example const stored = await applyPiiPolicy(env, tenantId, dataset.pii_policy, record.data);
 */
export async function applyPiiPolicy(
  env: KeyEnv,
  tenantId: string,
  policy: PiiPolicy | null | undefined,
  data: unknown,
): Promise<unknown> {
  return (await applyPiiPolicyDetailed(env, tenantId, policy, data)).data;
}

/**
 * The policy step of a (batch) record write: applies the policy to every record, and
 * rejects with ONE 422 listing every record's rejected entities, with paths under each
 * record's root (`$.data`, `$.records[3].data`) and, for batches, the record index.
 * Tokens are collected and written only by `flush()`, which the write path calls once
 * the whole write has passed its checks.
 */
export async function applyPiiPolicyToRecords(
  env: KeyEnv,
  tenantId: string,
  policy: PiiPolicy | null | undefined,
  records: readonly unknown[],
  rootOf: (i: number) => string,
  batch: boolean,
): Promise<{ values: unknown[]; flush: () => Promise<number> }> {
  if (!policy || !activeRules(policy).length) return { values: [...records], flush: async () => 0 };
  const vault = new TokenVault(new OperatorKeys(env, tenantId));
  const budget = new ScanBudget();
  const values: unknown[] = [];
  const errors: FieldError[] = [];
  const collisions: FieldError[] = [];
  const types = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    try {
      values.push((await applyPiiPolicyDetailed(env, tenantId, policy, records[i], { vault, budget })).data);
    } catch (err) {
      if (err instanceof MemberNameCollision) {
        for (const e of err.errors ?? [])
          collisions.push({ ...e, path: rootOf(i) + e.path.slice(1), ...(batch ? { index: i } : {}) });
        values.push(undefined);
        continue;
      }
      if (!(err instanceof ProblemError) || err.slug !== "pii-rejected") throw err;
      for (const e of err.errors ?? [])
        errors.push({ ...e, path: rootOf(i) + e.path.slice(1), ...(batch ? { index: i } : {}) });
      for (const t of (err.extensions?.entities as string[] | undefined) ?? []) types.add(t);
      values.push(undefined);
    }
  }
  if (errors.length) {
    throw new ProblemError(422, "pii-rejected", {
      detail: `${batch ? "Some records contain" : "The record contains"} ${[...types].join(", ")}, which the dataset's PII policy rejects.`,
      errors,
      extensions: { entities: [...types] },
    });
  }
  if (collisions.length) {
    throw new ProblemError(422, "member-name-collision", {
      detail:
        "The dataset's PII policy would give two members of one object the same name; choose an operator whose " +
        "outputs differ (pseudonymize, tokenize, hash).",
      errors: collisions,
    });
  }
  return { values, flush: () => vault.flush(env.DB) };
}
