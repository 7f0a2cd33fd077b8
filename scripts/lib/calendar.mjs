// English month and weekday names, from Intl (CLDR) rather than typed out again in each data
// generator. They are a fact of the calendar, not a word list anyone chose, so the PII
// evaluation corpus (bench/pii/independent) and the tagger's training generator
// (training/pii-tagger) can both use them and stay independent of each other.

const english = (options) => new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });

/** "January" … "December", a new array on each call (callers may shuffle it). */
export function monthNames() {
  const f = english({ month: "long" });
  return Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2000, i, 1))));
}

/** "Monday" … "Sunday" (ISO 8601 order), a new array on each call. */
export function weekdayNames() {
  const f = english({ weekday: "long" });
  // 3 January 2000 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2000, 0, 3 + i))));
}
