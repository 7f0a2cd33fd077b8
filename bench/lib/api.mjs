import { cpus, loadavg } from "node:os";
// The bench scripts' client of the local stack: authorized JSON API calls that throw on an error
// status, and waiting for a job to finish.

/**
 * `api(token, path, init)` against `base`: fetch with `Authorization: Bearer <token>`, then
 * `headers`, then `init.headers`; resolves to the Response when it is 2xx, else throws an Error
 * naming the method, path, status and the first 300 characters of the body.
 * @param {string} base origin, e.g. http://127.0.0.1:8805
 * @param {Record<string, string>} [headers] sent with every request
 */
export function apiClient(base, headers = {}) {
  return async function api(token, path, init = {}) {
    const res = await fetch(base + path, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...headers, ...(init.headers ?? {}) },
    });
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res;
  };
}

/**
 * Polls GET /api/v1/jobs/{id} every `pollMs` (250 ms unless given) until the job is succeeded, failed, partially_failed
 * or cancelled; resolves to the job (the API's JSON). No time limit: the caller's run is bounded.
 * @param {ReturnType<typeof apiClient>} api
 * @param {string} token
 * @param {string} id
 * @param {number} [pollMs]
 */
export async function waitJob(api, token, id, pollMs = 250) {
  for (;;) {
    const job = await (await api(token, `/api/v1/jobs/${id}`)).json();
    if (["succeeded", "failed", "partially_failed", "cancelled"].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** One line for a bench's output: the machine's core count and load average now (a shared machine's figures need it). */
export function machineLine() {
  return `machine: ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`;
}
