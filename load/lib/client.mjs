// A lean keep-alive HTTP client for scenarios: JSON in and out, one latency sample per request.
import http from "node:http";

/** Thrown by a scenario's setup when the endpoint it measures is not there (404/405): the scenario is skipped. */
export class EndpointUnavailable extends Error {}

/** A response as scenarios see it: status, headers, text body and a lazy JSON parse. */
export class Res {
  constructor(status, headers, body, ms, error) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.ms = ms;
    this.error = error;
  }

  json() {
    return JSON.parse(this.body);
  }

  /** One line for error messages: status plus the problem document's detail when there is one. */
  describe() {
    if (this.error) return `network error: ${this.error}`;
    let detail = "";
    try {
      const b = this.json();
      detail = b.detail ?? b.title ?? "";
      if (b.errors?.length) detail += " " + b.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    } catch {}
    return `${this.status}${detail ? " " + detail : ""}`;
  }
}

/**
 * Creates a client bound to one base URL and API key. Requests given a `name` are recorded
 * (k6's `tags: { name }`); a request whose status is not `expect` counts as failed.
 */
export function createClient({ base, token, recorder, timeoutMs = 30_000 }) {
  // One socket per concurrent VU request, reused across iterations like a browser or k6 VU would.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let closed = false;

  function request(method, path, { body, headers = {}, name, expect } = {}) {
    const h = { Authorization: `Bearer ${token}`, ...headers };
    let payload;
    if (body !== undefined) {
      payload = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
      h["Content-Type"] ??= "application/json";
      h["Content-Length"] = String(payload.length);
    }
    if (closed) return Promise.resolve(new Res(0, {}, "", 0, "client closed"));
    return new Promise((resolve) => {
      const started = performance.now();
      const finish = (status, resHeaders, text, error) => {
        const ms = performance.now() - started;
        // Requests cut short by the end of a run are not samples of the server's latency.
        if (name && recorder && !(closed && error)) {
          const failed = expect === undefined ? !(status >= 200 && status < 400) : status !== expect;
          recorder.add(name, ms, failed, status);
        }
        resolve(new Res(status, resHeaders, text, ms, error));
      };
      const req = http.request(base + path, { method, headers: h, agent, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => finish(res.statusCode, res.headers, Buffer.concat(chunks).toString("utf8")));
        res.on("error", (e) => finish(0, {}, "", e.message));
      });
      req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on("error", (e) => finish(0, {}, "", e.message));
      req.end(payload);
    });
  }

  return {
    request,
    get: (path, opts) => request("GET", path, opts),
    post: (path, body, opts) => request("POST", path, { ...opts, body }),
    put: (path, body, opts) => request("PUT", path, { ...opts, body }),
    del: (path, opts) => request("DELETE", path, opts),
    /** Aborts open sockets: requests still in flight end as network errors and are not recorded. */
    close() {
      closed = true;
      agent.destroy();
    },
  };
}

/** Throws EndpointUnavailable for 404/405 (not built yet), or an Error for any other unexpected status. */
export function expectStatus(res, expected, what) {
  if (res.status === expected) return res;
  if (res.status === 404 || res.status === 405) throw new EndpointUnavailable(`${what} answered ${res.describe()}`);
  throw new Error(`${what}: expected ${expected}, got ${res.describe()}`);
}
