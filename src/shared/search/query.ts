/**
 * The search query language, parsed here (in the API worker) into a small tree that the
 * DatasetObject blinds and hands to SQLite FTS5. Syntax, loosest binding first:
 *
 *   a OR b          either
 *   a AND b, a b    both (AND is implied between neighbours)
 *   NOT a, -a       without a; only beside a positive term (`x NOT y`), never alone
 *   "a b c"         phrase: the words next to each other, in order, within one string
 *   ( … )           grouping
 *
 * Words are tokenized and folded exactly like record text (tokenize.ts); a word that
 * splits into several tokens (`e-mail`) is a phrase. Operators are upper case; `and` is
 * a word. Matching is on whole tokens: no prefixes, no fuzziness.
 * Errors are 400 `query-invalid` with `position`, a 0-based UTF-16 offset into `q`.
 */
import { ProblemError } from "../errors";
import { MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from "./limits";
import { tokenize } from "./tokenize";

export type QueryNode =
  | { type: "phrase"; tokens: string[]; position: number }
  | { type: "and"; children: QueryNode[] }
  | { type: "or"; children: QueryNode[] }
  | { type: "not"; child: QueryNode; position: number };

/** A 400 naming where the query went wrong. */
export function queryError(position: number, message: string): ProblemError {
  return new ProblemError(400, "query-invalid", {
    detail: `The search query is not valid at position ${position}: ${message}`,
    errors: [{ path: "$.q", message }],
    extensions: { position },
  });
}

type Lexeme =
  | { kind: "word"; text: string; position: number }
  | { kind: "phrase"; text: string; position: number }
  | { kind: "and" | "or" | "not" | "(" | ")"; position: number };

const SPACE = /\s/u;

function lex(q: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (SPACE.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      out.push({ kind: c, position: i++ });
    } else if (c === '"') {
      const close = q.indexOf('"', i + 1);
      if (close < 0) throw queryError(i, "this quote is never closed.");
      out.push({ kind: "phrase", text: q.slice(i + 1, close), position: i });
      i = close + 1;
    } else if (
      c === "-" &&
      i + 1 < q.length &&
      !SPACE.test(q[i + 1]) &&
      (i === 0 || SPACE.test(q[i - 1]) || q[i - 1] === "(")
    ) {
      out.push({ kind: "not", position: i++ });
    } else {
      const start = i;
      while (i < q.length && !SPACE.test(q[i]) && q[i] !== "(" && q[i] !== ")" && q[i] !== '"') i++;
      const text = q.slice(start, i);
      if (text === "AND") out.push({ kind: "and", position: start });
      else if (text === "OR") out.push({ kind: "or", position: start });
      else if (text === "NOT") out.push({ kind: "not", position: start });
      else out.push({ kind: "word", text, position: start });
    }
  }
  return out;
}

/** Recursive descent over the lexemes; counts terms and depth as it goes. */
class Parser {
  private at = 0;
  private terms = 0;
  constructor(
    private readonly lexemes: Lexeme[],
    private readonly end: number,
  ) {}

  parse(): QueryNode {
    if (!this.lexemes.length) throw queryError(0, "the query has no terms.");
    const node = this.or(0);
    const extra = this.lexemes[this.at];
    if (extra)
      throw queryError(extra.position, extra.kind === ")" ? "this parenthesis closes nothing." : "unexpected input.");
    return node;
  }

  private peek() {
    return this.lexemes[this.at];
  }

  private or(depth: number): QueryNode {
    const children = [this.and(depth)];
    while (this.peek()?.kind === "or") {
      const op = this.lexemes[this.at++];
      if (!this.startsTerm())
        throw queryError(this.peek()?.position ?? this.end, `expected a term after OR (position ${op.position}).`);
      children.push(this.and(depth));
    }
    return children.length === 1 ? children[0] : { type: "or", children };
  }

  private and(depth: number): QueryNode {
    const children = [this.unary(depth)];
    for (;;) {
      const next = this.peek();
      if (next?.kind === "and") {
        this.at++;
        if (!this.startsTerm())
          throw queryError(this.peek()?.position ?? this.end, `expected a term after AND (position ${next.position}).`);
      } else if (!this.startsTerm()) break;
      children.push(this.unary(depth));
    }
    return children.length === 1 ? children[0] : { type: "and", children };
  }

  private startsTerm(): boolean {
    const k = this.peek()?.kind;
    return k === "word" || k === "phrase" || k === "not" || k === "(";
  }

