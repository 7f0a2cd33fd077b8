/** D1 schema (drizzle): tenants, their API keys and key-encryption keys, and the datasets catalog. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  status: text("status", { enum: ["active", "suspended"] })
    .notNull()
    .default("active"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    /** SHA-256 of the secret part, hex. The secret itself is never stored. */
    secretHash: text("secret_hash").notNull(),
    /** JSON array of scope strings. */
    scopes: text("scopes").notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("api_keys_tenant_idx").on(t.tenantId, t.id)],
);

/** A tenant's key-encryption keys, each wrapped by one version of the master key. */
export const tenantKeys = sqliteTable(
  "tenant_keys",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    version: integer("version").notNull(),
    masterVersion: integer("master_version").notNull(),
    /** base64(iv || AES-GCM(master, raw KEK, aad = tenant id and version)). */
    wrapped: text("wrapped").notNull(),
    createdAt: text("created_at").notNull(),
    /** Set by a rewrap-tenant job once no wrapped key of the tenant is under this KEK version any more. */
    retiredAt: text("retired_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
);

export const datasets = sqliteTable(
  "datasets",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    description: text("description"),
    /** JSON Schema document as JSON text, or null when records are free-form. */
    schema: text("schema"),
    /** Dataset PII policy as JSON text, or null for none. */
    piiPolicy: text("pii_policy"),
    /** Search settings as JSON text (`{enabled, paths}`), or null: not searchable. */
    search: text("search"),
    /** Bumped on every metadata change; the ETag is derived from it. */
    version: integer("version").notNull().default(1),
    recordCount: integer("record_count").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [
    // Names are unique among live datasets only, so a deleted name can be reused.
    uniqueIndex("datasets_tenant_name_live_idx")
      .on(t.tenantId, t.name)
      .where(sql`deleted_at IS NULL`),
    index("datasets_tenant_id_idx").on(t.tenantId, t.id),
  ],
);

/** Per-dataset data-encryption keys, versioned, each wrapped by one version of the tenant KEK. */
export const datasetKeys = sqliteTable(
  "dataset_keys",
  {
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id),
    version: integer("version").notNull(),
    tenantId: text("tenant_id").notNull(),
    kekVersion: integer("kek_version").notNull(),
    wrapped: text("wrapped").notNull(),
    createdAt: text("created_at").notNull(),
    /** Set by a re-encrypt job once no record is sealed under this version any more. */
    retiredAt: text("retired_at"),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.version] })],
);

/**
 * Tenant secrets for a purpose other than records (pseudonym HMAC key, FPE key, token
 * key...), random, wrapped by the tenant KEK. Deleting them shreds what they protect.
 */
export const tenantSecrets = sqliteTable(
  "tenant_secrets",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    purpose: text("purpose").notNull(),
    version: integer("version").notNull(),
    kekVersion: integer("kek_version").notNull(),
    wrapped: text("wrapped").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.purpose, t.version] })],
);

/** Tenant-defined PII recognizers (regex + context words + score). */
export const piiRecognizers = sqliteTable(
  "pii_recognizers",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    entity: text("entity").notNull(),
    pattern: text("pattern").notNull(),
    flags: text("flags").notNull().default(""),
    /** JSON array of context words. */
    context: text("context").notNull().default("[]"),
    score: integer("score_millis").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("pii_recognizers_tenant_name_idx").on(t.tenantId, t.name)],
);

/** Reversible PII tokens: the token maps to the value encrypted under the tenant token key. */
export const piiTokens = sqliteTable(
  "pii_tokens",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    token: text("token").notNull(),
    entity: text("entity").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.token] })],
);

/** Audit chain heads copied out of the AuditLogObject, so a truncated tail is detectable. */
export const auditCheckpoints = sqliteTable(
  "audit_checkpoints",
  {
    tenantId: text("tenant_id").notNull(),
    seq: integer("seq").notNull(),
    hash: text("hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.seq] })],
);

/** Named transit keys (encryption as a service), Vault transit style. */
export const transitKeys = sqliteTable(
  "transit_keys",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["aes256-gcm", "hmac-sha256"] }).notNull(),
    derived: integer("derived", { mode: "boolean" }).notNull().default(false),
    convergent: integer("convergent", { mode: "boolean" }).notNull().default(false),
    latestVersion: integer("latest_version").notNull().default(1),
    minDecryptionVersion: integer("min_decryption_version").notNull().default(1),
    minEncryptionVersion: integer("min_encryption_version").notNull().default(0),
    deletionAllowed: integer("deletion_allowed", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export const transitKeyVersions = sqliteTable(
  "transit_key_versions",
  {
    tenantId: text("tenant_id").notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    kekVersion: integer("kek_version").notNull(),
    wrapped: text("wrapped").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name, t.version] })],
);

/** Bulk jobs run by the queue consumer. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    datasetId: text("dataset_id"),
    kind: text("kind").notNull(),
    status: text("status", {
      enum: ["queued", "running", "succeeded", "failed", "partially_failed", "cancelled"],
    }).notNull(),
    /** JSON parameters of the job. */
    params: text("params").notNull().default("{}"),
    /** JSON progress counters. */
    progress: text("progress").notNull().default("{}"),
    error: text("error"),
    /** Planned totals, when known (items may be unknown until the input is read). */
    itemsTotal: integer("items_total"),
    bytesTotal: integer("bytes_total"),
    startedAt: text("started_at"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [index("jobs_tenant_idx").on(t.tenantId, t.id)],
);

