/**
 * The JSON Schema draft 2020-12 meta-schema, its seven vocabularies merged into one
 * document ($dynamicRef "meta" becomes $ref "#"), so a dataset schema can be checked
 * offline with @cfworker/json-schema, which ships no meta-schemas.
 */
import type { Schema } from "@cfworker/json-schema";

const schemaArray: Schema = { type: "array", minItems: 1, items: { $ref: "#" } };
const nonNegativeInteger: Schema = { type: "integer", minimum: 0 };
const stringArray: Schema = { type: "array", items: { type: "string" }, uniqueItems: true, default: [] };
const simpleTypes: Schema = { enum: ["array", "boolean", "integer", "null", "number", "object", "string"] };

export const META_SCHEMA_2020_12: Schema = {
  $id: "https://llm-data-vault.dev/meta/2020-12",
  type: ["object", "boolean"],
  properties: {
    // core
    $id: { type: "string", format: "uri-reference", pattern: "^[^#]*#?$" },
    $schema: { type: "string", format: "uri" },
    $ref: { type: "string", format: "uri-reference" },
    $anchor: { type: "string", pattern: "^[A-Za-z_][-A-Za-z0-9._]*$" },
    $dynamicRef: { type: "string", format: "uri-reference" },
    $dynamicAnchor: { type: "string", pattern: "^[A-Za-z_][-A-Za-z0-9._]*$" },
    $vocabulary: {
      type: "object",
      propertyNames: { type: "string", format: "uri" },
      additionalProperties: { type: "boolean" },
    },
    $comment: { type: "string" },
    $defs: { type: "object", additionalProperties: { $ref: "#" } },
    definitions: { type: "object", additionalProperties: { $ref: "#" } },
    // applicator
    prefixItems: schemaArray,
    items: { $ref: "#" },
    contains: { $ref: "#" },
    additionalProperties: { $ref: "#" },
    properties: { type: "object", additionalProperties: { $ref: "#" }, default: {} },
    patternProperties: {
      type: "object",
      additionalProperties: { $ref: "#" },
      propertyNames: { format: "regex" },
      default: {},
    },
    dependentSchemas: { type: "object", additionalProperties: { $ref: "#" }, default: {} },
    propertyNames: { $ref: "#" },
    if: { $ref: "#" },
    then: { $ref: "#" },
    else: { $ref: "#" },
    allOf: schemaArray,
    anyOf: schemaArray,
    oneOf: schemaArray,
    not: { $ref: "#" },
    // unevaluated
    unevaluatedItems: { $ref: "#" },
    unevaluatedProperties: { $ref: "#" },
    // validation
    type: { anyOf: [simpleTypes, { type: "array", items: simpleTypes, minItems: 1, uniqueItems: true }] },
    const: true,
    enum: { type: "array", items: true },
    multipleOf: { type: "number", exclusiveMinimum: 0 },
    maximum: { type: "number" },
    exclusiveMaximum: { type: "number" },
    minimum: { type: "number" },
    exclusiveMinimum: { type: "number" },
    maxLength: nonNegativeInteger,
    minLength: nonNegativeInteger,
    pattern: { type: "string", format: "regex" },
    maxItems: nonNegativeInteger,
    minItems: nonNegativeInteger,
    uniqueItems: { type: "boolean", default: false },
    maxContains: nonNegativeInteger,
    minContains: { type: "integer", minimum: 0, default: 1 },
    maxProperties: nonNegativeInteger,
    minProperties: nonNegativeInteger,
    required: stringArray,
    dependentRequired: { type: "object", additionalProperties: stringArray },
    // meta-data
    title: { type: "string" },
    description: { type: "string" },
    default: true,
    deprecated: { type: "boolean", default: false },
    readOnly: { type: "boolean", default: false },
    writeOnly: { type: "boolean", default: false },
    examples: { type: "array", items: true },
    // format-annotation and content
    format: { type: "string" },
    contentEncoding: { type: "string" },
    contentMediaType: { type: "string" },
    contentSchema: { $ref: "#" },
  },
};
