/**
 * Scanner alternatives for dates and times: ISO 8601, numeric (m/d/y, d.m.y), written
 * ("March 3, 2021", "3rd of March 2021"), and clock times. A date near "born", "DOB" or
 * "birthday" (or in a field named like one) becomes a DATE_OF_BIRTH.
 */
import { contextRule } from "../context";
import { MONTH_ABBR, MONTHS } from "../lexicon";
import { acceptMatch, type Alternative } from "../scanner";

export const DATE_CTX = contextRule("date time on at when day scheduled due since until dated", {
  boost: 0.1,
  retype: { words: "born birth birthday birthdate dob bday natal", entity: "DATE_OF_BIRTH", boost: 0.2 },
});
/** For dates that cannot be a birth date (in the future, or before 1900). */
const DATE_CTX_NOT_DOB = contextRule("date time on at when day scheduled due since until dated", { boost: 0.1 });
const couldBeBirth = (y: number) => y >= 1900 && y <= new Date().getUTCFullYear();
/** Short dotted dates ("21.5.21") are written like version numbers: those words count against them. */
const DOTTED_CTX = contextRule("date time on at when day scheduled due since until dated for joins born", {
  boost: 0.1,
  negative: "version ver v release build firmware sdk patch python node npm",
  penalty: 0.3,
  retype: { words: "born birth birthday birthdate dob bday natal", entity: "DATE_OF_BIRTH", boost: 0.2 },
});
/** Card expiry and month/year dates ("12/27", "05/2021"). */
const MONTH_YEAR_CTX = contextRule("exp expiry expires expiration valid thru through until date since card dob born", {
  boost: 0.2,
  negative: "page pages score ratio version",
  penalty: 0.3,
});

const TIME_CTX = contextRule("at time am pm clock until from by starts start ends end meeting call", { boost: 0.2 });

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const validYmd = (y: number, m: number, d: number) =>
  y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);

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
    // d.m.yy is also how version numbers look ("9.2.13"): a date by default, unless version words are near.
    if (twoDigitYear && m.includes(".")) {
      return acceptMatch(out, m, start, "DATE_TIME", 0.5, "date", DOTTED_CTX);
    }
    const score = /^\d{4}/.test(m) ? 0.85 : twoDigitYear ? 0.55 : m.includes(".") ? 0.65 : 0.75;
    return acceptMatch(out, m, start, "DATE_TIME", score, "date", couldBeBirth(ymd[0]) ? DATE_CTX : DATE_CTX_NOT_DOB);
  },
};

/** A word in any letter case: "May", "MAY", "may". */
const anyCase = (w: string) => [...w].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join("");
const MONTH = `(?:${[...MONTHS, ...MONTH_ABBR]
  .sort((a, b) => b.length - a.length)
  .map(anyCase)
  .join("|")})`;
const WEEKDAY_NAME = `(?:${["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Tues", "Thurs", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(anyCase).join("|")})`;
const WEEKDAY = String.raw`(?:${WEEKDAY_NAME}\.?,? )?`;
const ORD = "(?:st|nd|rd|th)?";

export const writtenDate: Alternative = {
  name: "written_date",
  // Also "5-May-2021", "May-2021" and a weekday with a day and month but no year ("Sat 29 Jun").
  source: String.raw`(?<![\w])(?:${WEEKDAY}(?:${MONTH}\.? \d{1,2}${ORD},? \d{4}${TIME}|\d{1,2}${ORD} (?:of )?${MONTH}\.?,? \d{4}${TIME}|${MONTH}\.?,? \d{4}|${MONTH}\.? \d{1,2}${ORD})|\d{1,2}-${MONTH}-(?:\d{4}|\d{2})|${MONTH}-\d{4}|${WEEKDAY_NAME}\.?,? \d{1,2}${ORD} ${MONTH}\.?)(?![\w])`,
  handle(m, start, _text, out) {
    // A lower-case "may 5" is more often the verb: only with a year.
    if (/^may \d{1,2}$/.test(m)) return -1;
    const full = /\d{4}/.test(m) && /\b\d{1,2}(?:st|nd|rd|th)?\b/.test(m.replace(/\d{4}/, ""));
    const day = /\d{1,2}/.exec(m.replace(/\d{4}.*/, ""));
    if (day && Number(day[0]) > 31) return -1;
    const score = full ? 0.85 : /\d{4}/.test(m) ? 0.6 : 0.5;
    const year = /\d{4}/.exec(m);
    const ctx = !year || couldBeBirth(Number(year[0])) ? DATE_CTX : DATE_CTX_NOT_DOB;
    return acceptMatch(out, m, start, "DATE_TIME", score, "date", ctx);
  },
};

export const clockTime: Alternative = {
  name: "clock_time",
  source: String.raw`(?<![\w:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?: ?[AaPp](?:\.[Mm]\.|[Mm])| ?(?:UTC|GMT))?(?![\w:]|\.\d)`,
  handle(m, start, _text, out) {
    const meridiem = /[AaPp]\.?[Mm]\.?$|UTC|GMT/.test(m);
    if (meridiem && Number(m.split(":")[0]) > 12 && /[AaPp]/.test(m)) return -1;
    return acceptMatch(out, m, start, "DATE_TIME", meridiem ? 0.6 : 0.4, "time", TIME_CTX);
  },
};

/** Dates written with CJK year/month/day markers: 1952年5月28日, 2024年3月. */
export const cjkDate: Alternative = {
  name: "cjk_date",
  source: String.raw`(?<![\d])\d{4}年\d{1,2}月(?:\d{1,2}日)?`,
  handle(m, start, _text, out) {
    return acceptMatch(out, m, start, "DATE_TIME", m.endsWith("日") ? 0.85 : 0.6, "date", DATE_CTX);
  },
};

/**
 * Month/year: card expiry "12/27" and "05/2021". Two-digit years need a context word or score
 * 0.5, at the default threshold; four-digit years between 1900 and 2099 score 0.6.
 */
export const monthYear: Alternative = {
  name: "month_year",
  source: String.raw`(?<![\w/.:-])(?:0?[1-9]|1[0-2])/(?:(?:19|20)\d{2}|\d{2})(?![\w/]|[.:-]\d)`,
  handle(m, start, _text, out) {
    const long = m.length - m.indexOf("/") - 1 === 4;
    return acceptMatch(out, m, start, "DATE_TIME", long ? 0.6 : 0.5, "date", MONTH_YEAR_CTX);
  },
};

/** Words before a bare year that make it a date: "born 1972", "since 1998", "in 1958". */
export const YEAR_CUE =
  /(?:^|[^\p{L}])(born|since|in|from|until|till|circa|ca\.|c\.|year|during|before|after|of|est\.|founded|graduated|married|died)[ \t]+$/iu;
export const YEAR_CTX = DATE_CTX;
