// k6's metric model for the local runner: typed metrics holding tagged samples, submetrics
// selected by tags (`http_req_duration{name:GET /datasets/{id}}`), k6's aggregations, and
// threshold expressions (`p(99.9)<100`, `rate<0.001`, `count>0`) evaluated the way k6 does.

/** Percentile with linear interpolation between closest ranks, as k6 computes trend percentiles. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

const TYPES = new Set(["counter", "gauge", "rate", "trend"]);

/** One metric: its k6 type ("counter" | "gauge" | "rate" | "trend"), what it contains, and its samples. */
export class Metric {
  constructor(name, type, contains = "default") {
    if (!TYPES.has(type)) throw new Error(`unknown metric type ${type}`);
    this.name = name;
    this.type = type;
    this.contains = contains;
    /** @type {{value: number, tags: Record<string, string>}[]} */
    this.samples = [];
  }

  add(value, tags) {
    const v = typeof value === "boolean" ? Number(value) : Number(value);
    if (!Number.isFinite(v)) throw new Error(`metric ${this.name}: ${value} is not a number`);
    this.samples.push({ value: v, tags });
  }
}

/** All metrics of one run, by name; re-declaring a name returns the same metric, as in k6. */
export class Registry {
  constructor() {
    /** @type {Map<string, Metric>} */
    this.metrics = new Map();
  }

  get(name, type, contains) {
    let m = this.metrics.get(name);
    if (!m) this.metrics.set(name, (m = new Metric(name, type, contains)));
    else if (m.type !== type) throw new Error(`metric ${name} is a ${m.type}, not a ${type}`);
    return m;
  }
}

/**
 * Splits "metric{tag:value,tag2:value2}" into its name and tag filter, as k6 parses threshold
 * and submetric keys (values may be quoted; they may contain spaces and braces).
 */
export function parseMetricKey(key) {
  const open = key.indexOf("{");
  if (open < 0) return { name: key.trim(), tags: {} };
  if (!key.endsWith("}")) throw new Error(`malformed submetric '${key}'`);
  const tags = {};
  for (const part of key.slice(open + 1, -1).split(",")) {
    const colon = part.indexOf(":");
    if (colon < 0) throw new Error(`malformed submetric '${key}': '${part}' is not tag:value`);
    tags[part.slice(0, colon).trim()] = part
      .slice(colon + 1)
      .trim()
      .replace(/^(["'`])(.*)\1$/, "$2");
  }
  return { name: key.slice(0, open).trim(), tags };
}

function matches(sampleTags, filter) {
  for (const k in filter) if (sampleTags[k] !== filter[k]) return false;
  return true;
}

/**
 * k6's summary values of samples of one metric type. Trends report `trendStats` (k6's
 * summaryTrendStats, e.g. "avg", "med", "p(99.9)", "count"); counters count and rate per second
 * of `durationMs`; rates their share of non-zero samples.
 */
export function aggregate(type, values, { trendStats, durationMs }) {
  const n = values.length;
  if (type === "counter") {
    let sum = 0;
    for (const v of values) sum += v;
    return { count: sum, rate: durationMs > 0 ? sum / (durationMs / 1000) : 0 };
  }
  if (type === "rate") {
    let passes = 0;
    for (const v of values) if (v !== 0) passes++;
    return { rate: n ? passes / n : 0, passes, fails: n - passes };
  }
  if (type === "gauge") {
    return { value: n ? values[n - 1] : 0, min: n ? Math.min(...values) : 0, max: n ? Math.max(...values) : 0 };
  }
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const out = {};
  for (const stat of trendStats) out[stat] = trendStat(sorted, sum, stat);
  return out;
}

function trendStat(sorted, sum, stat) {
  const n = sorted.length;
  switch (stat) {
    case "avg":
      return n ? sum / n : 0;
    case "min":
      return n ? sorted[0] : 0;
    case "max":
      return n ? sorted[n - 1] : 0;
    case "med":
      return n ? percentile(sorted, 50) : 0;
    case "count":
      return n;
    default: {
      const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
      if (!p) throw new Error(`unknown trend statistic '${stat}'`);
      return n ? percentile(sorted, Number(p[1])) : 0;
    }
  }
}

const EXPR =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|<|>=|>|===|==|!=)\s*(-?\d+(?:\.\d+)?)\s*$/;
const AGGS = {
  trend: (a) => a === "avg" || a === "min" || a === "max" || a === "med" || a === "count" || a.startsWith("p("),
  rate: (a) => a === "rate",
  counter: (a) => a === "count" || a === "rate",
  gauge: (a) => a === "value" || a === "min" || a === "max",
};

/** Parses one k6 threshold expression ("p(95)<30") for a metric of `type`; throws on what k6 would reject. */
export function parseThreshold(expr, type) {
  const text = typeof expr === "string" ? expr : expr?.threshold;
  const m = EXPR.exec(String(text));
  if (!m) throw new Error(`unsupported threshold expression '${text}'`);
  const [, agg, op, limit] = m;
  if (!AGGS[type](agg)) throw new Error(`threshold '${text}': a ${type} metric has no '${agg}'`);
  return { text, agg, op, limit: Number(limit), abortOnFail: Boolean(expr?.abortOnFail) };
}

function compare(a, op, b) {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "!=":
      return a !== b;
    default:
      return a === b;
  }
}

/** The built-in metrics k6 defines before a script runs (the ones this runner emits). */
export const BUILTIN = {
  http_reqs: ["counter"],
  http_req_duration: ["trend", "time"],
  http_req_failed: ["rate"],
  http_req_blocked: ["trend", "time"],
  http_req_waiting: ["trend", "time"],
  http_req_receiving: ["trend", "time"],
  http_req_sending: ["trend", "time"],
  data_sent: ["counter", "data"],
  data_received: ["counter", "data"],
  iterations: ["counter"],
  iteration_duration: ["trend", "time"],
  dropped_iterations: ["counter"],
  checks: ["rate"],
  group_duration: ["trend", "time"],
  vus: ["gauge"],
  vus_max: ["gauge"],
};

export const DEFAULT_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)"];

