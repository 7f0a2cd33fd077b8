/**
 * Detection for a tenant request: checks the entity names against the built-in types and
 * the tenant's recognizers, loads those recognizers, and runs detection over text or JSON.
 * Applying operators to the findings is src/shared/anonymize/service.ts.
 */
import type { KeyEnv } from "../crypto/tenant-kek";
import { validationFailed, type FieldError } from "../errors";
import { assertPathsBounded } from "../json/answer-paths";
import { detectText, prepareOptions } from "./detect";
import { isBuiltinEntity } from "./entities";
import { detectJsonWithNames } from "./member-names";
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

/**
 * Runs detection for a tenant: built-in recognizers plus the tenant's own; JSON member names are scanned too.
 * @throws ProblemError 422 `answer-too-large` when the findings' paths sum past MAX_ANSWER_PATH_CHARS (unless
 *   `boundPaths` is false: a caller that does not list the findings).
 */
export async function detectForTenant(
  env: KeyEnv,
  tenantId: string,
  input: DetectionInput,
  extraNames: [string, string][] = [],
  { boundPaths = true }: { boundPaths?: boolean } = {},
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
  if (input.text !== undefined) return detectText(input.text, opts);
  const findings = detectJsonWithNames(input.data, opts);
  if (boundPaths) assertPathsBounded(findings, "findings");
  return findings;
}