/**
 * The ranges a job is split into; they run in parallel. Each range advances in chunks, and a
 * chunk's effect on this row is a compare-and-set on `step`: a redelivered or concurrent copy
 * of a chunk that lost the race changes nothing.
 */
export const jobRanges = sqliteTable(
  "job_ranges",
  {
    jobId: text("job_id").notNull(),
    rangeNo: integer("range_no").notNull(),
    status: text("status", { enum: ["pending", "running", "done", "failed"] }).notNull(),
    /** Kind-specific bounds of the range (e.g. byte offsets, seqs, row indexes), JSON. */
    bounds: text("bounds").notNull(),
    /** Where the next chunk starts; null before the first. */
    cursor: text("cursor"),
    /** Chunks applied so far; the compare-and-set key. */
    step: integer("step").notNull().default(0),
    /** Counters of the applied chunks (items, bytes, failed, ...), JSON. */
    counters: text("counters").notNull().default("{}"),
    /** Failed deliveries of the current chunk, and the last error (never record content). */
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rangeNo] })],
);

/**
 * Per-item errors of a job (an import's invalid lines): where and why, never the value.
 * `line` counts within the range (1-based); the report adds the lines of earlier ranges.
 */
export const jobErrors = sqliteTable(
  "job_errors",
  {
    jobId: text("job_id").notNull(),
    rangeNo: integer("range_no").notNull(),
    line: integer("line").notNull(),
    /** Position of the error among the line's errors. */
    n: integer("n").notNull(),
    path: text("path").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rangeNo, t.line, t.n] })],
);

/**
 * What a job's chunk did, keyed by (job, range, the cursor it started from), written in the
 * same D1 transaction as the chunk's effect: a copy that runs the chunk again (redelivered,
 * concurrent, or after a crash before the range moved) changes nothing and reads back the
 * first copy's counts and continuation, so counters stay exact. `range_no` -1 is the finish.
 */
export const jobChunkResults = sqliteTable(
  "job_chunk_results",
  {
    jobId: text("job_id").notNull(),
    rangeNo: integer("range_no").notNull(),
    /** The cursor the chunk started from ('' before the first). */
    cursor: text("cursor").notNull(),
    /** JSON: counters and the next cursor. */
    result: text("result").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rangeNo, t.cursor] })],
);

/**
 * Uploaded files to import into a dataset. The file is kept in R2 as an R2 multipart
 * object whose parts are sealed segment by segment under the dataset key (see
 * src/shared/imports/sealed-object.ts); `bytes` is the plaintext size once complete.
 */
export const imports = sqliteTable(
  "imports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    datasetId: text("dataset_id").notNull(),
    format: text("format", { enum: ["ndjson", "csv", "parquet"] }).notNull(),
    onError: text("on_error", { enum: ["skip", "abort"] }).notNull(),
    /** Format options (CSV delimiter), JSON. */
    options: text("options").notNull().default("{}"),
    status: text("status", { enum: ["uploading", "started", "aborted"] }).notNull(),
    objectKey: text("object_key").notNull(),
    uploadId: text("upload_id").notNull(),
    /** Plaintext bytes of every part but the last. */
    partSize: integer("part_size").notNull(),
    keyVersion: integer("key_version").notNull(),
    bytes: integer("bytes"),
    jobId: text("job_id"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("imports_tenant_idx").on(t.tenantId, t.id)],
);

/** Parts received of an import's upload; a part sent again replaces its row (same number). */
export const importParts = sqliteTable(
  "import_parts",
  {
    importId: text("import_id").notNull(),
    partNo: integer("part_no").notNull(),
    plainBytes: integer("plain_bytes").notNull(),
    etag: text("etag").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.partNo] })],
);

/** Exports of a dataset to a file in R2, each with a manifest once written. */
export const exportsTable = sqliteTable(
  "exports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    datasetId: text("dataset_id").notNull(),
    format: text("format", { enum: ["ndjson", "csv", "parquet"] }).notNull(),
    view: text("view", { enum: ["stored", "anonymized"] }).notNull(),
    /** Options (fields, operators), JSON. */
    options: text("options").notNull().default("{}"),
    jobId: text("job_id"),
    /** The manifest without the per-record hashes, JSON; null until the export is written. */
    manifest: text("manifest"),
    bytes: integer("bytes"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("exports_tenant_idx").on(t.tenantId, t.id)],
);

/** The sealed pieces of an export in R2, one per chunk, ordered by their first seq. */
export const exportParts = sqliteTable(
  "export_parts",
  {
    exportId: text("export_id").notNull(),
    firstSeq: integer("first_seq").notNull(),
    records: integer("records").notNull(),
    lastSeq: integer("last_seq").notNull(),
    plainBytes: integer("plain_bytes").notNull(),
    keyVersion: integer("key_version").notNull(),
    /** R2 keys of the sealed piece and of its sealed `seq<TAB>sha256` lines. */
    objectKey: text("object_key").notNull(),
    hashesKey: text("hashes_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.firstSeq] })],
);

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type DatasetRow = typeof datasets.$inferSelect;
