// PII detection throughput and quality under Node (precise timers). Quality (precision,
// recall, F1 per entity on the labelled corpus) is printed once before the benches run;
// `npm run pii:eval` prints the same table on its own.
import { buildCorpus } from "../pii/corpus";
import { definePiiBenches } from "../pii/cases";
import { evaluate, formatEvaluation } from "../pii/eval";

const items = buildCorpus();
console.log("\nPII detection quality (labelled corpus, default options):\n\n" + formatEvaluation(evaluate(items), items) + "\n");

definePiiBenches("Node");
