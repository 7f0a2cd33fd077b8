// PII detection throughput under Node (precise timers). Printed first: the REGRESSION
// table of the faker-generated corpus (bench/pii/corpus.ts, same lists the gazetteer came
// from, so near 100 % by construction; `npm run pii:eval:regression`). Quality is measured
// by `npm run pii:eval` on the independent corpus (bench/pii/independent).
import { buildCorpus } from "../pii/corpus";
import { definePiiBenches } from "../pii/cases";
import { evaluate, formatEvaluation } from "../pii/eval";

const items = buildCorpus();
console.log(
  "\nPII regression check (faker-generated corpus, NOT a quality measure; see npm run pii:eval):\n\n" +
    formatEvaluation(evaluate(items), items) +
    "\n",
);

definePiiBenches("Node");