  private unary(depth: number): QueryNode {
    const next = this.peek();
    if (!next) throw queryError(this.end, "expected a term.");
    if (next.kind === "not") {
      this.at++;
      if (!this.startsTerm()) throw queryError(this.peek()?.position ?? this.end, "expected a term after NOT.");
      return { type: "not", child: this.unary(depth), position: next.position };
    }
    if (next.kind === "(") {
      if (depth + 1 > MAX_QUERY_DEPTH)
        throw queryError(next.position, `parentheses nest deeper than ${MAX_QUERY_DEPTH}.`);
      this.at++;
      if (this.peek()?.kind === ")") throw queryError(this.peek()!.position, "empty parentheses.");
      const inner = this.or(depth + 1);
      const close = this.peek();
      if (close?.kind !== ")") throw queryError(next.position, "this parenthesis is never closed.");
      this.at++;
      return inner;
    }
    if (next.kind === "word" || next.kind === "phrase") {
      this.at++;
      const tokens = tokenize(next.text).map((t) => t.token);
      if (!tokens.length)
        throw queryError(
          next.position,
          next.kind === "phrase" ? "the phrase has no words." : "this term has no letters or digits to search for.",
        );
      this.terms += tokens.length;
      if (this.terms > MAX_QUERY_TERMS)
        throw queryError(next.position, `a query may hold at most ${MAX_QUERY_TERMS} words.`);
      return { type: "phrase", tokens, position: next.position };
    }
    throw queryError(
      next.position,
      `unexpected ${next.kind === ")" ? "')'" : next.kind.toUpperCase()}; expected a term.`,
    );
  }
}

/** Every NOT must stand beside a positive term in an AND: FTS cannot list "everything except". */
function checkNegations(node: QueryNode, parent: "and" | "other"): void {
  switch (node.type) {
    case "phrase":
      return;
    case "not":
      if (parent !== "and")
        throw queryError(node.position, "NOT needs a positive term beside it, as in `apples NOT pears`.");
      if (node.child.type === "not") throw queryError(node.child.position, "NOT NOT is not supported.");
      checkNegations(node.child, "other");
      return;
    case "or":
      for (const c of node.children) checkNegations(c, "other");
      return;
    case "and": {
      const positive = node.children.some((c) => c.type !== "not");
      for (const c of node.children) {
        if (c.type === "not" && !positive)
          throw queryError(c.position, "NOT needs a positive term beside it, as in `apples NOT pears`.");
        checkNegations(c, "and");
      }
    }
  }
}

/**
 * Parses a query, or throws a 400 `query-invalid` with the position.
 * @example parseQuery('tea AND "green leaf" NOT milk')
 */
export function parseQuery(q: string): QueryNode {
  if (q.length > MAX_QUERY_LENGTH)
    throw queryError(MAX_QUERY_LENGTH, `a query may be at most ${MAX_QUERY_LENGTH} characters long.`);
  const tree = new Parser(lex(q), q.length).parse();
  checkNegations(tree, "other");
  return tree;
}

/**
 * The FTS5 MATCH expression of a parsed query, each token replaced by `blind(token)`
 * (which must return only [0-9a-z] characters). Every operand is parenthesised, so FTS5's
 * own precedence never applies.
 */
export function toFtsMatch(node: QueryNode, blind: (token: string) => string): string {
  switch (node.type) {
    case "phrase":
      return `"${node.tokens.map(blind).join(" ")}"`;
    case "or":
      return node.children.map((c) => `(${toFtsMatch(c, blind)})`).join(" OR ");
    case "not":
      throw new Error("NOT outside an AND reached the compiler");
    case "and": {
      const pos = node.children.filter((c) => c.type !== "not");
      const neg = node.children.filter((c): c is Extract<QueryNode, { type: "not" }> => c.type === "not");
      let expr = pos.map((c) => `(${toFtsMatch(c, blind)})`).join(" AND ");
      for (const n of neg) expr = `(${expr}) NOT (${toFtsMatch(n.child, blind)})`;
      return expr;
    }
  }
}

/** The phrases a matching record can contain (those not under a NOT), for highlighting. */
export function positivePhrases(node: QueryNode): string[][] {
  switch (node.type) {
    case "phrase":
      return [node.tokens];
    case "not":
      return [];
    case "and":
    case "or":
      return node.children.flatMap(positivePhrases);
  }
}
