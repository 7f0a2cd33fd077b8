/**
 * Tenant regex patterns on a linear-time engine. A tenant writes a JavaScript regular
 * expression; it runs on re2js (a pure-JS port of RE2: finite automata, no backtracking),
 * so no pattern can take more than time linear in the text it scans. What RE2 cannot
 * express is refused at creation with the feature's name: backreferences, lookahead,
 * lookbehind, possessive quantifiers, atomic groups, octal escapes, lone surrogates.
 *
 * The JavaScript source is translated token by token to RE2 syntax so that what it
 * matches keeps its JavaScript meaning: `\s` is JavaScript's Unicode whitespace, `.` stops
 * at \n, \r, U+2028 and U+2029, `\uXXXX` / `\u{…}` / `\xHH` / `\cX` become `\x{…}`, and a
 * `[` or `{` that JavaScript reads literally is escaped. Documented differences that stay:
 * matching is by code point (as with the `u` flag: `.` takes a whole astral character),
 * case folding is Unicode simple folding, and under `m` only \n ends a line for ^ and $.
 */
import { RE2JS, RE2JSException } from "re2js";

/** Longest pattern source accepted, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 512;
/** Largest `{n,m}` bound (RE2's own limit). */
export const MAX_REPEAT_BOUND = 1000;
/**
 * Largest compiled program, in RE2 instructions. The NFA's work per character grows with
 * it, so it bounds the per-character cost that the scan budget multiplies.
 */
export const MAX_PROGRAM_SIZE = 1000;

/** A refused pattern; the message names the feature and is shown to the tenant. */
export class RefusedPatternError extends Error {}

