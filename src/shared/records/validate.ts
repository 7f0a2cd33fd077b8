/**
 * Record validation against a dataset's JSON Schema (draft 2020-12, @cfworker/json-schema).
 * Compiled validators are cached per isolate by schema text, so a schema is compiled once
 * however many records and requests use it.
 */
import { Validator, type OutputUnit, type Schema } from "@cfworker/json-schema";
import type { FieldError } from "../errors";
import { pointerToPath } from "../json-schema/check-schema";

const MAX_CACHED = 64;
const cache = new Map<string, Validator>();

/** The compiled validator of a schema given as JSON text (as stored in D1). */
export function validatorFor(schemaText: string): Validator {
  const hit = cache.get(schemaText);
  if (hit) {
    // Re-insert so the map's order is least recently used first.
    cache.delete(schemaText);
    cache.set(schemaText, hit);
    return hit;
  }
  // shortCircuit = false: a rejected write lists every error, not just the first.
  const validator = new Validator(JSON.parse(schemaText) as Schema | boolean, "2020-12", false);
  cache.set(schemaText, validator);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return validator;
}

/** Schema errors of one value, each with its JSON path under `root` (e.g. `$.records[3].data`). */
export function schemaErrors(validator: Validator, value: unknown, root: string): FieldError[] {
  const result = validator.validate(value);
  return result.valid ? [] : recordErrors(result.errors, root);
}

/**
 * Keywords whose failure only says "something below failed"; the units below say what.
 * (The shared `leafErrors` keeps one unit per location and drops any location that has
 * deeper errors, which would hide e.g. a missing required property next to a wrong type.)
 */
const SUMMARY_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "dependentSchemas",
  "items",
  "prefixItems",
  "additionalItems",
  "unevaluatedItems",
  "allOf",
  "then",
  "else",
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
]);
/** Keywords whose own message is the useful one; the failures of their branches are noise. */
const BRANCHING_KEYWORDS = new Set(["anyOf", "oneOf", "not"]);

/** Every real error of a @cfworker/json-schema result, summaries and branch noise removed, once per path and message. */
export function recordErrors(units: OutputUnit[], root: string): FieldError[] {
  const branches = units.filter((u) => BRANCHING_KEYWORDS.has(u.keyword)).map((u) => u.keywordLocation + "/");
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const u of units) {
    if (SUMMARY_KEYWORDS.has(u.keyword)) continue;
    if (branches.some((b) => u.keywordLocation.startsWith(b))) continue;
    const path = pointerToPath(u.instanceLocation, root);
    const message = u.keyword === "false" ? "Not allowed by the schema." : u.error;
    const key = `${path}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/** A record's data is a JSON object; anything else is refused before schema validation. */
export function shapeErrors(value: unknown, root: string): FieldError[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [{ path: root, message: "A record's data must be a JSON object." }];
  }
  return [];
}
