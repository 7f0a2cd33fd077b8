/** Audit API schemas: stored events, the logs filters, verification and export parameters. */
import { z } from "@hono/zod-openapi";
import { PageQuerySchema } from "./common";

const HASH = z.string().openapi({ example: "9f2c…", description: "SHA-256, lowercase hex" });

export const AuditEventSchema = z
  .object({
    seq: z.number().int().openapi({ description: "Position in the tenant's chain: 1, 2, 3… without gaps" }),
    event_id: z.string(),
    time: z
      .string()
      .openapi({ description: "When the chain recorded the event (ISO 8601 UTC; never decreases along the chain)" }),
    actor: z.string().openapi({ description: "API key id, `operator`, or `system`" }),
    action: z.string().openapi({ example: "dataset.create" }),
    resource: z.record(z.string(), z.string()).openapi({ example: { tenant_id: "tnt_…", dataset_id: "ds_…" } }),
    outcome: z.enum(["success", "denied", "error"]),
    request_id: z.string().nullable(),
    client_ip: z.string().nullable(),
    details: z
      .record(z.string(), z.unknown())
      .openapi({ description: "Counts, names, reasons; never secrets, record content or PII values" }),
    prev_hash: HASH,
    hash: HASH.openapi({ description: "SHA-256(prev_hash bytes || RFC 8785 canonical event without the hashes)" }),
  })
  .openapi("AuditEvent");

const q = (name: string, description: string, example?: string) => ({
  param: { name, in: "query" as const },
  description,
  ...(example ? { example } : {}),
});

const ID_LIKE = /^[A-Za-z0-9_.:-]{1,128}$/;
const isoTime = (name: string, description: string) =>
  z.iso
    .datetime({ offset: true, message: "an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" })
    .transform((t) => new Date(t).toISOString())
    .optional()
    .openapi(q(name, description, "2026-01-31T12:00:00Z"));

const seqParam = (name: string, description: string) =>
  z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi(q(name, description));

export const AuditLogsQuerySchema = z
  .object({
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, "an action like dataset.create")
      .optional()
      .openapi(q("action", "Exact action", "dataset.create")),
    actor: z.string().min(1).max(128).optional().openapi(q("actor", "API key id, `operator` or `system`")),
    resource_id: z
      .string()
      .regex(ID_LIKE, "an id")
      .optional()
      .openapi(q("resource_id", "Any resource id the event names (dataset, record, key, job…)")),
    dataset_id: z
      .string()
      .regex(ID_LIKE, "an id")
      .optional()
      .openapi(q("dataset_id", "Events naming this dataset as `resource.dataset_id`")),
    outcome: z.enum(["success", "denied", "error"]).optional().openapi(q("outcome", "success, denied or error")),
    from: isoTime("from", "Events at or after this time"),
    to: isoTime("to", "Events before this time"),
    order: z
      .enum(["asc", "desc"])
      .default("desc")
      .openapi(q("order", "By seq: `desc` (newest first, default) or `asc`")),
    ...PageQuerySchema.shape,
  })
  .strict()
  .refine((v) => !v.from || !v.to || v.from < v.to, { message: "from must be before to", path: ["to"] });

export type AuditLogsQuery = z.infer<typeof AuditLogsQuerySchema>;

export const AuditEventPageSchema = z
  .object({
    items: z.array(AuditEventSchema),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("AuditEventPage");

const SeqRangeSchema = z
  .object({
    from_seq: seqParam("from_seq", "First seq (default 1)"),
    to_seq: seqParam("to_seq", "Last seq (default: the head when the request starts)"),
  })
  .strict()
  .refine((v) => v.from_seq === undefined || v.to_seq === undefined || v.from_seq <= v.to_seq, {
    message: "from_seq must not be greater than to_seq",
    path: ["to_seq"],
  });

export const AuditVerifyQuerySchema = SeqRangeSchema;
export const AuditExportQuerySchema = SeqRangeSchema;

export const AuditVerifyResultSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().openapi({ description: "Events whose link and hash were recomputed" }),
    head_seq: z.number().int(),
    head_hash: HASH,
    first_bad_seq: z.number().int().optional().openapi({ description: "Where the chain first fails" }),
    reason: z
      .enum(["missing", "prev_hash_mismatch", "hash_mismatch", "truncated", "checkpoint_mismatch"])
      .optional()
      .openapi({
        description:
          "missing: no event at that seq; prev_hash_mismatch: it does not link to its predecessor (reordered or inserted); hash_mismatch: its content was changed; truncated: the chain ends below the last checkpoint; checkpoint_mismatch: the event at the checkpoint's seq has another hash (history rewritten)",
      }),
    checkpoint: z
      .object({ seq: z.number().int(), hash: HASH, created_at: z.string() })
      .nullable()
      .openapi({ description: "The newest head checkpointed in D1, compared with the chain" }),
  })
  .openapi("AuditVerifyResult");

export type AuditVerifyResult = z.infer<typeof AuditVerifyResultSchema>;
