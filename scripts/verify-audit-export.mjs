#!/usr/bin/env node
// Verifies an audit export offline:
//   curl -sD headers.txt -H "Authorization: Bearer $KEY" "$VAULT/api/v1/audit/export" > audit.ndjson
//   node scripts/verify-audit-export.mjs audit.ndjson [--checkpoint <seq>:<hash>]
// Reads a file (or stdin with "-"), prints {ok, checked, head_seq, head_hash, first_bad_seq?, reason?}
// and exits 0 when the chain verifies, 1 when it does not, 2 on usage errors. Pass the
// X-Audit-Checkpoint-Seq/Hash headers (or a checkpoint kept elsewhere) as --checkpoint to
// detect a truncated tail; compare head_hash with X-Audit-Head-Hash for a full export.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createVerifier } from "./lib/audit-chain.mjs";

function usage(message) {
  console.error(`${message}\nusage: node scripts/verify-audit-export.mjs <file.ndjson|-> [--checkpoint <seq>:<hash>]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file;
let checkpoint;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--checkpoint") {
    const m = /^(\d+):([0-9a-f]{64})$/.exec(args[++i] ?? "");
    if (!m) usage("--checkpoint needs <seq>:<64 hex>");
    checkpoint = { seq: Number(m[1]), hash: m[2] };
  } else if (file === undefined) {
    file = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
if (file === undefined) usage("no input file");

const verifier = createVerifier({ checkpoint });
const input = file === "-" ? process.stdin : createReadStream(file);
input.on("error", (err) => usage(err.message));
for await (const line of createInterface({ input, crlfDelay: Infinity })) verifier.push(line);
const result = verifier.finish();
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
