/** D1 schema (drizzle): tenants, their API keys and key-encryption keys, and the datasets catalog. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  status: text("status", { enum: ["active", "suspended"] }).notNull().default("active"),
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

/** Audit chain heads copied out of the TenantObject, so a truncated tail is detectable. */
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
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    /** JSON parameters of the job. */
    params: text("params").notNull().default("{}"),
    /** JSON progress counters. */
    progress: text("progress").notNull().default("{}"),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [index("jobs_tenant_idx").on(t.tenantId, t.id)],
);

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type DatasetRow = typeof datasets.$inferSelect;
