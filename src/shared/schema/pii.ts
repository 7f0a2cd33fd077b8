/** Request and response schemas of the PII endpoints, the operators and the dataset PII policy. */
import { z } from "@hono/zod-openapi";
import { FPE_TYPES } from "../anonymize/fpe";
import { ENTITY_NAME_PATTERN } from "../pii/entities";
import { isPhoneRegion } from "../pii/region";
import { exactlyOneOf, JsonValueSchema, ownKeysRecord } from "./common";

/**
 * Pseudonym width in hex characters. 64 bits by default: at 32 bits (the earlier default, 8 hex) two distinct values
 * are likely to share a pseudonym from about 2^16 = 65,536 values on (birthday bound), which breaks the one-to-one
 * mapping a pseudonymized dataset relies on; at 64 bits that takes about 2^32 values. The maximum is the whole HMAC.
 */
export const PSEUDONYM_DEFAULT_HEX = 16;
export const PSEUDONYM_MIN_HEX = 16;
export const PSEUDONYM_MAX_HEX = 64;

/** The entity types format-preserving encryption supports (anonymize/fpe.ts). */
const FPE_ENTITY_TYPES = [...FPE_TYPES] as [string, ...string[]];

export const EntityNameSchema = z
  .string()
  .regex(ENTITY_NAME_PATTERN, "an entity type: upper-case letters, digits and '_', 2-48 characters")
  .openapi({ example: "US_SSN" });

/** Longest text accepted (characters); the body limit (1 MiB) usually binds first. */
export const MAX_TEXT_CHARS = 1_048_576;
export const MAX_LIST_ITEMS = 1000;

const listOfValues = (what: string) =>
  z.array(z.string().min(1).max(256)).max(MAX_LIST_ITEMS).openapi({ description: what });

/** BCP 47 language tags (RFC 5646), e.g. "de", "pt-BR", "zh-Hant-TW". */
export const LanguageTagSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as 'de' or 'pt-BR'")
  .openapi({ example: "pt-BR" });

/** ISO 3166-1 alpha-2 region, upper case, one that phone numbering knows. */
export const RegionSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 region code in upper case, such as 'GB'")
  .refine(isPhoneRegion, "not a region with a phone numbering plan")
  .openapi({ example: "GB" });

/** Request-level reading hints: the languages of the text and the region of its phone numbers. */
const readingHints = {
  language: z
    .array(LanguageTagSchema)
    .min(1)
    .max(10)
    .optional()
    .openapi({
      description:
        "Languages the text is written in (BCP 47). A region in a tag ('pt-BR'), or one implied by the language ('de' → DE), " +
        "reads phone numbers written without '+' when default_region is absent.",
    }),
  default_region: RegionSchema.optional().openapi({
    description: "ISO 3166-1 alpha-2 region for phone numbers written without '+' (e.g. '020 7946 0958' with 'GB').",
  }),
};

/** Options shared by detect, anonymize and dataset policies. */
const detectionOptions = {
  entities: z
    .array(EntityNameSchema)
    .max(100)
    .optional()
    .openapi({ description: "Entity types to report (default: all built-in and custom)." }),
  min_score: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .openapi({ description: "Findings below this score are dropped (default 0.5)." }),
  allow: listOfValues("Values never reported (exact, case-insensitive).").optional(),
  deny: listOfValues("Values always reported as DENY_LIST (case-insensitive, on word boundaries).").optional(),
};

const oneOfTextOrData = <T extends { text?: unknown; data?: unknown }>(v: T, ctx: z.RefinementCtx) => {
  if ((v.text === undefined) === (v.data === undefined)) {
    ctx.addIssue({ code: "custom", path: ["text"], message: "Send exactly one of 'text' or 'data'." });
  }
};

export const DetectRequestSchema = z
  .object({
    text: z.string().max(MAX_TEXT_CHARS).optional().openapi({ description: "Free text to scan." }),
    data: JsonValueSchema.optional().openapi({
      description:
        "Any JSON value (object, array, string, number, boolean or null); every string in it, and every member name, is scanned.",
    }),
    ...detectionOptions,
    ...readingHints,
    return_text: z
      .boolean()
      .optional()
      .openapi({ description: "Include the matched text in each finding (default false)." }),
  })
  .strict()
  .superRefine(oneOfTextOrData)
  .openapi("DetectRequest", { oneOf: exactlyOneOf("text", "data") });

