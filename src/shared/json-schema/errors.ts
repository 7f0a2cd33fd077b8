/** Turning @cfworker/json-schema output units into the API's field errors. */
import type { OutputUnit } from "@cfworker/json-schema";
import type { FieldError } from "../errors";

/**
 * Keywords whose failure only says "something below failed"; the units below say what.
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

/**
 * Every real error of a @cfworker/json-schema result,
 * summaries and branch noise removed, once per path and message. Keeping only the
 * deepest unit per location would hide e.g. a missing required property next to a wrong type.
 */
export function schemaErrorList(units: OutputUnit[], root: string): FieldError[] {
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

/**
 * Turns a JSON pointer like `#/properties/age` into `$.properties.age` under `root`.
 * @cfworker/json-schema gives URI-fragment pointers, so segments are percent-decoded.
 */
export function pointerToPath(pointer: string, root = "$"): string {
  const parts = pointer
    .replace(/^#?\/?/, "")
    .split("/")
    .filter((p) => p !== "");
  return parts.reduce((path, part) => {
    const key = safeDecode(part).replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key)
      ? `${path}[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${path}.${key}`
        : `${path}[${JSON.stringify(key)}]`;
  }, root);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
