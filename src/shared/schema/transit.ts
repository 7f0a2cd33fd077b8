/** Transit encryption: named keys and the encrypt, decrypt, rewrap, data key, hash and HMAC bodies. */
import { z } from "@hono/zod-openapi";

export const TRANSIT_KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/**
 * Highest key version a request may name. Versions count rotations from 1; a larger
 * number cannot exist, so it is refused by the schema (and says so in the document).
 */
export const MAX_KEY_VERSION = 2 ** 31 - 1;
/** Items per batch request, as in Vault's batch_input. */
export const MAX_BATCH_ITEMS = 1000;

export const TransitKeyTypeSchema = z
  .enum(["aes256-gcm", "hmac-sha256"])
  .openapi({ description: "aes256-gcm encrypts; hmac-sha256 signs (HMAC)." });

export const TransitKeyNameSchema = z
  .string()
  .regex(
    TRANSIT_KEY_NAME_PATTERN,
    "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .openapi({ example: "payments" });

export const KeyNameParams = z.object({
  name: TransitKeyNameSchema.openapi({ param: { name: "name", in: "path" } }),
});

// The same two rules for the document (if/then is JSON Schema 2020-12, outside the 3.0-shaped
// metadata type): convergent needs derived; hmac keys are never derived.
const createKeyDoc = {
  allOf: [
    {
      if: { properties: { convergent: { const: true } }, required: ["convergent"] },
      then: { properties: { derived: { const: true } }, required: ["derived"] },
    },
    {
      if: { properties: { type: { const: "hmac-sha256" } }, required: ["type"] },
      then: { properties: { derived: { const: false } } },
    },
  ],
} as Record<string, unknown>;

export const CreateTransitKeySchema = z
  .object({
    name: TransitKeyNameSchema,
    type: TransitKeyTypeSchema.default("aes256-gcm"),
    derived: z
      .boolean()
      .default(false)
      .openapi({ description: "Derive a key per `context` (HKDF); every call must then send a context." }),
    convergent: z.boolean().default(false).openapi({
      description:
        "Same plaintext + context → same ciphertext (equality lookups). Needs derived. Leaks equality of plaintexts.",
    }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.convergent && !v.derived)
      ctx.addIssue({
        code: "custom",
        path: ["convergent"],
        message: "Convergent encryption needs derived: true (the IV is bound to the context).",
      });
    if (v.type === "hmac-sha256" && v.derived)
      ctx.addIssue({ code: "custom", path: ["derived"], message: "hmac-sha256 keys cannot be derived." });
  })
  .openapi("CreateTransitKey", createKeyDoc);

export const UpdateTransitKeySchema = z
  .object({
    min_decryption_version: z
      .number()
      .int()
      .min(1)
      .max(MAX_KEY_VERSION)
      .optional()
      .openapi({ description: "Ciphertexts (and HMACs) of older versions are refused." }),
    min_encryption_version: z
      .number()
      .int()
      .min(0)
      .max(MAX_KEY_VERSION)
      .optional()
      .openapi({ description: "0 = any version up to latest; otherwise the lowest version encrypt may use." }),
    deletion_allowed: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, {
    message: "Send at least one of min_decryption_version, min_encryption_version, deletion_allowed.",
  })
  .openapi("UpdateTransitKey", { minProperties: 1 });

export const TransitKeyVersionSchema = z
  .object({ version: z.number().int(), created_at: z.string() })
  .openapi("TransitKeyVersion");

export const TransitKeySummarySchema = z
  .object({
    name: z.string(),
    type: TransitKeyTypeSchema,
    derived: z.boolean(),
    convergent: z.boolean(),
    latest_version: z.number().int(),
    min_decryption_version: z.number().int(),
    min_encryption_version: z.number().int(),
    deletion_allowed: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("TransitKeySummary");

export const TransitKeySchema = TransitKeySummarySchema.extend({
  versions: z
    .array(TransitKeyVersionSchema)
    .openapi({ description: "Every live version with its creation time. Never key material." }),
}).openapi("TransitKey");

// ---- operations ------------------------------------------------------------------

const b64 = (description: string) => z.string().openapi({ description, format: "byte" });
const keyVersion = z
  .number()
  .int()
  .min(1)
  .max(MAX_KEY_VERSION)
  .optional()
  .openapi({ description: "Key version to use; default the latest." });
const reference = z
  .string()
  .max(256)
  .optional()
  .openapi({ description: "Echoed back in the batch result, to match items." });

/** Fields of one encrypt item; exactly one of plaintext and data. */
const encryptItemShape = {
  plaintext: b64("Bytes to encrypt, base64.").optional(),
  data: z.unknown().optional().openapi({ description: "A JSON value to encrypt; decrypt returns it as `data`." }),
  context: b64("Derivation context, base64 (derived keys only).").optional(),
  associated_data: b64("Authenticated but not encrypted data, base64; decrypt must send the same.").optional(),
  key_version: keyVersion,
};

const oneOfPlaintextOrData = (
  v: { plaintext?: unknown; data?: unknown },
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
) => {
  const hasPlain = v.plaintext !== undefined;
  const hasData = "data" in v && v.data !== undefined;
  if (hasPlain === hasData)
    ctx.addIssue({
      code: "custom",
      path: [...path, hasPlain ? "data" : "plaintext"],
      message: "Send exactly one of plaintext (base64) or data (JSON).",
    });
};

/**
 * A batch item. "Exactly one of plaintext and data" is not part of its schema: an item with
 * neither or both gets its own error in batch_results, like an item with bad base64.
 */
export const EncryptItemSchema = z
  .object({ ...encryptItemShape, reference })
  .strict()
  .openapi("EncryptItem", {
    description: "Exactly one of plaintext and data; an item with neither or both gets its own error in batch_results.",
  });

const ciphertext = z
  .string()
  .max(64 * 1024 * 1024)
  .openapi({ example: "ldv:v1:AQ3k...", description: "ldv:v<version>:<base64>" });

export const DecryptItemSchema = z
  .object({
    ciphertext,
    context: encryptItemShape.context,
    associated_data: encryptItemShape.associated_data,
    reference,
  })
  .strict()
  .openapi("DecryptItem");

export const RewrapItemSchema = z
  .object({
    ciphertext,
    context: encryptItemShape.context,
    associated_data: encryptItemShape.associated_data,
    key_version: keyVersion,
    reference,
  })
  .strict()
  .openapi("RewrapItem");

const batchOf = <T extends z.ZodTypeAny>(item: T) =>
  z
    .array(item)
    .min(1)
    .max(MAX_BATCH_ITEMS)
    .openapi({ description: `Up to ${MAX_BATCH_ITEMS} items; each succeeds or fails on its own.` });

/**
 * singleOrBatch's rule for the document: exactly one of the single forms or batch_input,
 * and no item field beside batch_input.
 */
const singleOrBatchDoc = (singleForms: string[], itemFields: string[]) => ({
  oneOf: [
    ...singleForms.map((m) => ({ required: [m] })),
    { required: ["batch_input"], not: { anyOf: itemFields.map((f) => ({ required: [f] })) } },
  ],
});

/** A body is either one item (fields at the top level) or `batch_input`, never both. */
function singleOrBatch<S extends z.ZodRawShape, I extends z.ZodTypeAny>(
  single: S,
  item: I,
  requireOne?: (v: Record<string, unknown>, ctx: z.RefinementCtx) => void,
) {
  return z
    .object({ key: TransitKeyNameSchema, ...single, batch_input: batchOf(item).optional() })
    .strict()
    .superRefine((v, ctx) => {
      const rec = v as Record<string, unknown>;
      if (rec.batch_input !== undefined) {
        for (const k of Object.keys(single)) {
          if (rec[k] !== undefined)
            ctx.addIssue({
              code: "custom",
              path: [k],
              message: "Put item fields inside batch_input items, not next to batch_input.",
            });
        }
        return;
      }
      requireOne?.(rec, ctx);
    });
}

export const EncryptRequestSchema = singleOrBatch(encryptItemShape, EncryptItemSchema, (v, ctx) =>
  oneOfPlaintextOrData(v, ctx),
).openapi("EncryptRequest", singleOrBatchDoc(["plaintext", "data"], Object.keys(encryptItemShape)));

export const DecryptRequestSchema = singleOrBatch(
  {
    ciphertext: ciphertext.optional(),
    context: encryptItemShape.context,
    associated_data: encryptItemShape.associated_data,
  },
  DecryptItemSchema,
  (v, ctx) => {
    if (v.ciphertext === undefined)
      ctx.addIssue({ code: "custom", path: ["ciphertext"], message: "Send ciphertext, or batch_input." });
  },
).openapi("DecryptRequest", singleOrBatchDoc(["ciphertext"], ["ciphertext", "context", "associated_data"]));

export const RewrapRequestSchema = singleOrBatch(
  {
    ciphertext: ciphertext.optional(),
    context: encryptItemShape.context,
    associated_data: encryptItemShape.associated_data,
    key_version: keyVersion,
  },
  RewrapItemSchema,
  (v, ctx) => {
    if (v.ciphertext === undefined)
      ctx.addIssue({ code: "custom", path: ["ciphertext"], message: "Send ciphertext, or batch_input." });
  },
).openapi(
  "RewrapRequest",
  singleOrBatchDoc(["ciphertext"], ["ciphertext", "context", "associated_data", "key_version"]),
);

export const CiphertextResultSchema = z
  .object({ ciphertext: z.string(), key_version: z.number().int() })
  .openapi("CiphertextResult");
export const PlaintextResultSchema = z
  .object({ plaintext: z.string().optional().openapi({ format: "byte" }), data: z.unknown().optional() })
  .openapi("PlaintextResult", {
    description: "`plaintext` (base64) for bytes, `data` for what was encrypted as JSON.",
  });

const ItemErrorSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("BatchItemError");

// Generic over the shape, not the object: `T extends z.ZodObject` made `ok.extend` lose the shape, so the declared
// result item was typed as any JSON object rather than this schema's fields.
const batchResults = <S extends z.ZodRawShape>(ok: z.ZodObject<S>, name: string) =>
  z
    .object({
      batch_results: z.array(
        z.union([
          ok.extend({ reference: z.string().optional() }),
          z.object({ error: ItemErrorSchema, reference: z.string().optional() }),
        ]),
      ),
    })
    .openapi(name);

export const EncryptResponseSchema = z.union([
  CiphertextResultSchema,
  batchResults(CiphertextResultSchema, "EncryptBatchResults"),
]);
export const DecryptResponseSchema = z.union([
  PlaintextResultSchema,
  batchResults(PlaintextResultSchema, "DecryptBatchResults"),
]);
export const RewrapResponseSchema = EncryptResponseSchema;

export const DataKeyRequestSchema = z
  .object({
    key: TransitKeyNameSchema,
    plaintext: z
      .boolean()
      .default(true)
      .openapi({ description: "Return the data key in plaintext too; false gives only the wrapped form." }),
    bits: z.union([z.literal(128), z.literal(256), z.literal(512)]).default(256),
    context: encryptItemShape.context,
    key_version: keyVersion,
  })
  .strict()
  .openapi("DataKeyRequest");

export const DataKeyResponseSchema = z
  .object({
    ciphertext: z
      .string()
      .openapi({ description: "The data key encrypted under the transit key; POST /decrypt returns it." }),
    plaintext: z
      .string()
      .optional()
      .openapi({ format: "byte", description: "The data key, base64 (only when plaintext: true)." }),
    key_version: z.number().int(),
  })
  .openapi("DataKey");

const inputFormat = z.enum(["base64", "utf8"]).default("base64").openapi({ description: "How `input` is encoded." });
/** For the document: `input` is base64 unless format is utf8 (the server checks it when decoding). */
const inputIsBase64Unless = {
  allOf: [
    {
      if: { properties: { format: { const: "utf8" } }, required: ["format"] },
      else: { properties: { input: { format: "byte" } } },
    },
  ],
} as Record<string, unknown>;

export const HashRequestSchema = z
  .object({
    input: z.string(),
    format: inputFormat,
    algorithm: z.enum(["sha256", "sha512", "blake3"]).default("sha256"),
    output_format: z.enum(["hex", "base64"]).default("hex"),
  })
  .strict()
  .openapi("HashRequest", inputIsBase64Unless);

export const HashResponseSchema = z.object({ sum: z.string(), algorithm: z.string() }).openapi("HashResult");

export const HmacRequestSchema = z
  .object({ input: z.string(), format: inputFormat, key_version: keyVersion })
  .strict()
  .openapi("HmacRequest", inputIsBase64Unless);
export const HmacResponseSchema = z
  .object({ hmac: z.string().openapi({ example: "ldv:v1:3q2+7w==" }), key_version: z.number().int() })
  .openapi("HmacResult");

export const HmacVerifyRequestSchema = z
  .object({
    input: z.string(),
    format: inputFormat,
    hmac: z.string().max(1024).openapi({ example: "ldv:v1:3q2+7w==" }),
  })
  .strict()
  .openapi("HmacVerifyRequest", inputIsBase64Unless);
export const HmacVerifyResponseSchema = z.object({ valid: z.boolean() }).openapi("HmacVerifyResult");

/**
 * Unpadded base64url, as the document states it for query parameters (the decoder also takes
 * padding and the standard alphabet; the document names the one form to send).
 */
const BASE64URL_PATTERN = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;

/** Query of the raw (application/octet-stream) encrypt and decrypt routes. */
export const RawQuerySchema = z
  .object({
    context: z
      .string()
      .max(4096)
      .optional()
      .openapi({
        param: { name: "context", in: "query" },
        description: "Derivation context, base64url.",
        pattern: BASE64URL_PATTERN.source,
      }),
    associated_data: z
      .string()
      .max(4096)
      .optional()
      .openapi({
        param: { name: "associated_data", in: "query" },
        description: "Associated data, base64url.",
        pattern: BASE64URL_PATTERN.source,
      }),
    key_version: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ param: { name: "key_version", in: "query" } }),
  })
  .strict();

export type CreateTransitKey = z.infer<typeof CreateTransitKeySchema>;
export type UpdateTransitKey = z.infer<typeof UpdateTransitKeySchema>;
export type TransitKey = z.infer<typeof TransitKeySchema>;
export type TransitKeySummary = z.infer<typeof TransitKeySummarySchema>;
export type EncryptItem = z.infer<typeof EncryptItemSchema>;
export type DecryptItem = z.infer<typeof DecryptItemSchema>;
export type RewrapItem = z.infer<typeof RewrapItemSchema>;
export type EncryptRequest = z.infer<typeof EncryptRequestSchema>;
export type DecryptRequest = z.infer<typeof DecryptRequestSchema>;
export type RewrapRequest = z.infer<typeof RewrapRequestSchema>;
export type DataKeyRequest = z.infer<typeof DataKeyRequestSchema>;
export type HashRequest = z.infer<typeof HashRequestSchema>;
