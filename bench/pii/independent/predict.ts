/** Runs the detector on one corpus example and places its findings in the example's raw text. */
import { detectJson, detectText, type PreparedOptions } from "../../../src/shared/pii/detect";
import { stringOffsets, toRaw } from "./json-offsets";
import type { Example, Predicted } from "./score";

/**
 * Findings of the detector for `ex`: `detectText` for text, `detectJson` on the parsed
 * document for JSON (so field names count as context, as in the product), with offsets
 * mapped from the string value back into `ex.text`.
 * @throws Error when a JSON finding points at a path with no string value.
 */
export function predict(ex: Pick<Example, "text" | "format">, opts: PreparedOptions): Predicted[] {
  if (ex.format === "text") return detectText(ex.text, opts).map((f) => ({ start: f.start, end: f.end, type: f.type }));
  const offsets = stringOffsets(ex.text);
  return detectJson(JSON.parse(ex.text), opts).map((f) => ({
    ...toRaw(offsets, f.path ?? "$", f.start, f.end),
    type: f.type,
  }));
}

/** Detection alone, for timing (JSON.parse included for JSON records). */
export function detectOnly(ex: Pick<Example, "text" | "format">, opts: PreparedOptions): void {
  if (ex.format === "text") detectText(ex.text, opts);
  else detectJson(JSON.parse(ex.text), opts);
}
