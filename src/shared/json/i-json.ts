/**
 * The one JSON reader of the vault: I-JSON (RFC 7493) over RFC 8259 text. Every JSON body
 * of the API goes through `readJsonBody` (workers/api/middleware/json-body.ts) before any
 * route sees it, so a route added later gets the same rules.
 *
 * `scanIJson` is a single iterative pass (an explicit stack, no recursion, so no input can
 * overflow the call stack) that checks what `JSON.parse` silently gets wrong:
 *
 * | input                                                  | answer                              |
 * |--------------------------------------------------------|-------------------------------------|
 * | not RFC 8259 JSON                                      | 400 `malformed-json`                |
 * | a member name twice in one object (RFC 7493 §2.3)      | 400 `malformed-json`, path          |
 * | a number an IEEE 754 double cannot hold exactly as     | 422 `validation-failed`, path       |
 * |   written (§2.2): `1e400`, `1e-400`, `2^53 + 1`,       |                                     |
 * |   `1.0000000000000001`                                 |                                     |
 * | a lone surrogate escape, e.g. `"\ud800"` (§2.1)        | 422 `validation-failed`, path       |
 * | objects/arrays nested deeper than MAX_JSON_DEPTH       | 422 `validation-failed`, path       |
 *
 * A number is accepted when it round-trips: the shortest decimal form of the double it
 * parses to (what the vault writes back, ECMAScript Number::toString) has the same value
 * as the text. `1.0`, `1e2`, `-0` and `0.1` pass (they come back as `1`, `100`, `0`,
 * `0.1`: the same value, in shortest form); `10000000000000001` does not (it would come
 * back as `10000000000000000`), nor `1.0000000000000001` (→ `1`), `1e400` (→ infinite),
 * `1e-400` (→ `0`). Only the text is checked here; the value is then built by
 * `JSON.parse`, which agrees with the scan on everything the scan accepts.
 */
import { ProblemError, type FieldError } from "../errors";
import { MAX_JSON_DEPTH, MAX_JSON_ISSUES } from "./limits";

export interface ScanOptions {
  /** Deepest nesting of objects and arrays, counting the outermost value as 1. */
  maxDepth?: number;
  /** Path prefix of reported paths; `$` is the whole text. */
  root?: string;
}

/** The first syntax or duplicate-name error (400), or the value errors found (422), or ok. */
export type ScanResult = { ok: true } | { ok: false; status: 400 | 422; detail: string; errors: FieldError[] };

interface Frame {
  /** An object (with the names seen so far: a list while short, then a set) or an array (null). */
  names: string[] | Set<string> | null;
  /** Current member name (objects) or index (arrays). */
  at: string | number;
}

const enum Mode {
  Value,
  Name,
  After,
}

const HEX4 = /[0-9a-fA-F]{4}/y;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** 1 at the code of each character that may follow a backslash besides `u`: " \ / b f n r t. */
const SIMPLE_ESCAPE = new Uint8Array(128);
for (const ch of '"\\/bfnrt') SIMPLE_ESCAPE[ch.charCodeAt(0)] = 1;
/**
 * A run of string characters that need no look of their own: not a quote, backslash, control
 * character or surrogate (without the u flag a regex sees UTF-16 code units). Long strings
 * (base64 payloads, prose) are skipped with it natively instead of a character at a time.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what ends a run (RFC 8259 §7)
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]+/y;
/** Plain characters the loop steps through before it hands the rest of a run to PLAIN_RUN. */
const SHORT_RUN = 32;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const NOT_I_JSON = "The request body is not acceptable I-JSON (RFC 7493).";
// Without the u flag a regex sees UTF-16 code units, so this finds unpaired surrogates.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when a string holds a surrogate code unit without its pair (not well-formed Unicode). */
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);

/** Records `name` in an object frame; false when it was already there. Small objects use a list. */
function addName(frame: Frame, name: string): boolean {
  const names = frame.names!;
  if (Array.isArray(names)) {
    if (names.includes(name)) return false;
    names.push(name);
    if (names.length > 16) frame.names = new Set(names);
    return true;
  }
  if (names.has(name)) return false;
  names.add(name);
  return true;
}

/** JSON path segment for a member name or array index, as in every FieldError of the API. */
export function pathSegment(parent: string, at: string | number): string {
  if (typeof at === "number") return `${parent}[${at}]`;
  return IDENTIFIER.test(at) ? `${parent}.${at}` : `${parent}[${JSON.stringify(at)}]`;
}

/**
 * Checks JSON text against RFC 8259 and I-JSON in one pass, without building the value.
 * @example scanIJson('{"n": 1e400}') // { ok: false, status: 422, errors: [{ path: "$.n", … }] }
 */
