/**
 * Static checks that keep a tenant's regex from backtracking catastrophically, since a
 * Worker has no regex timeout. The pattern is parsed into a small AST and rejected when it
 * has a shape known to blow up: backreferences and lookbehind, a variable-length
 * quantifier nested in a repeated group (`(a+)+`, `(\w{1,9}){5}`), a repeated alternation
 * whose branches can start with the same character (`(a|ab)*`), or two unbounded
 * quantifiers over overlapping characters with nothing between them that forces a split
 * (`\d+\.?\d+`, `.*x.*`). What passes runs in time about linear in the input, and
 * custom recognizers also see at most CUSTOM_WINDOW characters at a time.
 */

export const MAX_PATTERN_LENGTH = 512;
export const MAX_QUANTIFIERS = 20;
export const MAX_REPEAT_BOUND = 1000;
/** A bound above this counts as unbounded for the overlap rule. */
const LARGE_BOUND = 64;

export class UnsafePatternError extends Error {}

/** Characters as a 128-bit ASCII bitmap plus a flag for everything beyond ASCII. */
class CharSet {
  bits = new Uint32Array(4);
  other = false;
  add(code: number) {
    if (code < 128) this.bits[code >> 5] |= 1 << (code & 31);
    else this.other = true;
  }
  addRange(from: number, to: number) {
    for (let c = from; c <= Math.min(to, 127); c++) this.add(c);
    if (to >= 128) this.other = true;
  }
  union(o: CharSet) {
    for (let i = 0; i < 4; i++) this.bits[i] |= o.bits[i];
    this.other ||= o.other;
    return this;
  }
  negate() {
    const n = new CharSet();
    for (let i = 0; i < 4; i++) n.bits[i] = ~this.bits[i];
    n.other = true;
    return n;
  }
  overlaps(o: CharSet) {
    for (let i = 0; i < 4; i++) if (this.bits[i] & o.bits[i]) return true;
    return this.other && o.other;
  }
  isEmpty() {
    return !this.other && this.bits.every((b) => b === 0);
  }
  static any() {
    const s = new CharSet();
    s.bits.fill(0xffffffff);
    s.other = true;
    return s;
  }
}

type Node =
  | { kind: "char"; set: CharSet }
  | { kind: "empty" }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; branches: Node[] }
  | { kind: "group"; body: Node }
  | { kind: "look"; body: Node }
  | { kind: "quant"; body: Node; min: number; max: number };

const cls = (ranges: [number, number][]) => {
  const s = new CharSet();
  for (const [a, b] of ranges) s.addRange(a, b);
  return s;
};
const DIGIT = cls([[48, 57]]);
const WORD = cls([[48, 57], [65, 90], [97, 122], [95, 95]]);
const SPACE = (() => {
  const s = cls([[9, 13], [32, 32]]);
  s.other = true;
  return s;
})();

class Parser {
  i = 0;
  quantifiers = 0;
  constructor(
    readonly src: string,
    readonly ignoreCase: boolean,
  ) {}

  fail(msg: string): never {
    throw new UnsafePatternError(msg);
  }

  parse(): Node {
    const n = this.alternation();
    if (this.i < this.src.length) this.fail(`unbalanced ')' at ${this.i}`);
    return n;
  }