export const FindingSchema = z
  .object({
    type: z.string().openapi({ example: "EMAIL" }),
    start: z.number().int().openapi({ description: "UTF-16 code unit offset of the first character" }),
    end: z.number().int().openapi({ description: "UTF-16 code unit offset after the last character" }),
    score: z.number(),
    recognizer: z.string(),
    path: z.string().optional().openapi({
      description:
        "JSON path of the string (data input only); a finding in a member name has the member's path followed by `~`",
      example: "$.user.email",
    }),
    text: z.string().optional().openapi({ description: "The matched text (only with return_text)" }),
  })
  .openapi("Finding");

export const DetectResponseSchema = z.object({ findings: z.array(FindingSchema) }).openapi("DetectResponse");

// ---------------------------------------------------------------------------------------
// Operators

export const OperatorSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("keep") }).strict(),
    z.object({ type: z.literal("redact") }).strict(),
    z
      .object({
        type: z.literal("replace"),
        value: z.string().max(256).optional().openapi({ description: "Default `<ENTITY_TYPE>`" }),
      })
      .strict(),
    z
      .object({
        type: z.literal("mask"),
        char: z.string().length(1).optional().openapi({ description: "Default `*`" }),
        count: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .optional()
          .openapi({ description: "Mask at most this many characters" }),
        keep: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .optional()
          .openapi({ description: "Leave this many characters unmasked at the far end" }),
        from_end: z.boolean().optional().openapi({ description: "Mask from the end instead of the start" }),
      })
      .strict(),
    z.object({ type: z.literal("hash") }).strict(),
    z
      .object({
        type: z.literal("pseudonymize"),
        length: z
          .number()
          .int()
          .min(PSEUDONYM_MIN_HEX)
          .max(PSEUDONYM_MAX_HEX)
          .optional()
          .openapi({
            description:
              `Hex characters of the HMAC-SHA-256 after \`TYPE_\` (default ${PSEUDONYM_DEFAULT_HEX}: 64 bits, so two distinct ` +
              "values of a dataset of millions share a pseudonym with negligible probability; a longer pseudonym " +
              "starts with the shorter one)",
          }),
      })
      .strict(),
    z.object({ type: z.literal("tokenize") }).strict(),
    z.object({ type: z.literal("fpe") }).strict(),
    z
      .object({
        type: z.literal("date_shift"),
        max_days: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .optional()
          .openapi({ description: "Largest shift either way (default 365)" }),
        subject: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .openapi({ description: "The subject whose dates shift together (text input)" }),
        subject_field: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .openapi({ description: "Top-level field whose value names the subject (data input)" }),
      })
      .strict(),
    z
      .object({
        type: z.literal("generalize"),
        bucket: z.number().int().min(2).max(100).optional().openapi({ description: "Age range width (default 10)" }),
      })
      .strict(),
    z.object({ type: z.literal("surrogate") }).strict(),
  ])
  .openapi("Operator");

export type Operator = z.infer<typeof OperatorSchema>;
export type OperatorType = Operator["type"];

// propertyNames (JSON Schema 2020-12) is not in the metadata type, which follows OpenAPI 3.0.
const operatorsDoc = {
  description:
    "Operator per entity type; `DEFAULT` applies to types not listed. Each type has a default (replace, or mask for cards).",
  propertyNames: { anyOf: [{ pattern: ENTITY_NAME_PATTERN.source }, { const: "DEFAULT" }] },
};

export const OperatorsSchema = ownKeysRecord(z.union([EntityNameSchema, z.literal("DEFAULT")]), OperatorSchema).openapi(
  operatorsDoc,
);

export const AnonymizeRequestSchema = z
  .object({
    text: z.string().max(MAX_TEXT_CHARS).optional(),
    data: JsonValueSchema.optional(),
    operators: OperatorsSchema.optional(),
    ...detectionOptions,
    ...readingHints,
  })
  .strict()
  .superRefine(oneOfTextOrData)
  .openapi("AnonymizeRequest", { oneOf: exactlyOneOf("text", "data") });

export const ChangedItemSchema = z
  .object({
    type: z.string(),
    path: z.string().optional().openapi({
      description: "JSON path in the OUTPUT (data input only); a renamed member name's path is followed by `~`",
    }),
    start: z.number().int().openapi({ description: "Offset in the OUTPUT string (UTF-16 code units)" }),
    end: z.number().int(),
    operator: z.string(),
  })
  .openapi("ChangedItem");

export const AnonymizeResponseSchema = z
  .object({
    text: z.string().optional(),
    data: z.unknown().optional(),
    items: z.array(ChangedItemSchema),
  })
  .openapi("AnonymizeResponse");

