/** Checks that a dataset's JSON Schema is itself a valid draft 2020-12 schema. */
import { Validator, type OutputUnit, type Schema } from "@cfworker/json-schema";
import type { FieldError } from "../errors";
import { META_SCHEMA_2020_12 } from "./meta-schema";

const metaValidator = new Validator(META_SCHEMA_2020_12, "2020-12", false);

/**
 * Turns a JSON pointer like `#/properties/age` into `$.properties.age` under `root`.
 * @cfworker/json-schema gives URI-fragment pointers, so segments are percent-decoded.
 */
export function pointerToPath(pointer: string, root = "$"): string {
  const parts = pointer.replace(/^#?\/?/, "").split("/").filter((p) => p !== "");
  return parts.reduce((path, part) => {
    const key = safeDecode(part).replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key) ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
  }, root);
}

/**
 * The leaf errors of a @cfworker/json-schema result: the summary units ("Property x does
 * not match schema") repeat their children, so only the deepest unit per location is kept.
 */
export function leafErrors(errors: OutputUnit[], root: string): FieldError[] {
  const byLocation = new Map<string, OutputUnit>();
  for (const e of errors) byLocation.set(e.instanceLocation, e);
  const locations = [...byLocation.keys()];
  return locations
    .filter((loc) => !locations.some((other) => other !== loc && other.startsWith(loc + "/")))
    .map((loc) => ({ path: pointerToPath(loc, root), message: byLocation.get(loc)!.error }));
}

/** Field errors, empty when `schema` is a usable JSON Schema. `root` prefixes every path. */
export function checkJsonSchema(schema: unknown, root = "$.schema"): FieldError[] {
  const result = metaValidator.validate(schema);
  if (!result.valid) return leafErrors(result.errors, root);
  const errors: FieldError[] = [];
  collectRegexErrors(schema, root, errors);
  if (errors.length) return errors;
  try {
    // Unresolvable $refs only surface when the validator walks them.
    new Validator(schema as Schema, "2020-12", false).validate(null);
    new Validator(schema as Schema, "2020-12", false).validate({});
  } catch (err) {
    errors.push({ path: root, message: err instanceof Error ? err.message : "The schema cannot be used." });
  }
  return errors;
}

/** `pattern` and `patternProperties` must compile as JavaScript regular expressions with the `u` flag. */
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
    new RegExp(source, "u");
  } catch {
    out.push({ path, message: "Not a valid regular expression." });
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