/**
 * k6's handleSummary `metrics` object: every metric with samples, plus each submetric a threshold
 * names, with `values` and, where thresholds apply, `thresholds: { expr: { ok } }`.
 * Returns { metrics, failed } where failed lists the thresholds that did not hold.
 */
export function summarizeMetrics(registry, thresholds, { trendStats = DEFAULT_TREND_STATS, durationMs }) {
  const metrics = {};
  const failed = [];
  const opts = { trendStats, durationMs };
  for (const m of registry.metrics.values()) {
    if (m.samples.length === 0 && !thresholds[m.name]) continue;
    metrics[m.name] = {
      type: m.type,
      contains: m.contains,
      values: aggregate(
        m.type,
        m.samples.map((s) => s.value),
        opts,
      ),
    };
  }
  for (const [key, exprs] of Object.entries(thresholds ?? {})) {
    const { name, tags } = parseMetricKey(key);
    const metric = registry.metrics.get(name);
    if (!metric) throw new Error(`threshold on '${key}': no metric named ${name}`);
    const values = metric.samples.filter((s) => matches(s.tags, tags)).map((s) => s.value);
    const entry = (metrics[key] ??= {
      type: metric.type,
      contains: metric.contains,
      values: aggregate(metric.type, values, opts),
    });
    entry.thresholds ??= {};
    for (const expr of exprs) {
      const t = parseThreshold(expr, metric.type);
      // A percentile threshold needs its statistic whether or not the summary lists it.
      const actual =
        t.agg in entry.values
          ? entry.values[t.agg]
          : aggregate(metric.type, values, { ...opts, trendStats: [t.agg] })[t.agg];
      // Like k6, a trend threshold over no samples compares against 0; count>0 catches "nothing measured".
      const ok = compare(actual, t.op, t.limit);
      entry.thresholds[t.text] = { ok };
      if (!ok) failed.push({ metric: key, threshold: t.text, actual });
    }
  }
  return { metrics, failed };
}
