// The records of the dataset-jobs benchmark (bench/dataset-jobs.mjs and bench/node/dataset-jobs.bench.ts):
// chat-like records of ~200 bytes, every third carrying an e-mail address and a phone number.

/** The i-th record's data. */
export function jobRecord(i) {
  const pii = i % 3 === 0;
  return {
    conversation_id: `c${String(i).padStart(7, "0")}`,
    turns: [
      {
        role: "user",
        text: pii
          ? `Please reach me at user${i % 500}@example.com or +1 415 555 ${String(1000 + (i % 9000)).slice(-4)}.`
          : `Question ${i}: how do keys rotate?`,
      },
      { role: "assistant", text: `Add a key version, re-encrypt, then retire version ${i % 7}.` },
    ],
    score: (i % 100) / 100,
  };
}