export const DeanonymizeRequestSchema = z
  .object({
    text: z.string().max(MAX_TEXT_CHARS).optional(),
    data: JsonValueSchema.optional(),
    items: z.array(ChangedItemSchema).max(100_000).optional().openapi({
      description: "The `items` of the anonymize response: entries with operator `fpe` are decrypted in place.",
    }),
    fpe_entities: z.array(z.enum(FPE_ENTITY_TYPES)).max(20).optional().openapi({
      description: "Decrypt every detected value of these types as FPE output; only types FPE supports.",
    }),
  })
  .strict()
  .superRefine(oneOfTextOrData)
  .openapi("DeanonymizeRequest", { oneOf: exactlyOneOf("text", "data") });

export const DeanonymizeResponseSchema = z
  .object({
    text: z.string().optional(),
    data: z.unknown().optional(),
    restored: z.object({ tokens: z.number().int(), fpe: z.number().int(), encrypted: z.number().int() }),
  })
  .openapi("DeanonymizeResponse");

// ---------------------------------------------------------------------------------------
// Custom recognizers

export const RECOGNIZER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Regular expression flags from `allowed`, each at most once, in any order, as a pattern a
 * document reader can use (no back-references): the alternation of every arrangement.
 * @example flagsPattern("im") // /^(?:|i|m|im|mi)$/
 */
export function flagsPattern(allowed: string): RegExp {
  const arrangements = (rest: string[]): string[] => [
    "",
    ...rest.flatMap((f, i) => arrangements(rest.filter((_, j) => j !== i)).map((tail) => f + tail)),
  ];
  const all = [...new Set(arrangements([...allowed]))].sort((a, b) => a.length - b.length || a.localeCompare(b));
  return new RegExp(`^(?:${all.join("|")})$`);
}

export const RecognizerInputSchema = z
  .object({
    name: z
      .string()
      .regex(
        RECOGNIZER_NAME_PATTERN,
        "1-64 characters: lower-case letters, digits, '_' or '-', starting with a letter",
      ),
    entity: EntityNameSchema,
    pattern: z
      .string()
      .min(1)
      .max(512)
      .openapi({
        description:
          "A JavaScript regular expression, run on RE2 (linear time). Refused (422, naming the feature): backreferences, " +
          "lookahead, lookbehind, possessive quantifiers, atomic groups, octal escapes, lone surrogates, patterns " +
          "matching the empty string. A match lies within one 256-character window.",
      }),
    flags: z
      .string()
      .regex(flagsPattern("imsu"), "only i, m, s and u, each at most once")
      .optional()
      .openapi({ description: "i, m, s, u, each at most once" }),
    context: z
      .array(z.string().regex(/^[a-z0-9]{1,40}$/, "a lower-case word"))
      .max(20)
      .optional()
      .openapi({ description: "Words that raise the score when near a match" }),
    score: z.number().min(0.01).max(1),
  })
  .strict()
  .openapi("RecognizerInput");

export const RecognizerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    entity: z.string(),
    pattern: z.string(),
    flags: z.string(),
    context: z.array(z.string()),
    score: z.number(),
    created_at: z.string(),
  })
  .openapi("Recognizer");

export type RecognizerInput = z.infer<typeof RecognizerInputSchema>;
export type Recognizer = z.infer<typeof RecognizerSchema>;

// ---------------------------------------------------------------------------------------
// Dataset PII policy

export const PolicyRuleSchema = z
  .discriminatedUnion("action", [
    z.object({ action: z.literal("allow") }).strict(),
    z.object({ action: z.literal("reject") }).strict(),
    z.object({ action: z.literal("anonymize"), operator: OperatorSchema }).strict(),
    z.object({ action: z.literal("encrypt") }).strict(),
  ])
  .openapi("PiiPolicyRule");

const rulesDoc = {
  description: "What to do with each entity type found in a record; types not listed are not scanned.",
  propertyNames: { pattern: ENTITY_NAME_PATTERN.source },
};

export const PiiPolicySchema = z
  .object({
    rules: ownKeysRecord(EntityNameSchema, PolicyRuleSchema).openapi(rulesDoc),
    min_score: z.number().min(0).max(1).optional(),
    allow: listOfValues("Values never treated as PII.").optional(),
    deny: listOfValues("Values always treated as PII (type DENY_LIST).").optional(),
  })
  .strict()
  .openapi("PiiPolicy");

export type PiiPolicy = z.infer<typeof PiiPolicySchema>;
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;
