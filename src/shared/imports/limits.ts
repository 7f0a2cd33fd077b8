/** The stated limits of imports; every one is enforced (413 or 422) or reported per line. */

const MiB = 1024 * 1024;

/** Largest body of a single-request import and of one uploaded part (compressed size, as sent). */
export const MAX_REQUEST_BYTES = 100 * MiB;
/** Largest file a single request may unpack to (gzip): bounds the work one request can start. */
export const MAX_SINGLE_REQUEST_PLAIN_BYTES = 1024 * MiB;
/** Largest import file (plaintext): 5 GiB, what one dataset's Durable Object can hold with room to stage it. */
export const MAX_IMPORT_BYTES = 5 * 1024 * MiB;
/** Part sizes a multipart upload may declare: R2's minimum part size up to the request limit, in whole MiB. */
export const MIN_PART_BYTES = 5 * MiB;
export const DEFAULT_PART_BYTES = 8 * MiB;
/** R2's limit on parts per upload. */
export const MAX_PARTS = 10_000;
/** Longest line (NDJSON) or row (CSV) read as one record; longer ones are reported and skipped. */
export const MAX_LINE_BYTES = 2 * MiB;
/** Bytes of the file one chunk reads (plus the end of the line it stops in). */
export const CHUNK_BYTES = 1 * MiB;
/** Lines one chunk stages at most. */
export const CHUNK_LINES = 2000;
/** A range is at least this many bytes; a file gets up to MAX_RANGES_PER_JOB ranges. */
export const MIN_RANGE_BYTES = 4 * MiB;
/** Errors kept per range for the report (all are counted). */
export const ERRORS_PER_RANGE = 10_000;
