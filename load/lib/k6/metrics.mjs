// The runner's `k6/metrics` module: custom Counter, Rate and Trend metrics.
import { contextTags, currentRun } from "./runtime.mjs";

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

class CustomMetric {
  constructor(name, type, contains) {
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}' (k6: letters, digits and _, at most 128)`);
    this.name = name;
    this._metric = currentRun().registry.get(name, type, contains);
  }

  /** Adds one sample, tagged with the scenario, group and `tags`. */
  add(value, tags = {}) {
    this._metric.add(value, { ...contextTags(), ...tags });
  }
}

/** A sum (k6 Counter): summary values count and rate per second. */
export class Counter extends CustomMetric {
  constructor(name) {
    super(name, "counter", "default");
  }
}

/** A share of non-zero samples (k6 Rate): summary values rate, passes, fails. */
export class Rate extends CustomMetric {
  constructor(name) {
    super(name, "rate", "default");
  }
}

/** A distribution (k6 Trend); `isTime` marks milliseconds. */
export class Trend extends CustomMetric {
  constructor(name, isTime = false) {
    super(name, "trend", isTime ? "time" : "default");
  }
}
