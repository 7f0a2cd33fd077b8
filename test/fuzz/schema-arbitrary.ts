/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document: values the
 * document says are valid, plus mutations of them that it says are not. Written from the
 * JSON Schema 2020-12 keywords, not from our zod schemas, so it knows only what the
 * document tells a client.
 */
import fc from "fast-check";

export type JsonSchema = boolean | { [keyword: string]: any };

export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, JsonSchema> };
}

const MAX_DEPTH = 6;
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** Text that exercises the body reader: any Unicode, control characters, escapes, long runs. */
const anyString = (minLength = 0, maxLength = 40) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: "binary-ascii" }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength }) },
  );

export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s === "object" && typeof s.$ref === "string"; i++) {
    const name = s.$ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${s.$ref}`);
    const { $ref: _ref, ...rest } = s;
    s = Object.keys(rest).length ? { ...(target as object), ...rest } : target;
  }
  return s;
}

/** Values valid under `schema`, as far as generation can see (pattern + length may clash; rare). */
export function valid(doc: OpenApiDocument, schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (s === true) return fc.jsonValue({ maxDepth: 2 });
  if (s === false) return fc.constant(null);
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  // Object-level oneOf/anyOf that only add `required` sets refine the object's own properties.
  const branches = s.oneOf ?? s.anyOf;
  if (Array.isArray(branches)) {
    const { oneOf: _o, anyOf: _a, ...base } = s;
    const merged = branches.map((b: JsonSchema, i: number) =>
      s.properties && typeof b === "object" && !b.$ref ? branchOf(base, branches, i, !!s.oneOf) : b,
    );
    return fc.oneof(...merged.map((b: JsonSchema) => valid(doc, b, depth + 1)));
  }
  if (Array.isArray(s.allOf))
    return valid(
      doc,
      s.allOf.reduce((a: any, b: any) => mergeObject(a, resolve(doc, b)), {}),
      depth,
    );
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : [];
  if (!types.length) return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((t) => ofType(doc, s, t, depth)));
}

/**
 * Branch `i` of an object-level oneOf made of `required` sets: its members required, the
 * members only other branches require (oneOf) or its `not` names left out.
 */
function branchOf(base: any, branches: any[], i: number, exclusive: boolean): any {
  const own: string[] = branches[i].required ?? [];
  const others = exclusive ? branches.flatMap((b, j) => (j === i ? [] : (b.required ?? []))) : [];
  const forbidden: string[] = (branches[i].not?.anyOf ?? []).flatMap((b: any) => b.required ?? []);
  const drop = new Set([...others, ...forbidden].filter((m) => !own.includes(m)));
  const properties = Object.fromEntries(Object.entries(base.properties ?? {}).filter(([k]) => !drop.has(k)));
  return { ...base, properties, required: [...new Set([...(base.required ?? []), ...own])] };
}

/** Member names under `propertyNames` (a pattern, a const, or anyOf of those). */
function namesOf(names: any): fc.Arbitrary<string> {
  if (!names) return anyString(1, 12);
  if (Array.isArray(names.anyOf)) return fc.oneof(...(names.anyOf as unknown[]).map(namesOf));
  if (names.const !== undefined) return fc.constant(names.const);
  if (names.pattern) return fc.stringMatching(new RegExp(names.pattern, "u"));
  return anyString(1, 12);
}

function mergeObject(a: any, b: any): any {
  const required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return {
    ...a,
    ...b,
    properties: { ...(a.properties ?? {}), ...(b.properties ?? {}) },
    required,
    type: a.type ?? b.type,
  };
}

function ofType(doc: OpenApiDocument, s: any, type: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max =
        s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : Math.max(min, 0) + 1_000_000);
      const edges = [min, max, Math.min(max, min + 1)];
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min, max }) },
        { weight: 1, arbitrary: fc.constantFrom(...edges) },
      );
    }
    case "number": {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1e9;
      const max = s.maximum ?? s.exclusiveMaximum ?? 1e9;
      return fc
        .double({
          min,
          max,
          noNaN: true,
          noDefaultInfinity: true,
          minExcluded: s.exclusiveMinimum !== undefined,
          maxExcluded: s.exclusiveMaximum !== undefined,
        })
        .map((x) => (Object.is(x, -0) ? 0 : x));
    }
    case "string": {
      const minLength = s.minLength ?? 0;
      const maxLength = Math.min(s.maxLength ?? 40, Math.max(minLength, 40));
      if (s.pattern) {
        return fc
          .stringMatching(new RegExp(s.pattern, "u"))
          .filter((x) => x.length >= minLength && x.length <= (s.maxLength ?? Infinity));
      }
      if (s.format === "byte") return fc.uint8Array({ maxLength: 48 }).map(b64);
      if (s.format === "date-time")
        return fc
          .date({ noInvalidDate: true, min: new Date(0), max: new Date(4102444800000) })
          .map((d) => d.toISOString());
      return anyString(minLength, maxLength);
    }
    case "array": {
      if (depth > MAX_DEPTH) return fc.constant([]);
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? 4, minLength + 4);
      return fc.array(s.items === undefined ? fc.jsonValue({ maxDepth: 1 }) : valid(doc, s.items, depth + 1), {
        minLength,
        maxLength,
      });
    }
    case "object": {
      if (depth > MAX_DEPTH) return fc.constant({});
      const props: Record<string, JsonSchema> = s.properties ?? {};
      const required: string[] = s.required ?? [];
      const known = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(doc, v, depth + 1)])),
        { requiredKeys: required.filter((k) => k in props) },
      );
      const extra = s.additionalProperties;
      const hasExtra = extra !== undefined && extra !== false && Object.keys(props).length === 0;
      const value = hasExtra
        ? fc.dictionary(
            namesOf(s.propertyNames),
            extra === true || (typeof extra === "object" && !Object.keys(extra).length)
              ? fc.jsonValue({ maxDepth: 2 })
              : valid(doc, extra, depth + 1),
            {
              minKeys: s.minProperties ?? 0,
              maxKeys: Math.min(s.maxProperties ?? 4, (s.minProperties ?? 0) + 4),
            },
          )
        : known;
      return s.minProperties ? value.filter((o) => Object.keys(o as object).length >= s.minProperties) : value;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values the document says are invalid, or at least unexpected: wrong types, dropped or unknown fields, junk. */
export function invalid(doc: OpenApiDocument, schema: JsonSchema): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const base = valid(doc, s);
  const required: string[] = typeof s === "object" ? (s.required ?? []) : [];
  const props = typeof s === "object" ? Object.keys(s.properties ?? {}) : [];
  const wrongType = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.constant({}),
  );
  const mutations: fc.Arbitrary<unknown>[] = [fc.jsonValue({ maxDepth: 3 }), wrongType];
  if (props.length) {
    mutations.push(
      fc.tuple(base, fc.constantFrom(...props), wrongType).map(([v, k, w]) => ({ ...(v as object), [k]: w })),
      fc
        .tuple(base, anyString(1, 10), fc.jsonValue({ maxDepth: 1 }))
        .map(([v, k, w]) => ({ ...(v as object), [k]: w })),
    );
  }
  if (required.length) {
    mutations.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([v, k]) => {
        const copy = { ...(v as object) } as Record<string, unknown>;
        delete copy[k];
        return copy;
      }),
    );
  }
  return fc.oneof(...mutations);
}
