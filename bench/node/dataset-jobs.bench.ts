// The pure-CPU parts of the dataset jobs per 1000 records of the dataset-jobs benchmark, under Node
// (precise timers): what a pii-scan, anonymize or re-encrypt chunk spends besides I/O. Compare each
// line's time per 1000 records with the job's wall time per 1000 records (bench/dataset-jobs.mjs).
import { test } from "vitest";
import { anonymizeJson } from "../../src/shared/anonymize/anonymize";
import type { OperatorKeys } from "../../src/shared/anonymize/keys";
import type { TokenVault } from "../../src/shared/anonymize/vault";
import { detectJson, prepareOptions } from "../../src/shared/pii/detect";
import { detectJsonWithNames, detectMemberNames } from "../../src/shared/pii/member-names";
import { canonicalJson, sha256Hex, utf8 } from "../../src/shared/records/canonical";
import { openRecord, sealRecord } from "../../src/shared/records/cipher";
import { jobRecord } from "../dataset-jobs-records.mjs";

const N = 1000;
const texts = Array.from({ length: N }, (_, i) => canonicalJson(jobRecord(i)));
const ref = { tenantId: "tnt_bench", datasetId: "ds_bench" };
const binding = (i: number) => ({ ...ref, recordId: `rec_${i}`, version: 1 });
const raw = crypto.getRandomValues(new Uint8Array(32));
const dek = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
const hmac = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
// Pseudonymize needs only the HMAC key; the vault is not touched by it.
const keys = { hmac: () => hmac } as unknown as OperatorKeys;
const vault = {} as TokenVault;
const operators = { EMAIL: { type: "pseudonymize" as const }, PHONE: { type: "pseudonymize" as const } };

test(`dataset jobs, per ${N} records of ~200 bytes (node)`, async ({ bench }) => {
  const key = await dek;
  const sealed = await Promise.all(texts.map((t, i) => sealRecord(key, binding(i), t)));
  const opts = prepareOptions({});
  const parsed = texts.map((t) => JSON.parse(t) as unknown);
  const findings = parsed.map((d) => detectJson(d, opts));
  await bench.compare(
    bench("JSON.parse", () => {
      for (const t of texts) JSON.parse(t);
    }),
    bench("detectJson (all entities)", () => {
      const o = prepareOptions({});
      for (const d of parsed) detectJson(d, o);
    }),
    // What a scan or anonymize chunk runs: values and member names (names cached per prepared options, as per chunk).
    bench("detectJsonWithNames (all entities)", () => {
      const o = prepareOptions({});
      for (const d of parsed) detectJsonWithNames(d, o);
    }),
    bench("detectMemberNames alone", () => {
      const o = prepareOptions({});
      for (const d of parsed) detectMemberNames(d, o);
    }),
    bench("anonymizeJson (pseudonymize EMAIL, PHONE), sequential", async () => {
      for (let i = 0; i < N; i++) await anonymizeJson(parsed[i], findings[i], operators, { keys, vault });
    }),
    bench("canonicalJson + sha256Hex, sequential", async () => {
      for (const d of parsed) await sha256Hex(utf8(canonicalJson(d)));
    }),
    bench("open (AES-GCM), sequential await", async () => {
      for (let i = 0; i < N; i++) await openRecord(key, binding(i), sealed[i]);
    }),
    bench("open (AES-GCM), Promise.all", async () => {
      await Promise.all(sealed.map((s, i) => openRecord(key, binding(i), s)));
    }),
    bench("seal (AES-GCM), Promise.all", async () => {
      await Promise.all(texts.map((t, i) => sealRecord(key, binding(i), t)));
    }),
    { iterations: 20, time: 0 },
  );
});
