/**
 * One line (or row) of an import through the same write path as POST /records: shape,
 * the dataset's PII policy, canonical size, JSON Schema, hash. A line that fails comes back
 * as errors with a JSON path and a reason that never carries the value.
 */
import { ProblemError, type FieldError } from "../errors";
import { scanIJson } from "../json/i-json";
import { prepareRecords, type IngestDataset, type IngestEnv, type PreparedRecord } from "../records/ingest";

export type LineOutcome = { ok: true; record: PreparedRecord } | { ok: false; errors: FieldError[] };

/** Schema messages of numeric keywords start with the number; that is the value, so it goes. */
export function safeReason(message: string): string {
  return message.replace(/^-?\d[\d.eE+-]*(?= is )/, "The number");
}

/** Prepares one parsed value; errors have paths under `$` (the line's record). */
export async function prepareLine(env: IngestEnv, dataset: IngestDataset, data: unknown): Promise<LineOutcome> {
  try {
    const [record] = await prepareRecords(env, dataset, [{ data }], { batch: false });
    return { ok: true, record };
  } catch (err) {
    if (!(err instanceof ProblemError) || (err.status !== 422 && err.status !== 413)) throw err;
    const errors = (err.errors?.length ? err.errors : [{ path: "$.data", message: err.detail ?? err.slug }]).map(
      (e) => ({
        path: "$" + e.path.replace(/^\$\.data/, ""),
        message: safeReason(e.message),
      }),
    );
    return { ok: false, errors };
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Parses one NDJSON line; a line that is not UTF-8 or not JSON is an error without its text. */
export function parseLine(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; errors: FieldError[] } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, errors: [{ path: "$", message: "The line is not valid UTF-8." }] };
  }
  // The same I-JSON rules as every request body (RFC 7493): duplicate names, numbers a double
  // cannot hold, lone surrogates and depth are line errors, never silently changed.
  const scan = scanIJson(text);
  if (!scan.ok) {
    if (scan.status === 400) {
      const duplicate = scan.errors.find((e) => e.message === "Duplicate member name.");
      return { ok: false, errors: [duplicate ?? { path: "$", message: "The line is not valid JSON." }] };
    }
    // The report is read later and must not carry values: a number's message names what it would become.
    const reason = (m: string) =>
      /IEEE 754/.test(m) ? "This number cannot be held exactly by an IEEE 754 double (RFC 7493 §2.2)." : m;
    return { ok: false, errors: scan.errors.map((e) => ({ path: e.path, message: reason(e.message) })) };
  }
  return { ok: true, value: JSON.parse(text) };
}
