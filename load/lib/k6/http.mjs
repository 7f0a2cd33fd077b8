// The runner's `k6/http` module: http.asyncRequest over node:http keep-alive sockets, with
// k6's response object and HTTP metrics. k6's synchronous calls (http.get, http.post, ...)
// cannot be built on Node's event loop, so they are not here and a script using them fails
// the runner's API check (load/test/k6-api.test.mjs).
import nodeHttp from "node:http";
import { BUILTIN } from "../metrics.mjs";
import { context, contextTags, currentRun, currentScenario } from "./runtime.mjs";

/** Go's textproto.CanonicalMIMEHeaderKey, which k6 applies to response header names ("etag" → "Etag"). */
export function canonicalHeader(name) {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
}

function parseTimeout(t) {
  if (t === undefined) return 60_000;
  if (typeof t === "number") return t;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(t);
  if (!m) throw new Error(`bad timeout '${t}'`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2]];
}

function encodeBody(body, headers) {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // k6 sends a plain object as a form.
  headers["Content-Type"] ??= "application/x-www-form-urlencoded";
  return Buffer.from(new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString());
}

/** gjson's simplest paths, which is all the scripts use: "id", "items.0.id". */
function select(value, selector) {
  if (!/^[\w-]+(\.[\w-]+)*$/.test(selector))
    throw new Error(`json selector '${selector}': only dotted paths are supported by the runner`);
  let v = value;
  for (const part of selector.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[part];
  }
  return v;
}

class Response {
  constructor(init) {
    Object.assign(this, init);
  }

  /** The body parsed as JSON, or the value at `selector` ("items.0.id"). */
  json(selector) {
    const parsed = JSON.parse(this.body);
    return selector === undefined ? parsed : select(parsed, selector);
  }
}

/**
 * k6's http.asyncRequest(method, url, body?, params?): resolves to a Response
 * ({status, body, headers, timings, error, error_code, json()}), never rejects on HTTP or network
 * errors (status 0 then). Params used: headers, tags (name), timeout, responseType ("text" | "none").
 *
 * In an arrival-rate iteration the first request's duration starts at the iteration's scheduled
 * time, not when it was sent: a generator that falls behind shows up as latency instead of
 * hiding it (coordinated omission). The lateness is also reported as http_req_blocked.
 */
export function asyncRequest(method, url, body, params = {}) {
  const run = currentRun();
  const sc = currentScenario();
  const store = context.getStore();
  const called = performance.now();
  let from = called;
  if (store && store.scheduledAt !== undefined) {
    from = Math.min(called, store.scheduledAt);
    store.scheduledAt = undefined;
  }
  const headers = { ...(params.headers ?? {}) };
  const payload = encodeBody(body, headers);
  if (payload) headers["Content-Length"] = String(payload.length);
  const tags = { ...contextTags(), name: url, ...(params.tags ?? {}), method, url };
  const timeoutMs = parseTimeout(params.timeout);
  const responseType = params.responseType ?? "text";

  return new Promise((resolve) => {
    let socketAt = called;
    let sentAt;
    let headersAt;
    const finish = (status, resHeaders, text, error, errorCode) => {
      const end = performance.now();
      sentAt ??= end;
      headersAt ??= end;
      const timings = {
        blocked: socketAt - from,
        connecting: 0,
        tls_handshaking: 0,
        sending: sentAt - socketAt,
        waiting: headersAt - sentAt,
        receiving: end - headersAt,
        duration: end - from,
      };
      const res = new Response({
        status,
        status_text: status ? `${status} ${nodeHttp.STATUS_CODES[status] ?? ""}`.trim() : "",
        proto: "HTTP/1.1",
        url,
        headers: resHeaders,
        body: responseType === "none" ? null : text,
        timings,
        error: error ?? "",
        error_code: errorCode ?? 0,
        request: { method, url, headers, body: payload ? payload.toString() : "" },
      });
      // A request the runner itself cut off at the end of a run is not a sample of the server.
      if (!sc.aborted) {
        const failed = !(status >= 200 && status < 400);
        const t = { ...tags, status: String(status), expected_response: String(!failed) };
        if (errorCode) t.error_code = String(errorCode);
        const m = (name) => run.registry.get(name, ...BUILTIN[name]);
        m("http_reqs").add(1, t);
        m("http_req_duration").add(timings.duration, t);
        m("http_req_failed").add(failed ? 1 : 0, t);
        m("http_req_blocked").add(timings.blocked, t);
        m("http_req_sending").add(timings.sending, t);
        m("http_req_waiting").add(timings.waiting, t);
        m("http_req_receiving").add(timings.receiving, t);
        m("data_sent").add(payload?.length ?? 0, t);
        m("data_received").add(Buffer.byteLength(text), t);
      }
      resolve(res);
    };
    if (sc.aborted) return finish(0, {}, "", "the run was stopping", 1000);
    let req;
    try {
      req = nodeHttp.request(url, { method, headers, agent: sc.agent, timeout: timeoutMs });
    } catch (err) {
      return finish(0, {}, "", err.message, 1000);
    }
    req.on("socket", () => (socketAt = performance.now()));
    req.on("finish", () => (sentAt = performance.now()));
    req.on("response", (res) => {
      headersAt = performance.now();
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const h = {};
        for (const [k, v] of Object.entries(res.headers)) h[canonicalHeader(k)] = Array.isArray(v) ? v.join(", ") : v;
        finish(res.statusCode, h, Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", (e) => finish(0, {}, "", e.message, 1000));
    });
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error(`request timeout after ${timeoutMs} ms`), { k6code: 1050 })),
    );
    req.on("error", (e) => finish(0, {}, "", e.message, e.k6code ?? 1000));
    req.end(payload);
  });
}

export default { asyncRequest };