export function scanIJson(text: string, options: ScanOptions = {}): ScanResult {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const root = options.root ?? "$";
  const stack: Frame[] = [];
  const issues: FieldError[] = [];
  /** Path of the current value, or of member `name` of the innermost object. */
  const path = (name?: string) => {
    let p = root;
    const last = name === undefined ? stack.length : stack.length - 1;
    for (let k = 0; k < last; k++) p = pathSegment(p, stack[k].at);
    return name === undefined ? p : pathSegment(p, name);
  };
  const syntax = (at: number, what: string): ScanResult => ({
    ok: false,
    status: 400,
    detail: `The request body is not valid JSON: ${what} at character ${at}.`,
    errors: [{ path: path(), message: `${what} at character ${at}.` }],
  });
  const issue = (p: string, message: string) => {
    if (issues.length < MAX_JSON_ISSUES) issues.push({ path: p, message });
  };

  /**
   * End index (after the closing quote) of the string starting at `start`, or -1. Sets
   * `escaped` when it has escapes (its value differs from its text), and `lone` when it
   * holds a lone surrogate: raw ones are paired here, escaped ones checked on the decoded value.
   */
  let escaped = false;
  let lone = false;
  const stringEnd = (start: number): number => {
    escaped = false;
    lone = false;
    let surrogateEscape = false;
    let j = start + 1;
    let skipFrom = j + SHORT_RUN;
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) {
        const e = text.charCodeAt(j + 1);
        if (e === 0x75) {
          HEX4.lastIndex = j + 2;
          if (!HEX4.test(text)) return -1;
          const unit = parseInt(text.slice(j + 2, j + 6), 16);
          if (unit >= 0xd800 && unit <= 0xdfff) surrogateEscape = true;
          j += 6;
        } else if (SIMPLE_ESCAPE[e] === 1) {
          j += 2;
        } else {
          return -1;
        }
        escaped = true;
      } else if (c < 0x20 || c !== c) {
        return -1; // a control character, or the end of the text (NaN)
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = text.charCodeAt(j + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) j += 2;
        else {
          lone = true;
          j++;
        }
      } else if (j < skipFrom) {
        j++;
      } else {
        // Short strings (names, words) stay in this loop; a long run pays for one regex call.
        PLAIN_RUN.lastIndex = j;
        j = PLAIN_RUN.test(text) ? PLAIN_RUN.lastIndex : j + 1;
        skipFrom = j + SHORT_RUN;
      }
    }
    // Escaped surrogates may pair with each other or with raw ones: decide on the value.
    if (surrogateEscape) lone = hasLoneSurrogate(JSON.parse(text.slice(start, j + 1)) as string);
    return j + 1;
  };

  /** End index of the number starting at `start`, or -1; `plainShort`: ≤ 15 characters, no exponent. */
  let plainShort = false;
  const digitsFrom = (j: number) => {
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d < 0x30 || d > 0x39) break;
      j++;
    }
    return j;
  };
  const numberEnd = (start: number): number => {
    let j = start;
    if (text.charCodeAt(j) === 0x2d) j++;
    const first = text.charCodeAt(j);
    if (first === 0x30) j++;
    else if (first >= 0x31 && first <= 0x39) j = digitsFrom(j + 1);
    else return -1;
    if (text.charCodeAt(j) === 0x2e) {
      const k = digitsFrom(j + 1);
      if (k === j + 1) return -1;
      j = k;
    }
    let exponent = false;
    const e = text.charCodeAt(j);
    if (e === 0x65 || e === 0x45) {
      exponent = true;
      j++;
      const sign = text.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j++;
      const k = digitsFrom(j);
      if (k === j) return -1;
      j = k;
    }
    plainShort = !exponent && j - start <= 15;
    return j;
  };

  let i = 0;
  let mode: Mode = Mode.Value;
  const n = text.length;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (mode === Mode.Value) {
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= maxDepth) {
          issue(path(), `Nesting is deeper than ${maxDepth} levels of objects and arrays.`);
          return { ok: false, status: 422, detail: NOT_I_JSON, errors: issues };
        }
        stack.push({ names: c === 0x7b ? [] : null, at: 0 });
        i++;
        mode = c === 0x7b ? Mode.Name : Mode.Value;
        // An empty container closes at once.
        while (i < n && isSpace(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
          stack.pop();
          i++;
          mode = Mode.After;
        }
        continue;
      }
      if (c === 0x22) {
        const end = stringEnd(i);
        if (end < 0) return syntax(i, "Unterminated or invalid string");
        if (lone) {
          issue(path(), "Lone surrogate in a string: I-JSON (RFC 7493 §2.1) needs well-formed Unicode.");
        }
        i = end;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        const end = numberEnd(i);
        if (end < 0) return syntax(i, "Invalid number");
        // Up to 15 digits without exponent always round-trip; only longer literals are checked.
        if (!plainShort) {
          const problem = numberProblem(text.slice(i, end));
          if (problem) issue(path(), problem);
        }
        i = end;
      } else if (text.startsWith("true", i)) i += 4;
      else if (text.startsWith("false", i)) i += 5;
      else if (text.startsWith("null", i)) i += 4;
      else return syntax(i, i >= n ? "Unexpected end of input" : "Unexpected character");
      mode = Mode.After;
    } else if (mode === Mode.Name) {
      if (c !== 0x22) return syntax(i, "Expected a member name");
      const end = stringEnd(i);
      if (end < 0) return syntax(i, "Unterminated or invalid member name");
      const name = escaped ? (JSON.parse(text.slice(i, end)) as string) : text.slice(i + 1, end - 1);
      const frame = stack[stack.length - 1];
      if (!addName(frame, name)) {
        return {
          ok: false,
          status: 400,
          detail: "The request body is not I-JSON (RFC 7493 §2.3): a member name appears twice in one object.",
          errors: [{ path: path(name), message: "Duplicate member name." }],
        };
      }
      frame.at = name;
      if (lone) issue(path(), "Lone surrogate in a member name: I-JSON (RFC 7493 §2.1) needs well-formed Unicode.");
      i = end;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x3a) return syntax(i, "Expected ':'");
      i++;
      mode = Mode.Value;
    } else {
      if (stack.length === 0) {
        if (i < n) return syntax(i, "Unexpected text after the JSON value");
        break;
      }
      const frame = stack[stack.length - 1];
      if (c === 0x2c) {
        i++;
        if (frame.names) mode = Mode.Name;
        else {
          frame.at = (frame.at as number) + 1;
          mode = Mode.Value;
        }
      } else if (c === (frame.names ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
      } else {
        const expected = frame.names ? "Expected ',' or '}'" : "Expected ',' or ']'";
        return syntax(i, i >= n ? "Unexpected end of input" : expected);
      }
    }
  }
  if (issues.length) return { ok: false, status: 422, detail: NOT_I_JSON, errors: issues };
  return { ok: true };
}