  alternation(): Node {
    const branches = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0] : { kind: "alt", branches };
  }

  sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      let atom = this.atom();
      atom = this.quantifier(atom);
      items.push(atom);
    }
    return items.length === 1 ? items[0] : { kind: "seq", items };
  }

  quantifier(body: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{") {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return body; // a literal '{'
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
      if (min > MAX_REPEAT_BOUND || (max !== Infinity && max > MAX_REPEAT_BOUND)) this.fail(`repetition bounds above ${MAX_REPEAT_BOUND} are not allowed`);
      if (max < min) this.fail("repetition bounds are out of order");
    } else return body;
    if (this.src[this.i] === "?") this.i++;
    if (body.kind === "look" || body.kind === "empty") this.fail("a quantifier needs something to repeat");
    if (++this.quantifiers > MAX_QUANTIFIERS) this.fail(`more than ${MAX_QUANTIFIERS} quantifiers`);
    const next = this.src[this.i];
    if (next === "*" || next === "+" || next === "?" || (next === "{" && /^\{\d/.test(this.src.slice(this.i)))) this.fail("a quantifier cannot follow a quantifier");
    return { kind: "quant", body, min, max };
  }

  atom(): Node {
    const c = this.src[this.i++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return { kind: "char", set: this.charClass() };
      case ".":
        return { kind: "char", set: CharSet.any() };
      case "^":
      case "$":
        return { kind: "empty" };
      case "\\":
        return this.escape(false) ?? { kind: "empty" };
      case "*":
      case "+":
      case "?":
        return this.fail(`nothing to repeat before '${c}'`);
      default:
        return { kind: "char", set: this.literal(c.charCodeAt(0)) };
    }
  }

  literal(code: number): CharSet {
    const s = new CharSet();
    s.add(code);
    if (this.ignoreCase) {
      const ch = String.fromCharCode(code);
      s.add(ch.toLowerCase().charCodeAt(0));
      s.add(ch.toUpperCase().charCodeAt(0));
    }
    return s;
  }

  group(): Node {
    let look = false;
    if (this.src[this.i] === "?") {
      const head = this.src.slice(this.i, this.i + 3);
      if (head.startsWith("?:")) this.i += 2;
      else if (head.startsWith("?=") || head.startsWith("?!")) {
        this.i += 2;
        look = true;
      } else if (head === "?<=" || head === "?<!") this.fail("lookbehind is not allowed");
      else if (head.startsWith("?<")) {
        const m = /^\?<([A-Za-z_$][\w$]*)>/.exec(this.src.slice(this.i));
        if (!m) this.fail("bad group name");
        this.i += m[0].length;
      } else this.fail("unsupported group syntax");
    }
    const body = this.alternation();
    if (this.src[this.i] !== ")") this.fail("unterminated group");
    this.i++;
    return look ? { kind: "look", body } : { kind: "group", body };
  }

  /** An escape outside or inside a class; null for zero-width assertions (\b, \B). */
  escape(inClass: boolean): Node | null {
    const c = this.src[this.i++];
    if (c === undefined) this.fail("trailing backslash");
    if (/[1-9]/.test(c) || c === "k") this.fail("backreferences are not allowed");
    if (c === "p" || c === "P") this.fail("Unicode property escapes are not supported");
    const set = (s: CharSet): Node => ({ kind: "char", set: s });
    switch (c) {
      case "d":
        return set(DIGIT);
      case "D":
        return set(DIGIT.negate());
      case "w":
        return set(WORD);
      case "W":
        return set(WORD.negate());
      case "s":
        return set(SPACE);
      case "S":
        return set(SPACE.negate());
      case "b":
        return inClass ? set(this.literal(8)) : null;
      case "B":
        return inClass ? this.fail("\\B in a class") : null;
      case "n":
        return set(this.literal(10));
      case "t":
        return set(this.literal(9));
      case "r":
        return set(this.literal(13));
      case "f":
        return set(this.literal(12));
      case "v":
        return set(this.literal(11));
      case "0":
        return set(this.literal(0));
      case "x": {
        const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
        if (!m) this.fail("bad \\x escape");
        this.i += 2;
        return set(this.literal(parseInt(m[0], 16)));
      }
      case "u": {
        const m = /^(?:[0-9A-Fa-f]{4}|\{[0-9A-Fa-f]{1,6}\})/.exec(this.src.slice(this.i));
        if (!m) this.fail("bad \\u escape");
        this.i += m[0].length;
        return set(this.literal(parseInt(m[0].replace(/[{}]/g, ""), 16)));
      }
      case "c": {
        const l = this.src[this.i++];
        if (!l || !/[A-Za-z]/.test(l)) this.fail("bad \\c escape");
        return set(this.literal(l.charCodeAt(0) % 32));
      }
      default:
        if (/[A-Za-z]/.test(c)) this.fail(`unknown escape \\${c}`);
        return set(this.literal(c.charCodeAt(0)));
    }
  }

  charClass(): CharSet {
    let negate = false;
    if (this.src[this.i] === "^") {
      negate = true;
      this.i++;
    }
    const s = new CharSet();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      const from = this.classAtom();
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length && from.code !== undefined) {
        this.i++;
        const to = this.classAtom();
        if (to.code === undefined) this.fail("bad class range");
        if (to.code < from.code) this.fail("class range out of order");
        s.addRange(from.code, to.code);
        if (this.ignoreCase) {
          s.addRange(from.code | 32, to.code | 32);
          s.addRange(from.code & ~32, to.code & ~32);
        }
      } else s.union(from.set);
    }
    if (this.src[this.i] !== "]") this.fail("unterminated character class");
    this.i++;
    return negate ? s.negate() : s;
  }

  classAtom(): { set: CharSet; code?: number } {
    const c = this.src[this.i++];
    if (c === "\\") {
      const start = this.i;
      const n = this.escape(true);
      const set = n && n.kind === "char" ? n.set : new CharSet();
      const text = this.src.slice(start, this.i);
      const single = /^[dDwWsS]$/.test(text) ? undefined : firstCode(set);
      return { set, code: single };
    }
    return { set: this.literal(c.charCodeAt(0)), code: c.charCodeAt(0) };
  }
}

