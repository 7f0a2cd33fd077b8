/**
 * The write path's preparation step: every record write (single, batch, update) passes
 * through `prepareRecords` before it reaches the DatasetObject. The steps run in order:
 *
 *   1. shape: `data` is a JSON object (the body reader already refused what   → 422
 *      I-JSON forbids: inexact numbers, lone surrogates, deep nesting)
 *   2. the dataset's PII policy (src/shared/anonymize/policy.ts): may anonymize or
 *      encrypt fields, or refuse the write; everything after sees its output  → 422
 *   3. RFC 8785 canonical JSON, per-record and per-batch size limits          → 413
 *   4. JSON Schema validation against the dataset's schema                    → 422
 *   5. SHA-256 of the canonical bytes
 *
 * Errors are collected over the whole request, so a rejected batch lists every problem
 * with its record index and JSON path, and nothing of it is stored.
 */
import { ProblemError, validationFailed, type FieldError } from "../errors";
import { applyPiiPolicyToRecords } from "../anonymize/policy";
import type { PiiPolicy } from "../schema/pii";
import { canonicalJson, sha256Hex, utf8 } from "./canonical";
import { MAX_BATCH_BYTES, MAX_RECORD_BYTES } from "./limits";
import { schemaErrors, shapeErrors, validatorFor } from "./validate";
import { SchemaRegexBudget } from "../json-schema/linear-regex";

/** The dataset fields the write path reads. */
export interface IngestDataset {
  id: string;
  tenantId: string;
  /** JSON Schema as JSON text, or null for free-form records. */
  schema: string | null;
  /** PII policy as JSON text, or null; read by the policy step. */
  piiPolicy: string | null;
}

/** Bindings available to preparation steps (a PII policy needs the tenant's keys). */
export type IngestEnv = Pick<Env, "DB" | "MASTER_KEYS">;

export interface RecordInput {
  data: unknown;
}

/** A record ready to be sealed: its canonical JSON, size in bytes and SHA-256 (hex). */
export interface PreparedRecord {
  canonical: string;
  size: number;
  sha256: string;
}

export interface IngestOptions {
  /** Batch requests report paths under `$.records[i].data` with the index; single writes under `$.data`. */
  batch: boolean;
}

/**
 * Turns request inputs into records ready for encryption, or throws a 413/422 problem
 * listing every error.
 * @example const [rec] = await prepareRecords(env, dataset, [{ data: { q: "hi" } }], { batch: false });
 */
export async function prepareRecords(
  env: IngestEnv,
  dataset: IngestDataset,
  inputs: RecordInput[],
  options: IngestOptions,
): Promise<PreparedRecord[]> {
  const root = (i: number) => (options.batch ? `$.records[${i}].data` : "$.data");
  const at = (i: number, errs: FieldError[]) => (options.batch ? errs.map((e) => ({ ...e, index: i })) : errs);

  // 1. shape
  const shape = inputs.flatMap((input, i) => at(i, shapeErrors(input.data, root(i))));
  if (shape.length) throw validationFailed(shape, "Some records are not acceptable JSON objects.");

  // 2. dataset policy transforms: the PII policy may anonymize or encrypt fields, or
  // reject the write (422 pii-rejected, types and paths only). Tokens it creates are
  // written to the vault only once every later check has passed.
  const policy = dataset.piiPolicy === null ? null : (JSON.parse(dataset.piiPolicy) as PiiPolicy);
  const pii = await applyPiiPolicyToRecords(
    env,
    dataset.tenantId,
    policy,
    inputs.map((i) => i.data),
    root,
    options.batch,
  );
  const values: unknown[] = pii.values;

  // 3. canonical form and size limits
  const canonical = values.map((v) => canonicalJson(v));
  const sizes = canonical.map((text) => utf8(text));
  const tooLarge = sizes.flatMap((b, i) =>
    b.byteLength > MAX_RECORD_BYTES
      ? at(i, [
          {
            path: root(i),
            message: `The record is ${b.byteLength} bytes as canonical JSON; the limit is ${MAX_RECORD_BYTES}.`,
          },
        ])
      : [],
  );
  if (tooLarge.length) {
    throw new ProblemError(413, "payload-too-large", {
      detail: `A record's data may be at most ${MAX_RECORD_BYTES} bytes as canonical JSON.`,
      errors: tooLarge,
      extensions: { limit_bytes: MAX_RECORD_BYTES },
    });
  }
  const total = sizes.reduce((n, b) => n + b.byteLength, 0);
  if (total > MAX_BATCH_BYTES) {
    throw new ProblemError(413, "payload-too-large", {
      detail: `The records add up to ${total} bytes as canonical JSON; a batch may hold at most ${MAX_BATCH_BYTES}.`,
      extensions: { limit_bytes: MAX_BATCH_BYTES },
    });
  }

  // 4. schema
  if (dataset.schema !== null) {
    const validator = validatorFor(dataset.schema);
    const budget = new SchemaRegexBudget();
    const invalid = values.flatMap((v, i) => at(i, schemaErrors(validator, v, root(i), budget)));
    if (invalid.length) throw validationFailed(invalid, "Some records do not match the dataset's JSON Schema.");
  }

  // 5. hash
  const prepared = await Promise.all(
    sizes.map(async (bytes, i) => ({
      canonical: canonical[i],
      size: bytes.byteLength,
      sha256: await sha256Hex(bytes),
    })),
  );
  await pii.flush();
  return prepared;
}
