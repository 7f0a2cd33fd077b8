/** The i-th record's data of the dataset-jobs benchmark (dataset-jobs-records.mjs). */
export function jobRecord(i: number): {
  conversation_id: string;
  turns: { role: string; text: string }[];
  score: number;
};
