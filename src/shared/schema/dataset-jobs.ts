/** Requests and results of dataset-wide jobs (POST /datasets/{id}/jobs, GET /jobs/{id}/result). */
import { z } from "@hono/zod-openapi";
import { DATASET_NAME_PATTERN } from "./datasets";
import { EntityNameSchema, OperatorsSchema } from "./pii";

const DatasetNameSchema = z
  .string()
  .regex(DATASET_NAME_PATTERN, "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");

export const MAX_SCAN_SAMPLES = 100;

const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const PiiScanJobSchema = z
  .object({
    type: z.literal("pii-scan"),
    entities: z
      .array(EntityNameSchema)
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Entity types to look for (default: all built-in and custom)" }),
    min_score: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: "Findings below this score are not counted (default 0.5)" }),
    samples: z
      .number()
      .int()
      .min(0)
      .max(MAX_SCAN_SAMPLES)
      .default(20)
      .openapi({ description: "Sample positions kept per entity type" }),
    from_seq: seq.optional().openapi({ description: "First seq to scan (default: the first record)" }),
    to_seq: seq.optional().openapi({ description: "Last seq to scan (default: the highest seq when the job starts)" }),
    since_last_scan: z.boolean().default(false).openapi({
      description: "Scan only seqs after those of the previous successful scan (not with `from_seq` or `to_seq`)",
    }),
  })
  .strict()
  .refine((v) => v.from_seq === undefined || v.to_seq === undefined || v.from_seq <= v.to_seq, {
    path: ["to_seq"],
    message: "to_seq must not be below from_seq.",
  })
  // Two ways of choosing the seqs to scan: taking both would silently drop one of them.
  .refine((v) => !v.since_last_scan || (v.from_seq === undefined && v.to_seq === undefined), {
    path: ["since_last_scan"],
    message: "since_last_scan chooses the seqs itself: send it without from_seq and to_seq.",
  })
  .openapi("PiiScanJob");

export const AnonymizeJobSchema = z
  .object({
    type: z.literal("anonymize"),
    target: z
      .union([
        z.literal("in_place"),
        z
          .object({ dataset_name: DatasetNameSchema })
          .strict()
          .openapi({ description: "A new dataset of the tenant, created with the job (409 if the name is taken)" }),
      ])
      .openapi({
        description:
          "`in_place`: each changed record gets a new version under the same id; `{dataset_name}`: an anonymized copy " +
          "of every record, in seq order, in a new dataset (needs `datasets:write` too), committed at the end",
      }),
    operators: OperatorsSchema.optional().openapi({
      description:
        "Per entity type (default: the anonymize rules of the dataset's PII policy, else POST /anonymize's defaults)",
    }),
    entities: z
      .array(EntityNameSchema)
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Entity types to anonymize (default: all, or the policy's)" }),
    min_score: z.number().min(0).max(1).optional(),
  })
  .strict()
  .openapi("AnonymizeJob");

export const ReencryptJobSchema = z
  .object({
    type: z.literal("re-encrypt"),
    destroy_retired: z.boolean().default(false).openapi({
      description: "Delete the wrapped keys of the retired versions once every record has moved (crypto-shredding)",
    }),
  })
  .strict()
  .openapi("ReencryptJob");

/** One schema per job type, told apart by `type`. */
export const StartDatasetJobSchema = z
  .discriminatedUnion("type", [PiiScanJobSchema, AnonymizeJobSchema, ReencryptJobSchema])
  .openapi("StartDatasetJob");

export type StartDatasetJob = z.infer<typeof StartDatasetJobSchema>;

const TallySchema = z.object({
  records: z.number().int(),
  findings: z.number().int(),
  histogram: z.array(z.number().int()).length(10),
});

export const ScanReportSchema = z
  .object({
    job_id: z.string(),
    dataset_id: z.string(),
    from_seq: z.number().int(),
    through_seq: z.number().int(),
    entities_requested: z.array(z.string()).nullable(),
    min_score: z.number().nullable(),
    records_scanned: z.number().int(),
    records_with_findings: z.number().int(),
    findings: z.number().int(),
    entities: z.record(z.string(), TallySchema.extend({ paths: z.record(z.string(), TallySchema) })).openapi({
      description:
        "Per entity type, and per JSON path (array indices as `[*]`): records, findings, score histogram in tenths",
    }),
    samples: z
      .record(
        z.string(),
        z.array(
          z.object({
            record_id: z.string(),
            path: z.string(),
            start: z.number().int(),
            end: z.number().int(),
            score: z.number(),
          }),
        ),
      )
      .openapi({
        description:
          "Per entity type, the first findings in seq order: where they are (UTF-16 offsets in the string at `path`), never the value",
      }),
    compared_with: z
      .object({
        job_id: z.string(),
        new_types: z.array(z.string()),
        new_paths: z.array(z.object({ type: z.string(), path: z.string() })),
      })
      .nullable(),
    created_at: z.string(),
  })
  .openapi("PiiScanReport");

export const JobResultSchema = z
  .object({ job_id: z.string(), type: z.string(), result: ScanReportSchema })
  .openapi("JobResult");
export type JobResult = z.infer<typeof JobResultSchema>;
