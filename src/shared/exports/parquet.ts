/**
 * Parquet export (hyparquet-writer): a Parquet file ends in a footer that points at every
 * column chunk by absolute offset, so it cannot be written as independent pieces the way
 * NDJSON and CSV are. The export's chunks write canonical NDJSON pieces as usual (so the
 * manifest hashes are the same); the finish turns them into one Parquet file, in memory,
 * for exports up to MAX_PARQUET_SOURCE_BYTES. Each top-level field is a column: BOOLEAN,
 * INT64 (safe integers), DOUBLE, STRING when every value fits, else JSON (logical type).
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import type { BasicType } from "hyparquet-writer/src/types.js";

/** Largest export (as canonical NDJSON) written as Parquet: the file is built in memory. */
export const MAX_PARQUET_SOURCE_BYTES = 64 * 1024 * 1024;
/** Rows per Parquet row group. */
const ROW_GROUP_ROWS = 10_000;

function columnType(values: unknown[]): BasicType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return "STRING";
  if (present.every((v) => typeof v === "boolean")) return "BOOLEAN";
  if (present.every((v) => typeof v === "number" && Number.isSafeInteger(v))) return "INT64";
  if (present.every((v) => typeof v === "number")) return "DOUBLE";
  if (present.every((v) => typeof v === "string")) return "STRING";
  return "JSON";
}

/** One Parquet file of `records` with the columns `fields` (all top-level fields, first seen first, when none). */
export function toParquet(records: Record<string, unknown>[], fields?: string[]): Uint8Array {
  const names = fields ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
  const columnData = names.map((name) => {
    const values = records.map((r) => (Object.prototype.hasOwnProperty.call(r, name) ? r[name] : null));
    const type = columnType(values);
    const data =
      type === "INT64" ? values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : values;
    return { name, data, type, nullable: true };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: ROW_GROUP_ROWS }));
}
