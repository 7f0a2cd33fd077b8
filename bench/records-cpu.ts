/**
 * The records CPU benchmarks, defined once and run both inside workerd (bench/records.bench.ts)
 * and under Node (bench/node/records.bench.ts).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import canonicalize from "canonicalize";
import { test } from "vitest";
import { canonicalJson } from "../src/shared/records/canonical";
import { openRecord, sealRecord } from "../src/shared/records/cipher";
import { schemaErrors, validatorFor } from "../src/shared/records/validate";
import { oneMegabyteValue, randomBytes, SIZES, TRAINING_SCHEMA, trainingRecord } from "./records-cases";

const binding = { tenantId: "tnt_bench", datasetId: "ds_bench", recordId: "rec_bench", version: 1 };
const keyPromise = crypto.subtle.importKey("raw", randomBytes(32), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);

/** A JSON string payload of n bytes, as a record's canonical text would be. */
const payload = (n: number) => JSON.stringify({ s: "a".repeat(Math.max(0, n - 8)) });

export function recordCryptoBenches(runtime: string) {
  for (const [label, n] of SIZES) {
    const text = payload(n);
    let sealed: Uint8Array | undefined;
    const iterations = n >= 10 * 1024 * 1024 ? 5 : n >= 1024 * 1024 ? 20 : 200;
    test(`record AES-256-GCM ${label} (${runtime})`, async ({ bench }) => {
      await bench.compare(
        bench(`seal ${label}`, async () => {
          sealed = await sealRecord(await keyPromise, binding, text);
        }),
        bench(`open ${label}`, async () => {
          sealed ??= await sealRecord(await keyPromise, binding, text);
          await openRecord(await keyPromise, binding, sealed);
        }),
        { iterations, time: 0 },
      );
    });
  }
}

export function hashingBenches(runtime: string) {
  const mb = randomBytes(1024 * 1024);
  test(`SHA-256 of 1 MB (${runtime})`, async ({ bench }) => {
    await bench.compare(
      bench("WebCrypto crypto.subtle.digest", async () => {
        await crypto.subtle.digest("SHA-256", mb);
      }),
      bench("@noble/hashes sha256", () => {
        sha256(mb);
      }),
      { iterations: 50, time: 0 },
    );
  });
}

export function validationBenches(runtime: string) {
  const validator = validatorFor(JSON.stringify(TRAINING_SCHEMA));
  const records = Array.from({ length: 1000 }, (_, i) => trainingRecord(i));
  const invalid = records.map((r) => ({ ...r, labels: { ...r.labels, quality: 2 } }));
  test(`JSON Schema validation, 1000 records of ~1 KB per iteration (${runtime})`, async ({ bench }) => {
    await bench.compare(
      bench("1000 valid records", () => {
        for (const r of records) if (schemaErrors(validator, r, "$").length) throw new Error("unexpected error");
      }),
      bench("1000 invalid records (errors collected)", () => {
        for (const r of invalid) if (!schemaErrors(validator, r, "$").length) throw new Error("expected an error");
      }),
      { iterations: 20, time: 0 },
    );
  });
}

export function canonicalBenches(runtime: string) {
  const value = oneMegabyteValue();
  const text = canonicalJson(value);
  test(`canonical JSON (RFC 8785) of 1 MB (${runtime})`, async ({ bench }) => {
    await bench.compare(
      bench("canonicalize 1 MB", () => {
        canonicalize(value);
      }),
      bench("JSON.stringify 1 MB (baseline)", () => {
        JSON.stringify(value);
      }),
      bench("JSON.parse 1 MB (baseline)", () => {
        JSON.parse(text);
      }),
      { iterations: 20, time: 0 },
    );
  });
}
