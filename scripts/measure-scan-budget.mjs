#!/usr/bin/env node
// CPU of one worst-case tenant-pattern scan at several per-request budgets (Node, one core).
// Usage: node scripts/measure-scan-budget.mjs   (bundles src/shared/pii with esbuild first)
import { build } from "esbuild";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const src = resolve("src/shared/pii");
const dir = mkdtempSync(join(tmpdir(), "scan-budget-"));
const entry = `
import { compileTenantPattern } from ${JSON.stringify(join(src, "tenant-pattern.ts"))};
import { scanTenantPattern, ScanBudget } from ${JSON.stringify(join(src, "tenant-scan.ts"))};
for (const budget of [1 << 22, 1 << 23, 1 << 26]) {
  for (const [p, text] of [["a[^x]*y|a", "a".repeat(1_000_000)], ["(a+)+$", "a".repeat(200_000)]]) {
    const re = compileTenantPattern(p);
    const times = [];
    let outcome = "answers";
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      try { scanTenantPattern(re, "r", text, new ScanBudget(budget), () => {}); } catch (e) { outcome = String(e.status); }
      times.push(performance.now() - t);
    }
    console.log(\`budget \${budget}: \${p} on \${text.length} chars: \${outcome}; \${times.map((x) => x.toFixed(0)).join(", ")} ms\`);
  }
}`;
writeFileSync(join(dir, "entry.mjs"), entry);
await build({
  entryPoints: [join(dir, "entry.mjs")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: join(dir, "out.mjs"),
  logLevel: "error",
  nodePaths: [resolve("node_modules")],
});
await import(join(dir, "out.mjs"));
