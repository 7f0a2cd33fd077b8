/** Entry of `npm run pii:eval` (bundled by scripts/pii-eval.mjs): prints the quality table. */
import { buildCorpus } from "./corpus";
import { evaluate, formatEvaluation } from "./eval";

export function main(args: string[]): void {
  const sizeArg = args.indexOf("--size");
  const size = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 600;
  const items = buildCorpus(20240601, size);
  const e = evaluate(items);
  console.log(formatEvaluation(e, items));
  if (args.includes("--errors")) {
    console.log("\nFalse positives:");
    for (const x of e.falsePositives)
      console.log(`  ${x.type.padEnd(18)} ${JSON.stringify(x.text)}  …${JSON.stringify(x.context)}`);
    console.log("\nMisses:");
    for (const x of e.misses)
      console.log(`  ${x.type.padEnd(18)} ${JSON.stringify(x.text)}  …${JSON.stringify(x.context)}`);
  }
}
