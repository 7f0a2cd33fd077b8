/**
 * NDJSON split into byte ranges that run in parallel. A line belongs to the range its first
 * byte falls in, so a range whose start falls inside a line skips to the next one, and a
 * range's last line may run past its end. Each chunk reads about CHUNK_BYTES and returns
 * the complete lines in it with their byte offset (the staging order) and their line
 * number within the range.
 */
import { CHUNK_BYTES, CHUNK_LINES, MAX_LINE_BYTES } from "./limits";

/** Reads plaintext bytes [start, end) of the file. */
export type ByteReader = (start: number, end: number) => Promise<Uint8Array>;

/** Where a range stands: the next line's offset, lines counted so far, and whether to skip to the next newline first. */
export interface LineCursor {
  o: number;
  l: number;
  /** "align": the range started inside a line; "long": the current line is over MAX_LINE_BYTES. */
  skip?: "align" | "long";
}

export interface Line {
  /** Byte offset of the line's first byte in the file. */
  pos: number;
  /** 1-based line number within the range. */
  line: number;
  /** The line without its end-of-line, or null when it is longer than MAX_LINE_BYTES. */
  bytes: Uint8Array | null;
}

const NL = 0x0a;
const CR = 0x0d;

function isBlank(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  return true;
}

/** The first cursor of a range starting at `start`. */
export const firstCursor = (start: number): LineCursor =>
  start === 0 ? { o: 0, l: 0 } : { o: start - 1, l: 0, skip: "align" };

/**
 * The next lines of a range [.., end) of a file of `total` bytes. Blank lines are counted
 * but not returned. `next` is null when the range is done.
 */
export async function nextLines(
  read: ByteReader,
  cursor: LineCursor,
  end: number,
  total: number,
): Promise<{ lines: Line[]; next: LineCursor | null; bytes: number; through: number }> {
  let { o, l } = cursor;
  const lines: Line[] = [];
  if (cursor.skip) {
    // Skip to just after the next newline: the rest of a line another range owns, or of a line too long to read.
    const window = await read(o, o + CHUNK_BYTES);
    const nl = window.indexOf(NL);
    if (nl < 0) {
      const at = o + window.byteLength;
      return {
        lines,
        next: at >= total ? null : { o: at, l, skip: cursor.skip },
        bytes: cursor.skip === "long" ? window.byteLength : 0,
        through: l,
      };
    }
    o += nl + 1;
    // Alignment bytes belong to the previous range's last line and are counted there.
    return {
      lines,
      next: o >= end || o >= total ? null : { o, l },
      bytes: cursor.skip === "long" ? nl + 1 : 0,
      through: l,
    };
  }
  if (o >= end || o >= total) return { lines, next: null, bytes: 0, through: l };
  let window = await read(o, o + CHUNK_BYTES);
  let at = 0;
  while (lines.length < CHUNK_LINES && o + at < end) {
    let nl = window.indexOf(NL, at);
    const eof = o + window.byteLength >= total;
    if (nl < 0 && !eof) {
      if (at > 0) break; // the next chunk starts with this line
      // One line bigger than the window: read up to the line limit.
      window = await read(o, o + MAX_LINE_BYTES + 1);
      nl = window.indexOf(NL);
      if (nl < 0 && o + window.byteLength < total) {
        l++;
        lines.push({ pos: o, line: l, bytes: null });
        return { lines, next: { o: o + window.byteLength, l, skip: "long" }, bytes: window.byteLength, through: l };
      }
    }
    const stop = nl < 0 ? window.byteLength : nl;
    if (stop - at > MAX_LINE_BYTES) {
      l++;
      lines.push({ pos: o + at, line: l, bytes: null });
    } else {
      const bytes = window.subarray(at, stop);
      const trimmed =
        bytes.byteLength && bytes[bytes.byteLength - 1] === CR ? bytes.subarray(0, bytes.byteLength - 1) : bytes;
      // A file's final newline does not start another line.
      if (nl >= 0 || stop > at) l++;
      if (!isBlank(trimmed)) lines.push({ pos: o + at, line: l, bytes: trimmed });
    }
    at = nl < 0 ? window.byteLength : nl + 1;
    if (nl < 0) break;
  }
  const nextO = o + at;
  return { lines, next: nextO >= end || nextO >= total ? null : { o: nextO, l }, bytes: at, through: l };
}
