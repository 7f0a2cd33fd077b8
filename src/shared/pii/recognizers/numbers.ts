/**
 * Scanner alternatives for numbers and short codes: SSNs, phone numbers (international
 * through libphonenumber-js, North American by NANP rules), bare digit runs (which may be
 * an SSN, a routing number, a passport or licence number, an age or a ZIP code, decided
 * by checksums and context), and letter+digit codes (passports, state driver licences).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { abaValid, digitsOf, ssnVerdict } from "../checksums";
import { contextRule } from "../context";
import { STATE_ABBR } from "../gazetteer";
import { acceptMatch, type Alternative } from "../scanner";
import { YEAR_CTX, YEAR_CUE } from "./dates";
import type { Candidate } from "../types";

export const SSN_CTX = contextRule("ssn ssns social security ss ssa taxpayer tin itin", { boost: 0.35 });
const PHONE_CTX = contextRule(
  "phone phones tel telephone mobile cell cellphone call called calling callback fax contact whatsapp sms text reach number dial ring landline hotline " +
    "telefon telefono telefone movil celular cellulare handy portable numero nummer",
  {
    negative: "order invoice account isbn serial tracking",
    penalty: 0.3,
  },
);
const ROUTING_CTX = contextRule("routing aba rtn transit bank ach wire abartn", { boost: 0.4 });
const PASSPORT_CTX = contextRule("passport passports travel visa", { boost: 0.4 });
const DL_CTX = contextRule("driver drivers driving license licence licenses dl dln dmv permit", { boost: 0.4 });
const ZIP_CTX = contextRule("zip zipcode postal postcode code", { boost: 0.35 });

// A comma after a number is a separator ("212-555-0187,212-555-0199"); thousands groupings never
// reach these patterns, which need longer digit groups.
const SEP_END = String.raw`(?![\w-]|\.\d)`;

export const ssn: Alternative = {
  name: "us_ssn",
  source: String.raw`(?<![\w.-])\d{3}(?:-\d{2}-| \d{2} |\.\d{2}\.)\d{4}${SEP_END}`,
  handle(m, start, _text, out) {
    const verdict = ssnVerdict(digitsOf(m));
    if (verdict === "invalid") return -1;
    return acceptMatch(out, m, start, "US_SSN", verdict === "valid" ? 0.6 : 0.3, "us_ssn", SSN_CTX);
  },
};

/** ABA routing numbers in the dashed 4-4-1 form some banks print ("0210-0002-1"). */
export const abaDashed: Alternative = {
  name: "aba_dashed",
  source: String.raw`(?<![\w.-])\d{4}-\d{4}-\d${SEP_END}`,
  handle(m, start, _text, out) {
    if (!abaValid(digitsOf(m))) return -1;
    return acceptMatch(out, m, start, "US_BANK_ROUTING", 0.45, "aba_routing", ROUTING_CTX);
  },
};

const EXT = String.raw`(?: ?(?:x|ext\.?|extension) ?\d{1,6})?`;

