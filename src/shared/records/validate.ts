/**
 * Record validation against a dataset's JSON Schema (draft 2020-12, @cfworker/json-schema).
 * Compiled validators are cached per isolate by schema text, so a schema is compiled once
 * however many records and requests use it.
 */
import { Validator, type Schema } from "@cfworker/json-schema";
import type { FieldError } from "../errors";
import { schemaErrorList } from "../json-schema/errors";
import { SchemaRegexBudget, withLinearRegex } from "../json-schema/linear-regex";

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

/**
 * Schema errors of one value, each with its JSON path under `root` (e.g. `$.records[3].data`).
 * `pattern` / `patternProperties` run on RE2 (linear-regex.ts); pass one `budget` for all the
 * values of a request.
 * @throws ProblemError 413 `scan-limit-exceeded` when schema patterns would read too much of the value
 */
export function schemaErrors(
  validator: Validator,
  value: unknown,
  root: string,
  budget = new SchemaRegexBudget(),
): FieldError[] {
  const result = withLinearRegex(() => validator.validate(value), budget);
  return result.valid ? [] : schemaErrorList(result.errors, root);
}

/** A record's data is a JSON object; anything else is refused before schema validation. */
export function shapeErrors(value: unknown, root: string): FieldError[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [{ path: root, message: "A record's data must be a JSON object." }];
  }
  return [];
}
