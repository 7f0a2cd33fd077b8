/**
 * Where each string value of a JSON document sits in its raw text, keyed by JSON path in
 * the style the detector reports (`$.a.b`, `$.items[0]`, `$["odd key"]`), so findings of
 * `detectJson` (offsets within a string value) can be mapped to offsets in the raw text the
 * labels use. Written here from RFC 8259 rather than reusing the detector's walker.
 */

const IDENT = /^[A-Za-z_$][\w$]*$/;
function segment(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return IDENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * For every string value: `at[i]` is the raw offset of decoded UTF-16 unit i, and
 * `at[length]` the offset of the closing quote.
 * @throws SyntaxError on text that is not JSON.
 */
export function stringOffsets(raw: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let i = 0;
  const ws = () => {
    while (i < raw.length && " \t\n\r".includes(raw[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at ${i}`);
  };
  const str = (): { value: string; at: number[] } => {
    if (raw[i] !== '"') fail("expected a string");
    i++;
    let value = "";
    const at: number[] = [];
    while (i < raw.length && raw[i] !== '"') {
      if (raw[i] === "\\") {
        const start = i;
        const esc = raw[i + 1];
        let ch: string;
        if (esc === "u") {
          ch = String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          ch = ESCAPES[esc] ?? fail("bad escape");
          i += 2;
        }
        at.push(start);
        value += ch;
      } else {
        at.push(i);
        value += raw[i++];
      }
    }
    if (raw[i] !== '"') fail("unterminated string");
    at.push(i);
    i++;
    return { value, at };
  };
  const value = (path: string): void => {
    ws();
    const c = raw[i];
    if (c === '"') out.set(path, str().at);
    else if (c === "{") {
      i++;
      ws();
      if (raw[i] === "}") return void i++;
      for (;;) {
        ws();
        const k = str().value;
        ws();
        if (raw[i++] !== ":") fail("expected ':'");
        value(segment(path, k));
        ws();
        if (raw[i] === ",") i++;
        else if (raw[i] === "}") return void i++;
        else fail("expected ',' or '}'");
      }
    } else if (c === "[") {
      i++;
      ws();
      if (raw[i] === "]") return void i++;
      for (let n = 0; ; n++) {
        value(segment(path, n));
        ws();
        if (raw[i] === ",") i++;
        else if (raw[i] === "]") return void i++;
        else fail("expected ',' or ']'");
      }
    } else {
      const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(raw.slice(i));
      if (!m) fail("unexpected character");
      i += m![0].length;
    }
  };
  value("$");
  ws();
  if (i !== raw.length) fail("trailing text");
  return out;
}

/**
 * Maps a finding inside the string value at `path` to raw-text offsets.
 * @throws Error when the path has no string value (the runner must not drop findings).
 */
export function toRaw(
  offsets: Map<string, number[]>,
  path: string,
  start: number,
  end: number,
): { start: number; end: number } {
  const at = offsets.get(path);
  if (!at) throw new Error(`no string value at ${path}`);
  if (end > at.length - 1) throw new Error(`finding ${start}-${end} beyond the value at ${path}`);
  // at[end] is where the next decoded unit (or the closing quote) starts, so an escape
  // sequence at the end of the finding stays inside the mapped span.
  return { start: at[start], end: at[end] };
}
