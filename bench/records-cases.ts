/** Inputs shared by the records benchmarks (workerd and Node): payloads, a schema, records. */

export const SIZES: [string, number][] = [
  ["1 KB", 1024],
  ["10 KB", 10 * 1024],
  ["100 KB", 100 * 1024],
  ["1 MB", 1024 * 1024],
  ["10 MB", 10 * 1024 * 1024],
];

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** A chat-style training record of roughly 1 KB. */
export function trainingRecord(i: number) {
  return {
    id: `sample-${i}`,
    source: "bench",
    messages: [
      { role: "system", content: "You are a helpful assistant that answers briefly and cites sources when asked." },
      {
        role: "user",
        content: `Question ${i}: how do envelope encryption and key rotation interact when a dataset is re-keyed?`,
      },
      {
        role: "assistant",
        content:
          "Envelope encryption wraps each data key under a key-encryption key; rotating the outer key only re-wraps the small data keys, " +
          "while rotating a data key means new writes use the new version and a background job re-encrypts older records.",
      },
    ],
    labels: { quality: 0.93, toxicity: 0.01, language: "en" },
    tags: ["security", "crypto", "faq"],
    created: "2026-01-15T10:20:30Z",
  };
}

export const TRAINING_SCHEMA = {
  type: "object",
  required: ["id", "messages", "labels"],
  properties: {
    id: { type: "string", minLength: 1, maxLength: 128 },
    source: { type: "string" },
    messages: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["role", "content"],
        properties: {
          role: { enum: ["system", "user", "assistant", "tool"] },
          content: { type: "string", maxLength: 100000 },
        },
        additionalProperties: false,
      },
    },
    labels: {
      type: "object",
      properties: {
        quality: { type: "number", minimum: 0, maximum: 1 },
        toxicity: { type: "number", minimum: 0, maximum: 1 },
        language: { type: "string", pattern: "^[a-z]{2}$" },
      },
    },
    tags: { type: "array", items: { type: "string" }, uniqueItems: true },
    created: { type: "string", format: "date-time" },
  },
  additionalProperties: false,
};

/** About 1 MB of records as one JSON value, for canonicalization. */
export function oneMegabyteValue() {
  const records = [];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const r = trainingRecord(i);
    records.push(r);
    size += JSON.stringify(r).length + 1;
  }
  return { records };
}