/** International numbers (leading +), checked by libphonenumber-js. */
export const phoneIntl: Alternative = {
  name: "phone_international",
  source: String.raw`(?<![\w+])\+\d[\d \-.()]{5,22}\d${EXT}(?![\w])`,
  handle(m, start, _text, out) {
    // The class may have swallowed a following number; give groups back until it parses.
    let candidate = m;
    for (let tries = 0; tries < 3; tries++) {
      const p = parsePhoneNumberFromString(candidate.replace(/ ?(?:x|ext\.?|extension) ?\d+$/, ""));
      // isPossible (country code + per-country lengths) and not isValid (per-range patterns):
      // isValid costs as much again as parsing and adds little for numbers written with "+".
      if (p && p.isPossible()) {
        out.push({
          type: "PHONE",
          start,
          end: start + candidate.length,
          score: 0.65,
          recognizer: "phone",
          context: PHONE_CTX,
        });
        return start + candidate.length;
      }
      const cut = candidate.search(/[ .\-()]+\d+$/);
      if (cut <= 0) break;
      candidate = candidate.slice(0, cut).replace(/[ .\-(]+$/, "");
    }
    return -1;
  },
};

/** North American numbers: (NXX) NXX-XXXX with optional 1 prefix and extension. */
export const phoneNanp: Alternative = {
  name: "phone_nanp",
  source: String.raw`(?<![\w+.-])(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}${EXT}${SEP_END}`,
  handle(m, start, _text, out) {
    let d = digitsOf(m.replace(/ ?(?:x|ext\.?|extension) ?\d+$/, ""));
    if (d.length === 11) {
      if (d[0] !== "1") return -1;
      d = d.slice(1);
    }
    if (d.length !== 10 || d[0] < "2" || d[3] < "2") return -1;
    if (/^(\d)\1+$/.test(d)) return -1;
    // N11 codes (211...911) are service codes, never area codes: plausible only with context.
    const n11 = d.slice(1, 3) === "11";
    const formatted = /[^\d]/.test(m.replace(/ ?(?:x|ext\.?|extension) ?\d+$/, ""));
    // NANP rules only: libphonenumber's per-area validation costs more than it adds here.
    return acceptMatch(out, m, start, "PHONE", (formatted ? 0.65 : 0.4) - (n11 ? 0.25 : 0), "phone", PHONE_CTX);
  },
};

/**
 * Numbers in a national format, without "+": "020 979 9279", "03.93.92.16.85", "(18) 92958-3290",
 * "090-1234-5678", "0532 123 45 67"; and "00"-prefixed international ones ("0044 7700 900123").
 * Without a country these are only shapes: the score stays under the default threshold unless a
 * context word ("phone", "call", a field name) or the request's region (see detect.ts, which
 * checks recognizer "phone_national" against it with libphonenumber-js) vouches for them.
 */
export const phoneNational: Alternative = {
  name: "phone_national",
  // A comma on either side is a separator ("080-8235-4968,03-4919-2590"), as in CSV rows.
  source: String.raw`(?<![\w+./:-])(?:\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){0,3}|\d{2,5}(?:[ .\-/]\d{2,8}){1,4}|0\d{9,11})(?![\w-]|[./:]\d)`,
  handle(m, start, _text, out) {
    const d = digitsOf(m);
    if (d.length < 8 || d.length > (d.startsWith("00") ? 17 : 13) || /^(\d)\1+$/.test(d)) return -1;
    const end = start + m.length;
    if (d.startsWith("00")) {
      const p = parsePhoneNumberFromString("+" + d.slice(2));
      if (!p || !p.isPossible()) return -1;
      out.push({ type: "PHONE", start, end, score: 0.65, recognizer: "phone", context: PHONE_CTX });
      return end;
    }
    // Written like a North American number that failed the NANP rules (123-456-7890): not a phone.
    if (d[0] !== "0" && /^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$/.test(m)) return -1;
    const groups = m.split(/[ .\-/()]+/).filter(Boolean).length;
    let score = 0.3;
    if (m[0] === "0" || m[0] === "(") score += 0.15;
    if (groups >= 3) score += 0.1;
    out.push({ type: "PHONE", start, end, score, recognizer: "phone_national", context: PHONE_CTX });
    return end;
  },
};

const AGE_AFTER = /^[ \t-]*(?:years?|yrs?)[ \t-]*(?:old|of age)\b|^[ \t]*(?:yo|y\/o|y\.o\.)(?![\w])/i;
const AGE_BEFORE = /\b(?:age[ds]?|aged)[ \t]*(?:[:=]|is|of)?[ \t]*$/i;

/** A US driver licence reading of the span: the formats differ by state, so only the score varies. */
function pushLicence(out: Candidate[], start: number, end: number, score: number): void {
  out.push({ type: "US_DRIVER_LICENSE", start, end, score, recognizer: "us_driver_license", context: DL_CTX });
}

function pushNineDigit(d: string, start: number, end: number, out: Candidate[]): void {
  const verdict = ssnVerdict(d);
  if (verdict !== "invalid")
    out.push({
      type: "US_SSN",
      start,
      end,
      score: verdict === "valid" ? 0.3 : 0.2,
      recognizer: "us_ssn",
      context: SSN_CTX,
    });
  if (abaValid(d))
    out.push({ type: "US_BANK_ROUTING", start, end, score: 0.3, recognizer: "aba_routing", context: ROUTING_CTX });
  out.push({ type: "US_PASSPORT", start, end, score: 0.2, recognizer: "us_passport", context: PASSPORT_CTX });
  pushLicence(out, start, end, 0.15);
}

/** Bare digit runs and ZIP+4: what they are depends on length, checksums and context. */
export const digitRun: Alternative = {
  name: "digit_run",
  source: String.raw`(?<![\w.,+-])(?:\d{5}-\d{4}|\d{1,19})(?![\w]|[.,]\d|-\d)`,
  handle(m, start, text, out) {
    const end = start + m.length;
    const n = m.length;
    if (n <= 3) {
      const value = Number(m);
      if (
        value > 0 &&
        value <= 130 &&
        (AGE_AFTER.test(text.slice(end, end + 20)) || AGE_BEFORE.test(text.slice(Math.max(0, start - 16), start)))
      ) {
        out.push({ type: "AGE", start, end, score: 0.7, recognizer: "age" });
      }
    } else if (n === 4) {
      // A bare year is a date only after a cue word ("born 1972", "since 1998").
      const y = Number(m);
      const cue = y >= 1900 && y <= 2099 ? YEAR_CUE.exec(text.slice(Math.max(0, start - 12), start)) : null;
      if (cue)
        out.push({
          type: "DATE_TIME",
          start,
          end,
          score: /^(?:born|since)$/i.test(cue[1]) ? 0.6 : 0.5,
          recognizer: "date",
          context: YEAR_CTX,
        });
    } else if (n === 5 || (n === 10 && m[5] === "-")) {
      const before = text.slice(Math.max(0, start - 4), start);
      const afterState = /(?:^|[\s,])([A-Z]{2})[ \t]+$/.exec(before);
      const score = afterState && STATE_ABBR.has(afterState[1]) ? 0.6 : 0.2;
      out.push({ type: "ZIP_CODE", start, end, score, recognizer: "us_zip", context: ZIP_CTX });
    } else if (n === 9) {
      pushNineDigit(m, start, end, out);
    } else if (n === 7 || n === 8 || (n >= 10 && n <= 13)) {
      // TX, PA (8), WA/MN (7, 12), NY old formats...: only with licence context.
      pushLicence(out, start, end, 0.15);
    }
    return end;
  },
};

/** Letter+digit codes: passports (A12345678) and the common state driver licence formats. */
export const alnumCode: Alternative = {
  name: "alnum_code",
  source: String.raw`(?<![\w-])(?:[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d|[A-Z]\d{3}-\d{4}-\d{4}|[A-Z]\d{4} \d{5} \d{5}|[A-Z]{1,2}\d{5,14}|WDL[A-Z0-9]{9})(?![\w-])`,
  handle(m, start, _text, out) {
    const end = start + m.length;
    if (m.includes("-") || m.includes(" ") || m.startsWith("WDL")) {
      // Florida / Illinois / New Jersey dashed forms, Washington WDL: distinctive enough alone.
      pushLicence(out, start, end, 0.55);
      return end;
    }
    const letters = /^[A-Z]+/.exec(m)![0].length;
    const digits = m.length - letters;
    if (letters === 1 && digits === 8) {
      out.push({ type: "US_PASSPORT", start, end, score: 0.35, recognizer: "us_passport", context: PASSPORT_CTX });
      pushLicence(out, start, end, 0.2);
    } else if ((letters === 1 && [7, 11, 12, 14].includes(digits)) || (letters === 2 && digits === 6)) {
      // CA/NY (A1234567), IL (A12345678901), FL/MI/MD/MN (A123456789012), NJ (A12345678901234), OH (AB123456).
      pushLicence(out, start, end, 0.3);
    } else {
      pushLicence(out, start, end, 0.15);
    }
    return end;
  },
};