/** JavaScript's `\s` (WhiteSpace and LineTerminator, ECMA-262 §22.2.2.9) as RE2 class items. */
const JS_SPACE_ITEMS = "\\t-\\r\\p{Zs}\\x{2028}\\x{2029}\\x{FEFF}";
const DOT_NO_NEWLINE = "[^\\n\\r\\x{2028}\\x{2029}]";
const QUANTIFIER = /^\{(\d+)(?:,(\d*))?\}/;
const ASCII_PUNCT = /^[!-/:-@[-`{-~]$/;
const HEX = /^[0-9A-Fa-f]$/;

const refuse = (msg: string): never => {
  throw new RefusedPatternError(msg);
};
const hexCode = (cp: number) => `\\x{${cp.toString(16).toUpperCase()}}`;
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Translates JavaScript regex source to RE2 source, refusing what RE2 cannot run. */
class Translator {
  i = 0;
  out = "";
  /** Set after a quantifier (and its lazy `?`), to spot a possessive `+`. */
  afterQuantifier = false;

  constructor(
    readonly src: string,
    readonly unicode: boolean,
    readonly dotAll: boolean,
  ) {}

  run(): string {
    while (this.i < this.src.length) this.token();
    return this.out;
  }

  token() {
    const c = this.src[this.i];
    const wasQuantifier = this.afterQuantifier;
    this.afterQuantifier = false;
    switch (c) {
      case "\\":
        this.i++;
        this.out += this.escape(false);
        return;
      case "(":
        this.group();
        return;
      case "[":
        this.charClass();
        return;
      case ".":
        this.i++;
        this.out += this.dotAll ? "(?s:.)" : DOT_NO_NEWLINE;
        return;
      case "*":
      case "+":
      case "?":
        if (wasQuantifier && c === "+") refuse("possessive quantifiers (like a*+) are not supported");
        this.i++;
        this.out += c;
        this.afterQuantifier = true;
        this.lazy();
        return;
      case "{": {
        const m = QUANTIFIER.exec(this.src.slice(this.i));
        if (!m) {
          // JavaScript without `u` reads a `{` that does not start a quantifier as itself.
          this.i++;
          this.out += "\\{";
          return;
        }
        if (wasQuantifier) refuse("a quantifier cannot follow a quantifier");
        const bounds = [m[1], m[2]].filter((b) => b !== undefined && b !== "").map(Number);
        if (bounds.some((b) => b > MAX_REPEAT_BOUND))
          refuse(`repetition bounds above ${MAX_REPEAT_BOUND} are not supported`);
        this.i += m[0].length;
        this.out += m[0];
        this.afterQuantifier = true;
        this.lazy();
        return;
      }
      case "}":
        this.i++;
        this.out += "\\}";
        return;
      default:
        this.i++;
        this.out += c;
    }
  }

  /** A lazy `?` after a quantifier; a `+` there is a possessive quantifier. */
  lazy() {
    if (this.src[this.i] === "?") {
      this.i++;
      this.out += "?";
    }
    if (this.src[this.i] === "+") refuse("possessive quantifiers (like a*+) are not supported");
  }

  group() {
    const rest = this.src.slice(this.i);
    if (rest.startsWith("(?=") || rest.startsWith("(?!")) refuse("lookahead ((?=…), (?!…)) is not supported");
    if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) refuse("lookbehind ((?<=…), (?<!…)) is not supported");
    if (rest.startsWith("(?>")) refuse("atomic groups ((?>…)) are not supported");
    if (rest.startsWith("(?(")) refuse("conditionals ((?(…)…)) are not supported");
    if (/^\(\?(?:R|\d|&|P>)/.test(rest)) refuse("recursion is not supported");
    this.i++;
    this.out += "(";
  }

  /** A code point from \u, \x or \c, or null when JavaScript reads the letter literally. */
  codeEscape(letter: string): number | null {
    const s = this.src;
    if (letter === "x") {
      if (HEX.test(s[this.i] ?? "") && HEX.test(s[this.i + 1] ?? "")) {
        this.i += 2;
        return parseInt(s.slice(this.i - 2, this.i), 16);
      }
      return null;
    }
    if (letter === "c") {
      if (/^[A-Za-z]$/.test(s[this.i] ?? "")) return s.charCodeAt(this.i++) % 32;
      return null;
    }
    // \u
    const braced = this.unicode ? /^\{([0-9A-Fa-f]{1,6})\}/.exec(s.slice(this.i)) : null;
    let cp: number;
    if (braced) {
      this.i += braced[0].length;
      cp = parseInt(braced[1], 16);
    } else if (/^[0-9A-Fa-f]{4}/.test(s.slice(this.i, this.i + 4))) {
      cp = parseInt(s.slice(this.i, this.i + 4), 16);
      this.i += 4;
      const low = /^\\u([0-9A-Fa-f]{4})/.exec(s.slice(this.i));
      if (isHigh(cp) && low && isLow(parseInt(low[1], 16))) {
        this.i += low[0].length;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
      }
    } else return null;
    if (isHigh(cp) || isLow(cp)) refuse("lone surrogates (\\uD800-\\uDFFF without their pair) are not supported");
    return cp;
  }

  /** The escape after a backslash (already consumed), inside a class or not. */
  escape(inClass: boolean): string {
    const c = this.src[this.i++];
    if (c === undefined) return refuse("the pattern ends with a lone backslash");
    if (/[1-9]/.test(c))
      return refuse(inClass ? "octal escapes are not supported" : "backreferences (\\1…\\9) are not supported");
    if (c === "k") return refuse("named backreferences (\\k<name>) are not supported");
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
      case "n":
      case "r":
      case "t":
      case "f":
      case "v":
        return "\\" + c;
      case "b":
        return inClass ? "\\x{8}" : "\\b";
      case "B":
        return inClass ? refuse("\\B inside a character class is not supported") : "\\B";
      case "s":
        return inClass ? JS_SPACE_ITEMS : `[${JS_SPACE_ITEMS}]`;
      case "S":
        return inClass
          ? refuse("\\S inside a character class is not supported; write [^\\s…] instead")
          : `[^${JS_SPACE_ITEMS}]`;
      case "0":
        if (/[0-9]/.test(this.src[this.i] ?? "")) return refuse("octal escapes are not supported");
        return "\\x{0}";
      case "x":
      case "u":
      case "c": {
        const cp = this.codeEscape(c);
        return cp === null ? c : hexCode(cp);
      }
      case "p":
      case "P":
        if (!this.unicode)
          return refuse(`\\${c} without the u flag is not supported (JavaScript would read a literal '${c}')`);
        return this.property(c);
      default:
        if (/[A-Za-z]/.test(c)) return refuse(`the escape \\${c} is not supported`);
        return ASCII_PUNCT.test(c) ? "\\" + c : c;
    }
  }

  /** `\p{…}` / `\P{…}` under `u`: RE2 knows general categories and scripts by their short names. */
  property(c: string): string {
    const m = /^\{([A-Za-z_]+)\}/.exec(this.src.slice(this.i));
    if (!m)
      return refuse(
        `\\${c}{…} here is not a Unicode property RE2 supports (use a category like L or a script like Greek)`,
      );
    this.i += m[0].length;
    return `\\${c}{${m[1]}}`;
  }

  charClass() {
    this.i++;
    let negate = false;
    if (this.src[this.i] === "^") {
      negate = true;
      this.i++;
    }
    // JavaScript: `[]` matches nothing and `[^]` matches anything.
    if (this.src[this.i] === "]") {
      this.i++;
      this.out += negate ? "[\\x{0}-\\x{10FFFF}]" : refuse("the empty class [] never matches");
      return;
    }
    let body = "";
    while (this.i < this.src.length && this.src[this.i] !== "]") {
      const c = this.src[this.i++];
      if (c === "\\") body += this.escape(true);
      else if (c === "[")
        body += "\\["; // RE2 would read [:alpha:]
      else body += c;
    }
    if (this.src[this.i] !== "]") refuse("unterminated character class");
    this.i++;
    this.out += `[${negate ? "^" : ""}${body}]`;
  }
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/**
 * Checks a tenant pattern and compiles it for RE2. Flags: i (case-insensitive), m (^ and $
 * at line ends), s (`.` matches newlines), u (Unicode syntax: `\u{…}`, `\p{…}`), each at
 * most once; `g`, `y`, `d` and `v` are refused.
 * `allowEmptyMatch` keeps patterns that match "" (JSON Schema's `^[a-z]*$`); a recognizer's
 * pattern may not, since it would find empty matches everywhere.
 * @throws RefusedPatternError with a message naming the unsupported feature or the syntax error
 * @example compileTenantPattern("\\bEMP-\\d{6}\\b").re2().matchWithGroup(…)
 */
export function compileTenantPattern(pattern: string, flags = "", { allowEmptyMatch = false } = {}): RE2JS {
  if (pattern.length === 0 && !allowEmptyMatch) refuse("the pattern is empty");
  if (pattern.length > MAX_PATTERN_LENGTH) refuse(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length)
    refuse("flags may only be i, m, s and u, each at most once");
  // Named features first, so the tenant learns what to change rather than a parser error.
  const source = new Translator(pattern, flags.includes("u"), flags.includes("s")).run();
  try {
    // Compiling (never running) a JavaScript RegExp checks the syntax the pattern is written in.
    new RegExp(pattern, flags);
  } catch (err) {
    refuse(`not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(
      source,
      [...flags].reduce((bits, f) => bits | FLAG_BITS[f], 0),
    );
  } catch (err) {
    if (err instanceof RE2JSException)
      return refuse(`not supported by the linear-time engine: ${err.message.replace(/^error parsing regexp: /, "")}`);
    throw err;
  }
  if (re.programSize() > MAX_PROGRAM_SIZE)
    refuse(`the pattern compiles to more than ${MAX_PROGRAM_SIZE} instructions; use smaller repetition bounds`);
  if (!allowEmptyMatch && re.test("")) refuse("the pattern matches the empty string");
  return re;
}
