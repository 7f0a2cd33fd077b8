/**
 * Detection and anonymization for a tenant request: checks the entity names against the
 * built-in types and the tenant's recognizers, loads those recognizers, runs detection
 * over text or JSON, and applies the operators.
 */
import { anonymizeJson, anonymizeString, type ChangedItem } from "../anonymize/anonymize";
import { OperatorKeys } from "../anonymize/keys";
import { checkOperators, type OperatorMap } from "../anonymize/operators";
import { TokenVault } from "../anonymize/vault";
import type { KeyEnv } from "../crypto/tenant-kek";
import { validationFailed, type FieldError } from "../errors";
import { detectJson, detectText, prepareOptions } from "./detect";
import { isBuiltinEntity } from "./entities";
import { loadRecognizers } from "./recognizer-store";
import type { CompiledRecognizer, Finding } from "./types";

export interface DetectionInput {
  text?: string;
  data?: unknown;
  entities?: string[];
  min_score?: number;
  allow?: string[];
  deny?: string[];
  return_text?: boolean;
  language?: string[];
  default_region?: string;
}

/** 422 for entity names that are neither built in nor produced by one of the tenant's recognizers. */
export function checkEntityNames(names: Iterable<[string, string]>, custom: readonly CompiledRecognizer[]): void {
  const known = new Set(custom.map((r) => r.entity));
  const errors: FieldError[] = [];
  for (const [path, name] of names) {
    if (name !== "DEFAULT" && !isBuiltinEntity(name) && !known.has(name))
      errors.push({ path, message: `Unknown entity type '${name}'.` });
  }
  if (errors.length)
    throw validationFailed(
      errors,
      "Some entity types are unknown: use a built-in type or the entity of one of your recognizers.",
    );
}

/** Runs detection for a tenant: built-in recognizers plus the tenant's own. */
export async function detectForTenant(
  env: KeyEnv,
  tenantId: string,
  input: DetectionInput,
  extraNames: [string, string][] = [],
): Promise<Finding[]> {
  const custom = await loadRecognizers(env.DB, tenantId);
  checkEntityNames(
    [...(input.entities ?? []).map((e, i): [string, string] => [`$.entities[${i}]`, e]), ...extraNames],
    custom,
  );
  const opts = prepareOptions({
    entities: input.entities,
    minScore: input.min_score,
    allow: input.allow,
    deny: input.deny,
    custom,
    returnText: input.return_text,
    defaultRegion: input.default_region,
    languages: input.language,
  });
  return input.text !== undefined ? detectText(input.text, opts) : detectJson(input.data, opts);
}

export interface AnonymizeResult {
  text?: string;
  data?: unknown;
  items: ChangedItem[];
  /** Collects tokens to write; the caller flushes it (audited) before answering. */
  vault: TokenVault;
}

/** Detects and anonymizes; tokens are collected in `vault`, not yet written. */
export async function anonymizeForTenant(
  env: KeyEnv,
  tenantId: string,
  input: DetectionInput & { operators?: OperatorMap },
): Promise<AnonymizeResult> {
  checkOperators(input.operators);
  const operatorNames = Object.keys(input.operators ?? {}).map((k): [string, string] => [`$.operators.${k}`, k]);
  const findings = await detectForTenant(env, tenantId, { ...input, return_text: false }, operatorNames);
  const keys = new OperatorKeys(env, tenantId);
  const vault = new TokenVault(keys);
  const ctx = { keys, vault };
  if (input.text !== undefined) {
    const r = await anonymizeString(input.text, findings, input.operators, ctx);
    return { text: r.text, items: r.items, vault };
  }
  const r = await anonymizeJson(input.data, findings, input.operators, ctx);
  return { data: r.data, items: r.items, vault };
}
