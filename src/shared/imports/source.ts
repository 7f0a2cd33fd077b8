/** What every import format's reader gives the import job, one chunk at a time. */

/** A parsed record (or the errors of its line) at a position of the file. */
export interface SourceItem {
  /** Sort key of the record in the file (byte offset or row index). */
  pos: number;
  /** Line (NDJSON, CSV: where the record starts) or row number (Parquet), 1-based. */
  line: number;
  value?: unknown;
  errors?: { path: string; message: string }[];
}

/** One chunk of a range: its records, where the range continues (null when done), what it consumed. */
export interface SourceChunk {
  items: SourceItem[];
  next: string | null;
  lines: number;
  bytes: number;
}

/** The import fields a reader needs. */
export interface ImportRowLike {
  id: string;
  bytes: number | null;
  options: string;
}
