/**
 * Scanner alternatives for dates and times: ISO 8601, numeric (m/d/y, d.m.y), written
 * ("March 3, 2021", "3rd of March 2021"), and clock times. A date near "born", "DOB" or
 * "birthday" (or in a field named like one) becomes a DATE_OF_BIRTH.
 */
import { contextRule } from "../context";
import { MONTH_ABBR, MONTHS } from "../lexicon";
import type { Alternative } from "../scanner";

export const DATE_CTX = contextRule("date time on at when day scheduled due since until dated", {
  boost: 0.1,
  retype: { words: "born birth birthday birthdate dob bday natal", entity: "DATE_OF_BIRTH", boost: 0.2 },
});
/** For dates that cannot be a birth date (in the future, or before 1900). */
const DATE_CTX_NOT_DOB = contextRule("date time on at when day scheduled due since until dated", { boost: 0.1 });
const couldBeBirth = (y: number) => y >= 1900 && y <= new Date().getUTCFullYear();

const TIME_CTX = contextRule("at time am pm clock until from by starts start ends end meeting call", { boost: 0.2 });

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const validYmd = (y: number, m: number, d: number) => y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);

/** Parses the numeric date forms the scanner accepts; returns [year, month, day] or null. */
export function parseNumericDate(s: string): [number, number, number] | null {
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return validYmd(y, mo, d) ? [y, mo, d] : null;
  }
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})/.exec(s);
  if (!m) return null;
  let y = Number(m[4]);
  if (m[4].length === 2) y += y < 50 ? 2000 : 1900;
  const a = Number(m[1]);
  const b = Number(m[3]);
  // Dots are day-first (Europe); slashes and dashes month-first (US), falling back to day-first.
  if (m[2] !== "." && validYmd(y, a, b)) return [y, a, b];
  if (validYmd(y, b, a)) return [y, b, a];
  return null;
}

const TIME = String.raw`(?:,? (?:at )?\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp](?:\.[Mm]\.|[Mm]))?)?`;

export const numericDate: Alternative = {
  name: "numeric_date",
  source: String.raw`(?<![\w.:/-])(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)?|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})${TIME})(?![\w/]|[.:-]\d)`,
  handle(m, start, _text, out) {
    const ymd = parseNumericDate(m);
    if (!ymd) return -1;
    const twoDigitYear = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?!\d)/.test(m);
    // d.m.yy is as often a version number ("9.2.13") as a date.
    if (twoDigitYear && m.includes(".")) return -1;
    const score = /^\d{4}/.test(m) ? 0.85 : twoDigitYear ? 0.55 : m.includes(".") ? 0.65 : 0.75;
    out.push({ type: "DATE_TIME", start, end: start + m.length, score, recognizer: "date", context: couldBeBirth(ymd[0]) ? DATE_CTX : DATE_CTX_NOT_DOB });
    return start + m.length;
  },
};

const MONTH = `(?:${[...MONTHS, ...MONTH_ABBR].join("|")})`;
const WEEKDAY = String.raw`(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Wed|Thurs|Thu|Fri|Sat|Sun)\.?,? )?`;
const ORD = "(?:st|nd|rd|th)?";

export const writtenDate: Alternative = {
  name: "written_date",
  source: String.raw`(?<![\w])${WEEKDAY}(?:${MONTH}\.? \d{1,2}${ORD},? \d{4}${TIME}|\d{1,2}${ORD} (?:of )?${MONTH}\.?,? \d{4}${TIME}|${MONTH}\.?,? \d{4}|${MONTH}\.? \d{1,2}${ORD})(?![\w])`,
  handle(m, start, _text, out) {
    const full = /\d{4}/.test(m) && /\b\d{1,2}(?:st|nd|rd|th)?\b/.test(m.replace(/\d{4}/, ""));
    const day = /\d{1,2}/.exec(m.replace(/\d{4}.*/, ""));
    if (day && Number(day[0]) > 31) return -1;
    const score = full ? 0.85 : /\d{4}/.test(m) ? 0.6 : 0.5;
    const year = /\d{4}/.exec(m);
    const ctx = !year || couldBeBirth(Number(year[0])) ? DATE_CTX : DATE_CTX_NOT_DOB;
    out.push({ type: "DATE_TIME", start, end: start + m.length, score, recognizer: "date", context: ctx });
    return start + m.length;
  },
};

export const clockTime: Alternative = {
  name: "clock_time",
  source: String.raw`(?<![\w:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?: ?[AaPp](?:\.[Mm]\.|[Mm])| ?(?:UTC|GMT))?(?![\w:]|\.\d)`,
  handle(m, start, _text, out) {
    const meridiem = /[AaPp]\.?[Mm]\.?$|UTC|GMT/.test(m);
    if (meridiem && Number(m.split(":")[0]) > 12 && /[AaPp]/.test(m)) return -1;
    out.push({ type: "DATE_TIME", start, end: start + m.length, score: meridiem ? 0.6 : 0.4, recognizer: "time", context: TIME_CTX });
    return start + m.length;
  },
};
