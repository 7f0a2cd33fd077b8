/** The stated limits of the records API; every one is enforced with a 413 or 422. */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest `data` of one record, measured as its RFC 8785 canonical JSON in UTF-8. */
export const MAX_RECORD_BYTES = 1 * MiB;
/** Largest request body of a single-record write (POST records, PUT record); leaves room for whitespace. */
export const MAX_RECORD_BODY_BYTES = 2 * MiB;
/** Most records in one batch write or one validate request. */
export const MAX_BATCH_RECORDS = 1000;
/** Largest batch request body, and largest sum of canonical record sizes in one batch. */
export const MAX_BATCH_BYTES = 10 * MiB;
/**
 * Records whose ciphertext is larger than this go to R2; the row keeps a pointer. A Durable
 * Object SQLite row holds at most 2 MB, and small rows keep page reads fast.
 */
export const INLINE_CIPHERTEXT_BYTES = 256 * KiB;
/** A page of records stops early once the records' sizes add up to this, so responses stay bounded. */
export const MAX_PAGE_BYTES = 8 * MiB;
/** Idempotency keys are remembered at least this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
