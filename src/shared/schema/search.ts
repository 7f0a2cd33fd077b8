/** Search: dataset settings, the query string, and the result page. */
import { z } from "@hono/zod-openapi";
import {
  DEFAULT_SEARCH_LIMIT,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_PATHS,
} from "../search/limits";
import { ID_PATTERN } from "../ids";

export const SearchSettingsSchema = z
  .object({
    enabled: z.boolean().openapi({ description: "Keep a blind full-text index of this dataset's records" }),
    paths: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(MAX_SEARCH_PATHS)
      .default(["$"])
      .openapi({
        description:
          'JSON paths whose string leaves are indexed: `$`, `.name`, `["name"]`, `[3]`, `.*`, `[*]`. ' +
          'Default `["$"]`: every string. ' +
          "Values the PII policy anonymized are indexed only in their anonymized form; encrypted ones not at all.",
        example: ["$.messages[*].content", "$.title"],
      }),
  })
  .strict()
  .openapi("SearchSettings");

export type SearchSettings = z.infer<typeof SearchSettingsSchema>;

export const SearchQuerySchema = z.object({
  q: z.string().openapi({
    param: { name: "q", in: "query" },
    description:
      `Words, "phrases", AND, OR, NOT (or -word), parentheses. ` +
      `At most ${MAX_QUERY_LENGTH} characters and ${MAX_QUERY_TERMS} words.`,
    example: 'refund AND "credit card" NOT spam',
  }),
  dataset_id: z
    .string()
    .regex(ID_PATTERN, "not a valid id")
    .optional()
    .openapi({
      param: { name: "dataset_id", in: "query" },
      description: "Search one dataset; without it every search-enabled dataset of the tenant",
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SEARCH_LIMIT)
    .default(DEFAULT_SEARCH_LIMIT)
    .openapi({ param: { name: "limit", in: "query" }, example: DEFAULT_SEARCH_LIMIT }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

export const SnippetSchema = z
  .object({
    path: z
      .string()
      .openapi({ description: "JSON path of the string the snippet is cut from", example: "$.messages[2].content" }),
    text: z.string().openapi({ description: "Up to about 120 characters around the first match; '…' marks a cut" }),
    highlights: z
      .array(z.object({ start: z.number().int(), end: z.number().int() }))
      .openapi({ description: "Matched words in `text`: UTF-16 offsets, end exclusive" }),
  })
  .openapi("SearchSnippet");

export const SearchHitSchema = z
  .object({
    dataset_id: z.string(),
    id: z.string(),
    seq: z.number().int(),
    version: z.number().int(),
    score: z.number().openapi({
      description: "BM25 relevance (higher is better); comparable within a dataset, roughly across datasets",
    }),
    snippet: SnippetSchema.nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("SearchHit");

export const SearchPageSchema = z
  .object({
    items: z.array(SearchHitSchema),
    next_cursor: z.string().nullable(),
  })
  .openapi("SearchPage");

export const RebuildJobSchema = z
  .object({ job_id: z.string(), status: z.literal("queued"), created_at: z.string() })
  .openapi("SearchRebuildJob");
