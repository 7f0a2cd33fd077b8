/**
 * CSV import (csv-parse, RFC 4180): the header row names the fields; quoted fields may hold
 * delimiters, quotes ("") and newlines, so a CSV file is one range read front to back, a
 * window of CHUNK_BYTES at a time. The cursor keeps the byte offset after the last whole
 * record, the physical line there, and the header. Cells are typed by the dataset's JSON
 * Schema where it names the column's type (integer, number, boolean, null, object, array);
 * an empty cell is left out unless the column is a string; a cell that does not convert
 * stays text, so the schema check reports it without its value.
 */
import { numberProblem, scanIJson } from "../json/i-json";
import { Parser } from "csv-parse";
import { CHUNK_BYTES, CHUNK_LINES, MAX_LINE_BYTES } from "./limits";
import type { ImportRowLike, SourceChunk, SourceItem } from "./source";

type Reader = (start: number, end: number) => Promise<Uint8Array>;

interface CsvCursor {
  o: number;
  /** Physical lines before `o`. */
  line: number;
  cols?: string[];
}

/** The header may take at most this much of the cursor (kept in D1). */
const MAX_HEADER_BYTES = 64 * 1024;

interface Parsed {
  record: string[];
  /** Bytes of the window consumed through this record (and its end of line). */
  end: number;
}

/** Whole records of `bytes`; with `eof` false, a record the window cuts off is not returned. */
function parseWindow(bytes: Uint8Array, delimiter: string, eof: boolean): { records: Parsed[]; error: string | null } {
  const records: Parsed[] = [];
  const parser = new Parser({
    delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
  });
  const api = (
    parser as unknown as {
      api: {
        parse: (
          b: Buffer | undefined,
          end: boolean,
          push: (r: unknown) => void,
          close: () => void,
        ) => Error | undefined;
      };
    }
  ).api;
  const push = (r: unknown) => {
    const { record, info } = r as { record: string[]; info: { bytes: number } };
    records.push({ record, end: info.bytes });
  };
  const err = api.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), eof, push, () => undefined);
  // csv-parse messages can quote the field; only its code is reported.
  return { records, error: err ? ((err as { code?: string }).code ?? "CSV_INVALID") : null };
}

function countLines(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (bytes[i] === 0x0a) n++;
  return n;
}

/** Column types the dataset schema declares, by top-level property. */
function columnTypes(schemaText: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!schemaText) return out;
  const schema = JSON.parse(schemaText) as { properties?: Record<string, { type?: string | string[] }> };
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    if (p && typeof p === "object" && p.type) out.set(k, Array.isArray(p.type) ? p.type : [p.type]);
  }
  return out;
}

/** A cell as the schema types it (see the module comment). */
export function typedCell(cell: string, types: string[] | undefined): { keep: boolean; value: unknown } {
  if (!types || types.includes("string")) return { keep: true, value: cell };
  if (cell === "") return { keep: types.includes("null"), value: null };
  for (const t of types) {
    if ((t === "integer" || t === "number") && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell.trim())) {
      // Only numbers a double holds exactly (the I-JSON rule); others stay text and the schema reports them.
      if (numberProblem(cell.trim()) === null) return { keep: true, value: Number(cell) };
    }
    if (t === "boolean" && /^(true|false)$/i.test(cell.trim()))
      return { keep: true, value: cell.trim().toLowerCase() === "true" };
    if (t === "null" && /^null$/i.test(cell.trim())) return { keep: true, value: null };
    if (t === "object" || t === "array") {
      try {
        if (!scanIJson(cell).ok) continue;
        const v = JSON.parse(cell);
        if ((t === "array") === Array.isArray(v) && v !== null && typeof v === "object")
          return { keep: true, value: v };
      } catch {
        // stays text; the schema reports the type
      }
    }
  }
  return { keep: true, value: cell };
}