/**
 * Why a JSON number literal cannot be held exactly by an IEEE 754 double, or null when it can
 * (the double's shortest decimal form has the same value as the literal).
 */
export function numberProblem(literal: string): string | null {
  // At most 15 significant digits and no exponent: always exact (DBL_DIG = 15).
  if (literal.length <= 15 && !/[eE]/.test(literal)) return null;
  const value = Number(literal);
  const advice = "(RFC 7493 §2.2); send it as a string.";
  if (!Number.isFinite(value)) return `This number is too large for an IEEE 754 double ${advice}`;
  if (decimalKey(literal) === decimalKey(String(value))) return null;
  if (value === 0) return `This number is too small for an IEEE 754 double and would become 0 ${advice}`;
  return `This number cannot be held exactly by an IEEE 754 double and would become ${String(value)} ${advice}`;
}

/** A normal form of a decimal literal's value: sign, significant digits, exponent. */
function decimalKey(literal: string): string {
  const m = DECIMAL.exec(literal);
  if (!m) return literal;
  const fraction = m[3] ?? "";
  let digits = (m[2] + fraction).replace(/^0+/, "");
  if (!digits) return "0";
  let exponent = Number(m[4] ?? "0") - fraction.length;
  const trimmed = digits.replace(/0+$/, "");
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${m[1]}${digits}e${exponent}`;
}

/**
 * Parses JSON text that passed every I-JSON rule, or throws the problem (400 or 422).
 * @example parseIJson('{"a":1}') // { a: 1 }
 */
export function parseIJson(text: string, options: ScanOptions = {}): unknown {
  const result = scanIJson(text, options);
  if (!result.ok) throw jsonProblem(result);
  return JSON.parse(text);
}

/** The ProblemError of a failed scan. */
export function jsonProblem(result: Extract<ScanResult, { ok: false }>): ProblemError {
  return new ProblemError(result.status, result.status === 400 ? "malformed-json" : "validation-failed", {
    detail: result.detail,
    errors: result.errors,
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * UTF-8 bytes to text, refusing invalid sequences (400 `malformed-json`) instead of turning
 * them into U+FFFD. A leading byte order mark is dropped (RFC 8259 §8.1 allows ignoring it).
 */
export function decodeUtf8Strict(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const at = firstInvalidUtf8(view);
    throw new ProblemError(400, "malformed-json", {
      detail: `The request body is not valid UTF-8 (RFC 8259 §8.1, RFC 7493 §2.1): invalid bytes at byte ${at}.`,
    });
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (for the error message only). */
function firstInvalidUtf8(b: Uint8Array): number {
  let lo = 0;
  let hi = b.length;
  // Binary search over prefixes: a streaming decoder accepts a prefix that ends inside a
  // valid sequence, so "decodes" is monotone up to the first bad byte.
  const ok = (end: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
