#!/usr/bin/env node
// `npm run pii:eval`: precision, recall, F1 (overlap and exact span) and leak rate of the
// detector on the independent corpus (bench/pii/independent, dev and test splits; see its
// README). Bundles the TypeScript with esbuild because Node 20 cannot run it.
//   --split dev|test|both   --errors (dev misses and false positives)   --out DIR
// `npm run pii:eval:regression` (--regression) runs instead the older corpus generated from
// faker's lists, which the gazetteer was built from: a regression check of the rules, NOT a
// measure of quality (it scores near 100 % by construction). It takes --size N and --errors.
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * PERSON recall split by whether a name has a word in faker's name lists (any locale) or in
 * the gazetteer: a detector trained on faker, or built on lists, may know the first group
 * by heart; the second shows how it does on names it cannot have seen.
 */
async function memorisationReport(outcomes) {
  const { fakerNameWords, gazetteer, words } = await import("../bench/pii/independent/known-names.mjs");
  const faker = fakerNameWords().any;
  const gaz = gazetteer(root).person;
  const lines = [
    "",
    "PERSON recall (overlap) by whether the name has a word in a known list:",
    "",
    "| split | in faker's name lists | not in faker's lists | in the gazetteer | not in the gazetteer |",
    "|---|---|---|---|---|",
  ];
  for (const [split, list] of Object.entries(outcomes)) {
    const persons = list.filter((o) => o.type === "PERSON");
    const cell = (keep) => {
      const sel = persons.filter(keep);
      const rate = sel.length ? ((100 * sel.filter((o) => o.found).length) / sel.length).toFixed(1) : "-";
      return `${rate} % of ${sel.length}`;
    };
    const has = (set) => (o) => words(o.value).some((w) => set.has(w));
    const cells = [cell(has(faker)), cell((o) => !has(faker)(o)), cell(has(gaz)), cell((o) => !has(gaz)(o))];
    lines.push(`| ${split} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}
const args = process.argv.slice(2);
const regression = args.includes("--regression");
const entry = regression ? "bench/pii/run-eval.ts" : "bench/pii/independent/run.ts";
const dir = mkdtempSync(join(tmpdir(), "pii-eval-"));
const outfile = join(dir, "eval.mjs");
try {
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "warning",
  });
  const { main } = await import(pathToFileURL(outfile).href);
  if (regression) main(args.filter((a) => a !== "--regression"));
  else {
    const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
    const which = opt("--split", "both");
    const splits = which === "both" ? ["dev", "test"] : [which];
    const corpus = (split) => readFileSync(join(root, "bench/pii/independent", `${split}.jsonl`), "utf8");
    const inputs = splits.map((split) => ({ split, jsonl: corpus(split) }));
    const runtime = `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}`;
    const { markdown, results, outcomes } = main(inputs, args, runtime);
    const memo = await memorisationReport(outcomes);
    console.log(markdown + memo);
    const out = resolve(root, opt("--out", "bench-results"));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "pii-eval.md"), markdown + memo);
    const json = { runtime, date: new Date().toISOString(), ...results };
    writeFileSync(join(out, "pii-eval.json"), JSON.stringify(json, null, 2) + "\n");
    console.log(`Written: ${join(out, "pii-eval.md")} and pii-eval.json`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
