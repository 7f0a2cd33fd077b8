/**
 * Dates as the detector finds them (ISO, m/d/y, d.m.y, "March 3, 2021", "3 March 2021"),
 * parsed into year/month/day with a function that writes a new date in the same format:
 * what date shift and generalization need.
 */

export interface ParsedDate {
  y: number;
  m: number;
  d: number;
  /** The same text with another date in the same format (time and zone kept). */
  rebuild(y: number, m: number, d: number): string;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function monthIndex(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return -1;
  return MONTHS.findIndex((m) => m.startsWith(w));
}

const valid = (y: number, m: number, d: number) =>
  m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Parses a date-like string; null when it is not one of the known formats. */
export function parseDate(text: string): ParsedDate | null {
  let m = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(.*)$/s.exec(text);
  if (m) {
    const [, ys, sep, ms, ds, rest] = m;
    const y = Number(ys);
    const mo = Number(ms);
    const d = Number(ds);
    if (!valid(y, mo, d)) return null;
    return {
      y,
      m: mo,
      d,
      rebuild: (y2, m2, d2) => `${pad(y2, 4)}${sep}${pad(m2, ms.length)}${sep}${pad(d2, ds.length)}${rest}`,
    };
  }
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(.*)$/s.exec(text);
  if (m) {
    const [, as, sep, bs, ys, rest] = m;
    let y = Number(ys);
    if (ys.length === 2) y += y < 50 ? 2000 : 1900;
    const a = Number(as);
    const b = Number(bs);
    const write = (y2: number) => (ys.length === 2 ? pad(y2 % 100) : pad(y2, 4));
    if (sep !== "." && valid(y, a, b))
      return {
        y,
        m: a,
        d: b,
        rebuild: (y2, m2, d2) => `${pad(m2, as.length)}${sep}${pad(d2, bs.length)}${sep}${write(y2)}${rest}`,
      };
    if (valid(y, b, a))
      return {
        y,
        m: b,
        d: a,
        rebuild: (y2, m2, d2) => `${pad(d2, as.length)}${sep}${pad(m2, bs.length)}${sep}${write(y2)}${rest}`,
      };
    return null;
  }
  // "March 3, 2021", "Mar. 3rd 2021" (an optional weekday first is dropped on rebuild).
  m = /^(?:[A-Za-z]+\.?,? )?([A-Za-z]{3,9}\.?) (\d{1,2})(st|nd|rd|th)?(,?) (\d{4})(.*)$/s.exec(text);
  if (m && monthIndex(m[1]) >= 0) {
    const [, mw, ds, ord, comma, ys, rest] = m;
    const y = Number(ys);
    const mo = monthIndex(mw) + 1;
    const d = Number(ds);
    if (!valid(y, mo, d)) return null;
    const name = (k: number) =>
      mw.length <= 4 ? MONTHS[k - 1].slice(0, 3) + (mw.endsWith(".") ? "." : "") : MONTHS[k - 1];
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    return {
      y,
      m: mo,
      d,
      rebuild: (y2, m2, d2) => `${cap(name(m2))} ${d2}${ord ? ordinal(d2) : ""}${comma} ${y2}${rest}`,
    };
  }
  // "3 March 2021", "3rd of March, 2021".
  m = /^(\d{1,2})(st|nd|rd|th)? (of )?([A-Za-z]{3,9}\.?)(,?) (\d{4})(.*)$/s.exec(text);
  if (m && monthIndex(m[4]) >= 0) {
    const [, ds, ord, of, mw, comma, ys, rest] = m;
    const y = Number(ys);
    const mo = monthIndex(mw) + 1;
    const d = Number(ds);
    if (!valid(y, mo, d)) return null;
    const name = (k: number) => (mw.length <= 4 ? MONTHS[k - 1].slice(0, 3) : MONTHS[k - 1]);
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    return {
      y,
      m: mo,
      d,
      rebuild: (y2, m2, d2) => `${d2}${ord ? ordinal(d2) : ""} ${of ?? ""}${cap(name(m2))}${comma} ${y2}${rest}`,
    };
  }
  return null;
}

function ordinal(d: number): string {
  if (d % 100 >= 11 && d % 100 <= 13) return "th";
  return ["th", "st", "nd", "rd"][d % 10] ?? "th";
}

/** The date `days` later (or earlier), in the same format. */
export function shiftDate(p: ParsedDate, days: number): string {
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d) + days * 86_400_000);
  return p.rebuild(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}
