#!/usr/bin/env node
// `npm run pii:train`: trains the PII sequence tagger on generated texts and writes
// src/shared/pii/tagger/weights.ts. Bundles training/pii-tagger with esbuild (Node 20
// cannot run TypeScript); @faker-js/faker stays external. Options: --examples N,
// --epochs N, --seed N (defaults give the committed weights).
import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const dir = mkdtempSync(join(root, "node_modules", ".pii-train-"));
const outfile = join(dir, "train.mjs");
try {
  await build({
    entryPoints: [join(root, "training/pii-tagger/train.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  const { train } = await import(pathToFileURL(outfile).href);
  const out = join(root, "src/shared/pii/tagger/weights.ts");
  const src = train({
    seed: arg("seed", 7),
    examples: arg("examples", 30000),
    epochs: arg("epochs", 6),
    prune: arg("prune", 0.3),
    exact: arg("exact", 0.002),
    keep: arg("keep", 60000),
  });
  writeFileSync(out, src);
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
