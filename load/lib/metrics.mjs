// Latency samples per request name, their percentiles, and k6-style threshold checks.

/** Percentile with linear interpolation between closest ranks (as k6 computes trends). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Summary of a list of durations in milliseconds. */
export function trend(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    avg: n ? sum / n : NaN,
    min: n ? sorted[0] : NaN,
    med: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1] : NaN,
  };
}

/** Collects one sample per HTTP request, keyed by its `name` tag. */
export class Recorder {
  constructor() {
    /** @type {Map<string, {durations: number[], failed: number, statuses: Map<number, number>}>} */
    this.byName = new Map();
    this.count = 0;
  }

  add(name, ms, failed, status) {
    let m = this.byName.get(name);
    if (!m) this.byName.set(name, (m = { durations: [], failed: 0, statuses: new Map() }));
    m.durations.push(ms);
    if (failed) m.failed++;
    m.statuses.set(status, (m.statuses.get(status) ?? 0) + 1);
    this.count++;
  }

  /** Per-name trends plus the totals over every request. */
  summary() {
    const endpoints = {};
    const all = [];
    let failed = 0;
    for (const [name, m] of this.byName) {
      endpoints[name] = { ...trend(m.durations), failed: m.failed, failed_rate: m.failed / m.durations.length, statuses: Object.fromEntries(m.statuses) };
      for (const d of m.durations) all.push(d);
      failed += m.failed;
    }
    const total = { ...trend(all), failed, failed_rate: all.length ? failed / all.length : 0 };
    return { endpoints, total };
  }
}

const EXPR = /^\s*(avg|min|med|max|rate|p\((\d+(?:\.\d+)?)\))\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)\s*$/;
const KEY = /^(http_req_duration|http_req_failed)(?:\{name:(.+)\})?$/;

/**
 * Evaluates k6-style thresholds, e.g.
 * `{ "http_req_duration{name:GET /datasets/{id}}": ["p(95)<30"], "http_req_failed": ["rate<0.01"] }`,
 * against a Recorder summary. A threshold on a name that saw no request fails: nothing was shown to meet it.
 */
export function evaluateThresholds(thresholds, summary) {
  const results = [];
  for (const [key, exprs] of Object.entries(thresholds)) {
    const k = KEY.exec(key);
    if (!k) throw new Error(`unsupported threshold metric '${key}' (use http_req_duration or http_req_failed, optionally {name:...})`);
    const [, metric, name] = k;
    const stats = name === undefined ? summary.total : summary.endpoints[name];
    for (const expr of exprs) {
      const e = EXPR.exec(expr);
      if (!e) throw new Error(`unsupported threshold expression '${expr}' on ${key}`);
      const [, agg, p, op, limitText] = e;
      const limit = Number(limitText);
      let actual;
      if (!stats || stats.count === 0) actual = NaN;
      else if (metric === "http_req_failed") {
        if (agg !== "rate") throw new Error(`http_req_failed only supports rate (got '${expr}')`);
        actual = stats.failed_rate;
      } else {
        if (agg === "rate") throw new Error(`http_req_duration has no rate (got '${expr}')`);
        actual = p !== undefined ? stats[percentileField(p)] : stats[agg];
      }
      const ok = Number.isFinite(actual) && compare(actual, op, limit);
      results.push({ metric: key, expr, actual, ok });
    }
  }
  return results;
}

// trend() computes a fixed set of percentiles, so thresholds are limited to those.
function percentileField(p) {
  const field = { 50: "med", 90: "p90", 95: "p95", 99: "p99" }[p];
  if (!field) throw new Error(`percentile p(${p}) is not tracked; use p(50), p(90), p(95) or p(99)`);
  return field;
}

function compare(a, op, b) {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}
