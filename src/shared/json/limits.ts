/** The limits of the JSON reader, the same for every JSON body of the API. */

/**
 * Deepest nesting of objects and arrays in a request body, counting the body itself as
 * level 1 (`{"data":{"a":[1]}}` is 3 deep). Deep enough for any record or JSON Schema we
 * have seen; shallow enough that canonicalization, schema validation and the PII walk,
 * which recurse, stay far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/** Value errors (numbers, surrogates) listed in one problem; the scan stops counting after this. */
export const MAX_JSON_ISSUES = 20;
