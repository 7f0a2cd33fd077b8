// Records CPU benchmarks under Node (precise timers); the same code runs inside workerd in bench/records.bench.ts.
import { canonicalBenches, hashingBenches, recordCryptoBenches, validationBenches } from "../records-cpu";

recordCryptoBenches("node");
hashingBenches("node");
validationBenches("node");
canonicalBenches("node");
