/** Checks that a dataset's JSON Schema is itself a valid draft 2020-12 schema. */
import { Validator, type Schema } from "@cfworker/json-schema";
import type { FieldError } from "../errors";
import { schemaErrorList } from "./errors";
import { compileSchemaPattern, withLinearRegex } from "./linear-regex";
import { RefusedPatternError } from "../pii/tenant-pattern";

export { pointerToPath } from "./errors";
import { META_SCHEMA_2020_12 } from "./meta-schema";

const metaValidator = new Validator(META_SCHEMA_2020_12, "2020-12", false);

/** Field errors, empty when `schema` is a usable JSON Schema. `root` prefixes every path. */
export function checkJsonSchema(schema: unknown, root = "$.schema"): FieldError[] {
  const result = metaValidator.validate(schema);
  if (!result.valid) return schemaErrorList(result.errors, root);
  const errors: FieldError[] = [];
  collectRegexErrors(schema, root, errors);
  if (errors.length) return errors;
  try {
    // Unresolvable $refs only surface when the validator walks them.
    withLinearRegex(() => new Validator(schema as Schema, "2020-12", false).validate(null));
    withLinearRegex(() => new Validator(schema as Schema, "2020-12", false).validate({}));
  } catch (err) {
    errors.push({ path: root, message: err instanceof Error ? err.message : "The schema cannot be used." });
  }
  return errors;
}

/**
 * `pattern` and `patternProperties` keys must be JavaScript regular expressions (with the `u`
 * flag) that the linear-time engine can run (see linear-regex.ts); the error names the feature.
 */
function collectRegexErrors(node: unknown, path: string, out: FieldError[]): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach((child, i) => collectRegexErrors(child, `${path}[${i}]`, out));
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    if (key === "pattern" && typeof value === "string") tryRegex(value, childPath, out);
    if (key === "patternProperties" && value && typeof value === "object") {
      for (const p of Object.keys(value)) tryRegex(p, `${childPath}[${JSON.stringify(p)}]`, out);
    }
    collectRegexErrors(value, childPath, out);
  }
}

function tryRegex(source: string, path: string, out: FieldError[]): void {
  try {
    compileSchemaPattern(source);
  } catch (err) {
    if (!(err instanceof RefusedPatternError)) throw err;
    out.push({ path, message: `Not a usable regular expression: ${err.message}.` });
  }
}
