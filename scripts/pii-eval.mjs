#!/usr/bin/env node
// `npm run pii:eval`: bundles the labelled-corpus evaluation with esbuild (Node 20 cannot
// run TypeScript) and prints precision, recall and F1 per entity type. Pass --errors to
// list false positives and misses, --size N for a bigger corpus.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "pii-eval-"));
const outfile = join(dir, "eval.mjs");
try {
  await build({
    entryPoints: [join(root, "bench/pii/run-eval.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "warning",
  });
  const { main } = await import(pathToFileURL(outfile).href);
  main(process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
