/**
 * Anonymization for a tenant request (POST /anonymize, the anonymize export target): detects
 * with the tenant's recognizers (src/shared/pii/service.ts), then applies the operators.
 */
import type { KeyEnv } from "../crypto/tenant-kek";
import { assertPathsBounded } from "../json/answer-paths";
import { detectForTenant, type DetectionInput } from "../pii/service";
import { anonymizeJson, anonymizeString, type ChangedItem } from "./anonymize";
import { OperatorKeys } from "./keys";
import { checkOperators, type OperatorMap } from "./operators";
import { TokenVault } from "./vault";

export interface AnonymizeResult {
  text?: string;
  data?: unknown;
  items: ChangedItem[];
  /** Collects tokens to write; the caller flushes it (audited) before answering. */
  vault: TokenVault;
}

/**
 * Detects and anonymizes; tokens are collected in `vault`, not yet written.
 * @throws ProblemError 422 `answer-too-large` when the findings' or the items' paths sum past MAX_ANSWER_PATH_CHARS;
 *   `listItems: false` (a caller that keeps only the output, an export) skips that bound.
 */
export async function anonymizeForTenant(
  env: KeyEnv,
  tenantId: string,
  input: DetectionInput & { operators?: OperatorMap },
  { listItems = true }: { listItems?: boolean } = {},
): Promise<AnonymizeResult> {
  checkOperators(input.operators);
  const operatorNames = Object.keys(input.operators ?? {}).map((k): [string, string] => [`$.operators.${k}`, k]);
  const findings = await detectForTenant(env, tenantId, { ...input, return_text: false }, operatorNames, {
    boundPaths: listItems,
  });
  const keys = new OperatorKeys(env, tenantId);
  const vault = new TokenVault(keys);
  const ctx = { keys, vault };
  if (input.text !== undefined) {
    const r = await anonymizeString(input.text, findings, input.operators, ctx);
    return { text: r.text, items: r.items, vault };
  }
  const r = await anonymizeJson(input.data, findings, input.operators, ctx);
  // Output paths differ from the input's (a renamed member): bounded again, before the caller writes any token.
  if (listItems) assertPathsBounded(r.items, "changed items");
  return { data: r.data, items: r.items, vault };
}
