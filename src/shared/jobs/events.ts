/** The progress events of GET /jobs/{id}/events: the job when it changes, then `end` once it is finished. */
import type { JobDetail } from "../schema/jobs";

/** How often the job is read while the stream is open, and how long a stream lasts. */
export const EVENT_POLL_MS = 500;
export const EVENT_STREAM_MAX_MS = 5 * 60 * 1000;

export interface JobEvent {
  type: "progress" | "end";
  job: JobDetail;
}

const FINISHED = new Set(["succeeded", "failed", "partially_failed", "cancelled"]);

/**
 * Yields `progress` with the first reading, then each time the job's state changes, and
 * `end` when it is finished; stops when `aborted()` turns true or after EVENT_STREAM_MAX_MS.
 */
export async function* jobEvents(
  read: () => Promise<JobDetail>,
  first: JobDetail,
  aborted: () => boolean,
): AsyncGenerator<JobEvent> {
  const until = Date.now() + EVENT_STREAM_MAX_MS;
  let job = first;
  let last = "";
  while (!aborted() && Date.now() < until) {
    const fingerprint = JSON.stringify([job.status, job.progress, job.ranges]);
    if (FINISHED.has(job.status)) {
      yield { type: "end", job };
      return;
    }
    if (fingerprint !== last) {
      last = fingerprint;
      yield { type: "progress", job };
    }
    await new Promise((r) => setTimeout(r, EVENT_POLL_MS));
    job = await read();
  }
}
