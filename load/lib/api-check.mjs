// Finds the k6 APIs a script uses that the local runner does not implement, so that a script
// that would run on k6 but not here (or the reverse) fails a test instead of a load run.
import ts from "typescript";
import { SHIMS } from "./k6/shims.mjs";

/** Globals the runner defines for scripts; other k6 globals (open, ...) are reported when called. */
export const RUNNER_GLOBALS = ["__ENV", "__VU", "__ITER"];
const OTHER_K6_GLOBALS = ["open"];

/**
 * The problems in one script's source: imports of modules or names the runner lacks, members of
 * `k6/http`'s default export it lacks, k6 globals it lacks, `sleep()` not awaited (the runner's
 * sleep is a Promise) and async functions given to group() (k6 does not support them).
 * @param {string} source
 * @param {string} file for messages
 * @param {Record<string, Record<string, unknown>>} shimExports module specifier → its exports
 * @returns {string[]}
 */
export function k6ApiViolations(source, file, shimExports) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const out = [];
  const where = (node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  /** local identifier → { spec, kind: "default" | "namespace" | "named", name } */
  const bound = new Map();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    const spec = st.moduleSpecifier.text;
    if (!(spec === "k6" || spec.startsWith("k6/") || /^https?:/.test(spec))) continue;
    const exports = shimExports[spec];
    if (!exports || !SHIMS[spec]) {
      out.push(`${where(st)}: module '${spec}' is not implemented by the runner`);
      continue;
    }
    const clause = st.importClause;
    if (clause?.name) bound.set(clause.name.text, { spec, kind: "default" });
    const nb = clause?.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) bound.set(nb.name.text, { spec, kind: "namespace" });
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        const name = (el.propertyName ?? el.name).text;
        if (!(name in exports)) out.push(`${where(el)}: '${name}' from '${spec}' is not implemented by the runner`);
        bound.set(el.name.text, { spec, kind: "named", name });
      }
    }
  }
  const visit = (node) => {
    if (
      ts.isIdentifier(node) &&
      bound.has(node.text) &&
      !ts.isImportSpecifier(node.parent) &&
      !ts.isImportClause(node.parent) &&
      !ts.isNamespaceImport(node.parent)
    ) {
      const b = bound.get(node.text);
      if (b.kind !== "named") {
        const parent = node.parent;
        if (!ts.isPropertyAccessExpression(parent) || parent.expression !== node) {
          out.push(`${where(node)}: '${node.text}' (${b.spec}) used other than as ${node.text}.member`);
        } else {
          const target = b.kind === "default" ? shimExports[b.spec].default : shimExports[b.spec];
          if (!target || !(parent.name.text in target))
            out.push(`${where(node)}: ${node.text}.${parent.name.text} (${b.spec}) is not implemented by the runner`);
        }
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const b = bound.get(node.expression.text);
      if (b?.spec === "k6" && b.name === "sleep" && !ts.isAwaitExpression(node.parent)) {
        out.push(
          `${where(node)}: sleep() must be awaited (the runner's sleep returns a Promise; on k6 awaiting it is harmless)`,
        );
      }
      if (b?.spec === "k6" && b.name === "group") {
        const fn = node.arguments[1];
        if (
          fn &&
          (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
          fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)
        ) {
          out.push(`${where(node)}: group() with an async function (k6 does not support it)`);
        }
      }
      if (OTHER_K6_GLOBALS.includes(node.expression.text) && !bound.has(node.expression.text)) {
        out.push(`${where(node)}: the k6 global ${node.expression.text}() is not implemented by the runner`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The exports of each shim module, keyed by the k6 module it stands in for. */
export async function shimExports() {
  const out = {};
  for (const [spec, file] of Object.entries(SHIMS))
    out[spec] = { ...(await import(new URL(`./k6/${file.slice(2)}`, import.meta.url).href)) };
  return out;
}
