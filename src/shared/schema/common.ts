/** Schemas shared by every resource: problem documents, ids, pagination. */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN } from "../ids";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://llm-data-vault.dev/problems/validation-failed" }),
    title: z.string().openapi({ example: "Unprocessable Content" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().optional(),
    request_id: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string().openapi({ example: "$.name" }),
          message: z.string(),
          index: z.number().int().optional(),
        }),
      )
      .optional(),
  })
  .passthrough()
  .openapi("Problem");

export const idParam = (prefix: string, name = "id") =>
  z
    .string()
    .regex(ID_PATTERN, "not a valid id")
    .openapi({ param: { name, in: "path" }, example: `${prefix}_01JD0Z5W3K8Q4V2M7N6P5R4S3T` });

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .openapi({ param: { name: "limit", in: "query" }, example: 100 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description: "Opaque cursor from the previous page's next_cursor.",
    }),
});

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
    })
    .openapi(name);

/**
 * JSON Schema for "exactly one of these members", for the document: the server checks the
 * same rule in a refine, and a fuzzer reading the document should know it.
 * @example exactlyOneOf("text", "data") // [{ required: ["text"] }, { required: ["data"] }]
 */
export const exactlyOneOf = (...members: string[]) => members.map((m) => ({ required: [m] }));

/**
 * Free text a person reads back (tenant and API key names): 1-`max` characters, no control
 * characters, no leading or trailing white space. Refused rather than trimmed, so nothing is
 * silently changed and the length checked is the length stored.
 */
export const NAME_TEXT_PATTERN =
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  /^[^\s\u0000-\u001f\u007f-\u009f](?:[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$/;
export const nameText = (max: number) =>
  z.string().min(1).max(max).regex(NAME_TEXT_PATTERN, "no control characters and no leading or trailing white space");

/** A JSON value of any shape: object, array, string, number, boolean or null (the `data` of PII requests). */
export const JsonValueSchema: z.ZodType<unknown> = z.unknown().openapi({
  type: ["object", "array", "string", "number", "boolean", "null"],
  additionalProperties: true,
  description: "Any JSON value: an object, an array, a string, a number, a boolean or null.",
});

/**
 * `z.record(key, value)` that refuses a `__proto__` member (422 at `$.…["__proto__"]`): zod leaves that key out of
 * its output without an issue (JSON.parse keeps it as an ordinary own property), so the member would be silently
 * dropped, while any other name the key schema refuses (`constructor`) is a 422.
 */
export const ownKeysRecord = <K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V) =>
  z.preprocess(
    (input, ctx) => {
      if (input !== null && typeof input === "object" && Object.hasOwn(input, "__proto__"))
        ctx.addIssue({ code: "custom", path: ["__proto__"], input, message: "'__proto__' is not a valid name here." });
      return input;
    },
    z.record(key, value),
  );