export async function csvChunk(
  read: Reader,
  imp: ImportRowLike,
  schemaText: string | null,
  cursorText: string | null,
): Promise<SourceChunk> {
  const { delimiter = "," } = JSON.parse(imp.options) as { delimiter?: string };
  const total = imp.bytes ?? 0;
  const cursor: CsvCursor = cursorText ? JSON.parse(cursorText) : { o: 0, line: 0 };
  if (cursor.o >= total) return { items: [], next: null, lines: 0, bytes: 0 };
  let window = await read(cursor.o, cursor.o + CHUNK_BYTES);
  let eof = cursor.o + window.byteLength >= total;
  let parsed = parseWindow(window, delimiter, eof);
  if (!parsed.records.length && !eof) {
    // One record bigger than the window: try up to the record limit.
    window = await read(cursor.o, cursor.o + MAX_LINE_BYTES + 1);
    eof = cursor.o + window.byteLength >= total;
    parsed = parseWindow(window, delimiter, eof);
  }
  const items: SourceItem[] = [];
  const types = columnTypes(schemaText);
  let cols = cursor.cols;
  let consumed = 0;
  let line = cursor.line;
  for (const { record, end } of parsed.records) {
    if (items.length >= CHUNK_LINES) break;
    // The record starts after any blank lines skipped before it.
    let start = consumed;
    while (start < end && (window[start] === 0x0a || window[start] === 0x0d)) {
      if (window[start] === 0x0a) line++;
      start++;
    }
    const startLine = line + 1;
    line += countLines(window, start, end);
    if (end < window.byteLength || eof) {
      // A record that ends without a newline at the end of the file counts its line too.
      if (end === window.byteLength && eof && window[end - 1] !== 0x0a) line++;
    }
    consumed = end;
    if (!cols) {
      const bytes = end;
      if (bytes > MAX_HEADER_BYTES || new Set(record).size !== record.length || record.some((c) => c === "")) {
        items.push({
          pos: cursor.o,
          line: startLine,
          errors: [{ path: "$", message: "The header row must name every column once (at most 64 KiB)." }],
        });
        return { items, next: null, lines: line - cursor.line, bytes: total - cursor.o };
      }
      cols = record;
      continue;
    }
    const pos = cursor.o + start;
    if (record.length !== cols.length) {
      items.push({
        pos,
        line: startLine,
        errors: [{ path: "$", message: `The row has ${record.length} fields; the header has ${cols.length}.` }],
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    record.forEach((cell, i) => {
      const typed = typedCell(cell, types.get(cols![i]));
      if (typed.keep) value[cols![i]] = typed.value;
    });
    items.push({ pos, line: startLine, value });
  }
  if (parsed.error && consumed === 0 && !parsed.records.length) {
    // Nothing readable from here on (e.g. a quote never closed): one error, and the range ends.
    items.push({ pos: cursor.o, line: cursor.line + 1, errors: [{ path: "$", message: csvReason(parsed.error) }] });
    return { items, next: null, lines: countLines(window, 0, window.byteLength) + 1, bytes: total - cursor.o };
  }
  if (!parsed.records.length) {
    items.push({
      pos: cursor.o,
      line: cursor.line + 1,
      errors: [
        { path: "$", message: "The record is longer than the 2 MiB limit; the rest of the file cannot be read." },
      ],
    });
    return { items, next: null, lines: 1, bytes: total - cursor.o };
  }
  const o = cursor.o + consumed;
  const done = o >= total || (eof && items.length < CHUNK_LINES && consumed >= window.byteLength);
  const next: CsvCursor = { o, line, cols };
  return { items, next: done ? null : JSON.stringify(next), lines: line - cursor.line, bytes: consumed };
}

function csvReason(code: string): string {
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "A quoted field is not closed before the end of the file.";
    case "CSV_INVALID_CLOSING_QUOTE":
      return "A closing quote is followed by other characters.";
    default:
      return `The CSV is malformed (${code}).`;
  }
}