function firstCode(s: CharSet): number | undefined {
  for (let c = 0; c < 128; c++) if (s.bits[c >> 5] & (1 << (c & 31))) return c;
  return undefined;
}

/** The characters a node can start with, and whether it can match the empty string. */
function first(n: Node): { set: CharSet; nullable: boolean } {
  switch (n.kind) {
    case "char":
      return { set: n.set, nullable: false };
    case "empty":
    case "look":
      return { set: new CharSet(), nullable: true };
    case "group":
      return first(n.body);
    case "quant": {
      const f = first(n.body);
      return { set: f.set, nullable: f.nullable || n.min === 0 };
    }
    case "alt": {
      const set = new CharSet();
      let nullable = false;
      for (const b of n.branches) {
        const f = first(b);
        set.union(f.set);
        nullable ||= f.nullable;
      }
      return { set, nullable };
    }
    case "seq": {
      const set = new CharSet();
      for (const item of n.items) {
        const f = first(item);
        set.union(f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}

/** Every character a node can consume anywhere (for the overlap rule). */
function chars(n: Node): CharSet {
  switch (n.kind) {
    case "char":
      return n.set;
    case "empty":
    case "look":
      return new CharSet();
    case "group":
    case "quant":
      return chars(n.body);
    case "alt":
    case "seq": {
      const s = new CharSet();
      for (const x of n.kind === "alt" ? n.branches : n.items) s.union(chars(x));
      return s;
    }
  }
}

function hasVariableQuantifier(n: Node): boolean {
  switch (n.kind) {
    case "quant":
      return n.min !== n.max || hasVariableQuantifier(n.body);
    case "group":
    case "look":
      return hasVariableQuantifier(n.body);
    case "alt":
      return n.branches.some(hasVariableQuantifier);
    case "seq":
      return n.items.some(hasVariableQuantifier);
    default:
      return false;
  }
}

function containsUnbounded(n: Node): boolean {
  switch (n.kind) {
    case "quant":
      return n.max > LARGE_BOUND || containsUnbounded(n.body);
    case "group":
      return containsUnbounded(n.body);
    case "alt":
      return n.branches.some(containsUnbounded);
    case "seq":
      return n.items.some(containsUnbounded);
    default:
      return false;
  }
}

function findAlternation(n: Node): Node[] | null {
  switch (n.kind) {
    case "alt":
      return n.branches;
    case "group":
      return findAlternation(n.body);
    default:
      return null;
  }
}

function check(n: Node): void {
  switch (n.kind) {
    case "quant": {
      if (n.max > 1) {
        if (hasVariableQuantifier(n.body)) throw new UnsafePatternError("nested quantifiers: a variable-length repetition inside a repeated group can backtrack catastrophically");
        const branches = findAlternation(n.body);
        if (branches) {
          for (let a = 0; a < branches.length; a++)
            for (let b = a + 1; b < branches.length; b++)
              if (first(branches[a]).set.overlaps(first(branches[b]).set) || first(branches[a]).nullable || first(branches[b]).nullable) {
                throw new UnsafePatternError("a repeated alternation whose branches can match the same text can backtrack catastrophically");
              }
        }
      }
      check(n.body);
      return;
    }
    case "group":
    case "look":
      check(n.body);
      return;
    case "alt":
      n.branches.forEach(check);
      return;
    case "seq": {
      n.items.forEach(check);
      // Two unbounded runs over overlapping characters, nothing forcing a split between them.
      let pending: CharSet | null = null;
      for (const item of n.items) {
        const unbounded = containsUnbounded(item);
        const f = first(item);
        if (pending && unbounded && chars(item).overlaps(pending)) {
          throw new UnsafePatternError("adjacent unbounded repetitions over overlapping characters (like \\d+\\d+ or .*x.*) backtrack polynomially");
        }
        if (unbounded) pending = chars(item);
        else if (pending && !f.nullable && !chars(item).overlaps(pending)) pending = null;
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Throws UnsafePatternError with a reason a tenant can act on, or returns the compiled
 * global regex. Allowed flags: i, m, s, u.
 */
export function compileSafePattern(pattern: string, flags = ""): RegExp {
  if (pattern.length === 0) throw new UnsafePatternError("the pattern is empty");
  if (pattern.length > MAX_PATTERN_LENGTH) throw new UnsafePatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) throw new UnsafePatternError("flags may only be i, m, s and u, each at most once");
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags + "g");
  } catch (err) {
    throw new UnsafePatternError(`not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`);
  }
  check(new Parser(pattern, flags.includes("i")).parse());
  if (regex.test("")) throw new UnsafePatternError("the pattern matches the empty string");
  regex.lastIndex = 0;
  return regex;
}

/** A finding from a custom recognizer never spans more than this window of text. */
export const CUSTOM_WINDOW = 10_000;
