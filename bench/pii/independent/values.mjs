// Value makers for the independent PII evaluation: phones in each country's numbering
// shapes, addresses in each country's format, dates in many notations, and checksummed
// identifiers (Luhn cards, mod-97 IBANs, ABA routing numbers) computed here from the
// public algorithms. Nothing here reads the detector's code or data.
import { monthNames, weekdayNames } from "../../../scripts/lib/calendar.mjs";
import { luhnDigit } from "../../../scripts/lib/luhn.mjs";
import { mulberry32 } from "../../../scripts/lib/mulberry32.mjs";

/** A seeded random source (Mulberry32) so the corpus is reproducible. */
export function rng(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

const pad = (n, w) => String(n).padStart(w, "0");

/** Fills a shape: d = any digit, N = 2..9, Z = 1..9, other characters are kept. */
export function shape(r, s) {
  let out = "";
  for (const ch of s) {
    if (ch === "d") out += r.int(0, 9);
    else if (ch === "N") out += r.int(2, 9);
    else if (ch === "Z") out += r.int(1, 9);
    else out += ch;
  }
  return out;
}

/** Phone shapes per region: national first, then international. */
const PHONES = {
  us: [
    "(Ndd) Ndd-dddd",
    "Ndd-Ndd-dddd",
    "Ndd.Ndd.dddd",
    "+1 Ndd Ndd dddd",
    "+1 (Ndd) Ndd-dddd",
    "1-Ndd-Ndd-dddd",
    "Ndd Ndd dddd",
  ],
  gb: [
    "07ddd dddddd",
    "078 dddd dddd",
    "020 dddd dddd",
    "01dd ddd dddd",
    "+44 7ddd dddddd",
    "0044 7700 9ddddd",
    "+44 (0)20 dddd dddd",
    "+447ddddddddd",
  ],
  de: [
    "030 Zddddddd",
    "015d Zdddddd",
    "089/Zdddddd",
    "+49 30 Zdddddd",
    "+49 (0)15d dddd dddd",
    "0049 40 Zdddddd",
    "0Zdd-Zddddd",
  ],
  fr: ["0Z.dd.dd.dd.dd", "0Z dd dd dd dd", "+33 Z dd dd dd dd", "0Z-dd-dd-dd-dd", "+33 (0)Z dd dd dd dd"],
  es: ["6dd ddd ddd", "9Z ddd dd dd", "+34 6dd dd dd dd", "+34 9Zd ddd ddd", "0034 6dd ddd ddd"],
  it: ["06 dddd dddd", "3dd ddd dddd", "+39 3dd ddd dddd", "02 Zddddddd", "+39 06 Zddddddd"],
  nl: ["06-Zddddddd", "020 ddd dddd", "+31 6 Zddddddd", "+31 (0)20 ddd dddd", "010-ddd dddd"],
  br: ["(1Z) 9dddd-dddd", "(2Z) Zddd-dddd", "+55 1Z 9dddd-dddd", "+55 (2Z) 9dddd-dddd", "1Z 9dddd dddd"],
  fi: ["040 ddd dddd", "050 Zdddddd", "+358 40 Zdddddd", "09 ddd ddd", "+358 50 ddd dddd"],
  se: ["070-ddd dd dd", "08-ddd ddd dd", "+46 70 ddd dd dd", "073 ddd dd dd"],
  no: ["4dd dd ddd", "9dd dd ddd", "+47 4dd dd ddd", "22 dd dd dd"],
  dk: ["Zd dd dd dd", "+45 Zd dd dd dd", "+45 Zddddddd"],
  pl: ["5dd ddd ddd", "+48 5dd ddd ddd", "(22) ddd dd dd", "+48 22 ddd dd dd"],
  ru: ["8 (9dd) ddd-dd-dd", "+7 9dd ddd-dd-dd", "+7 (495) ddd-dd-dd", "8 9dd ddd dd dd"],
  tr: ["05dd ddd dd dd", "+90 5dd ddd dd dd", "0 (5dd) ddd dd dd", "0212 ddd dd dd"],
  in: ["9dddd ddddd", "+91 9dddd ddddd", "+91-9ddddddddd", "0dd-dddddddd", "7dddd-ddddd"],
  jp: ["090-dddd-dddd", "080-dddd-dddd", "03-dddd-dddd", "+81 90-dddd-dddd", "+81 3-dddd-dddd", "06-dddd-dddd"],
  cn: ["13d dddd dddd", "+86 13d dddd dddd", "+86 10 dddd dddd", "15d-dddd-dddd", "021-dddd dddd"],
  kr: ["010-dddd-dddd", "+82 10-dddd-dddd", "02-ddd-dddd", "+82 2-dddd-dddd"],
  mena: [
    "050 ddd dddd",
    "+971 50 ddd dddd",
    "+971 4 ddd dddd",
    "0912 ddd dddd",
    "+98 912 ddd dddd",
    "+20 10 dddd dddd",
    "+966 5d ddd dddd",
  ],
  africa: [
    "080d ddd dddd",
    "+234 80d ddd dddd",
    "07dd dddddd",
    "+254 7dd dddddd",
    "+233 2d ddd dddd",
    "+27 8d ddd dddd",
    "082 ddd dddd",
  ],
};

export function phone(r, region) {
  return shape(r, r.pick(PHONES[region]));
}

const GB_POSTCODES = ["Ld dLL", "Ldd dLL", "LLd dLL", "LLdd dLL", "LdL dLL", "LLdL dLL"];
const LETTERS = "ABCDEFGHJKLMNPRSTUWXY";
function letterShape(r, s) {
  let out = "";
  for (const ch of s) out += ch === "L" ? r.pick(LETTERS) : ch === "d" ? r.int(0, 9) : ch;
  return out;
}

/** Postcode per region, in the national format. */
export function postcode(r, region) {
  switch (region) {
    case "us":
      return shape(r, r.chance(0.8) ? "Zdddd" : "Zdddd-dddd");
    case "gb":
      return letterShape(r, r.pick(GB_POSTCODES));
    case "de":
    case "fr":
    case "es":
    case "it":
    case "fi":
      return shape(r, "Zdddd");
    case "nl":
      return shape(r, "Zddd ") + letterShape(r, "LL");
    case "br":
      return shape(r, "Zdddd-ddd");
    case "se":
      return shape(r, "Zdd dd");
    case "no":
    case "dk":
      return shape(r, "Zddd");
    case "pl":
      return shape(r, "dd-ddd");
    case "ru":
      return shape(r, "Zddddd");
    case "tr":
      return shape(r, "Zdddd");
    case "in":
      return shape(r, "Zddddd");
    case "jp":
      return shape(r, "ddd-dddd");
    case "cn":
      return shape(r, "Zddddd");
    case "kr":
      return shape(r, "Zdddd");
    default:
      return shape(r, "Zdddd");
  }
}

function ORD(d) {
  if (d % 100 >= 11 && d % 100 <= 13) return `${d}th`;
  return d + ({ 1: "st", 2: "nd", 3: "rd" }[d % 10] ?? "th");
}
const US_SUFFIX = ["Street", "St.", "Avenue", "Ave", "Road", "Rd.", "Lane", "Drive", "Dr", "Court", "Blvd", "Way"];
const GB_SUFFIX = ["Road", "Street", "Lane", "Close", "Gardens", "Terrace", "Avenue", "Crescent", "Way"];

/**
 * A street address in the region's format. `full` adds postcode and city (one span, as the
 * labelling guideline says for adjacent parts); `unit` adds an apartment or suite.
 */
export function address(r, region, street, city, full = true) {
  const n = r.int(1, 240);
  const c = city[0];
  switch (region) {
    case "us": {
      const unitNo = () => (r.chance(0.5) ? r.int(1, 40) + r.pick(["A", "B", "C", ""]) : r.int(100, 2400));
      const unit = r.chance(0.35) ? `, ${r.pick(["Apt", "Apt.", "Suite", "Unit", "#"])} ${unitNo()}` : "";
      const houseNo = r.int(10, 9800);
      const dir = r.chance(0.2) ? r.pick(["N.", "S.", "E.", "W."]) + " " : "";
      const line = `${houseNo} ${dir}${street} ${r.pick(US_SUFFIX)}${unit}`;
      return full ? `${line}, ${c}, ${city[1]} ${postcode(r, region)}` : line;
    }
    case "gb": {
      const flat = r.chance(0.25) ? `Flat ${r.int(1, 30)}, ` : "";
      const line = `${flat}${n} ${street} ${r.pick(GB_SUFFIX)}`;
      return full ? `${line}, ${c} ${postcode(r, region)}` : line;
    }
    case "de":
    case "nl":
    case "se":
    case "no":
    case "dk": {
      const line = `${street} ${n}${r.chance(0.2) ? r.pick(["a", "b", "A"]) : ""}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "fi": {
      // Sometimes the flat number first ("14 Koivukatu 9"), usually the stairway and flat after.
      const stair = () => (r.chance(0.4) ? ` ${r.pick(["A", "B", "C"])} ${r.int(1, 40)}` : "");
      const line = r.chance(0.3) ? `${n} ${street} ${r.int(1, 40)}` : `${street} ${n}${stair()}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "fr": {
      const line = `${n}${r.chance(0.15) ? " bis" : ""}${r.chance(0.3) ? "," : ""} ${street}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "es": {
      const line = `${street} ${n}${r.chance(0.4) ? `, ${r.int(1, 9)}º ${r.pick(["A", "B", "C", "D", "izq."])}` : ""}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "it": {
      const line = `${street} ${n}${r.chance(0.15) ? "/" + r.pick(["A", "B"]) : ""}`;
      if (!full) return line;
      const code = postcode(r, region);
      return `${line}, ${code} ${c}${r.chance(0.5) ? ` (${c.slice(0, 2).toUpperCase()})` : ""}`;
    }
    case "br": {
      const line = `${street}, ${n * 7}${r.chance(0.3) ? `, apto ${r.int(11, 1204)}` : ""}`;
      return full ? `${line} - ${c} - ${city[1]}, ${postcode(r, region)}` : line;
    }
    case "pl": {
      const line = `${street} ${n}${r.chance(0.4) ? "/" + r.int(1, 80) : ""}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "ru": {
      const line = `${street}, d. ${n}, kv. ${r.int(1, 200)}`;
      return full ? `${line}, ${c}, ${postcode(r, region)}` : line;
    }
    case "tr": {
      const line = `${street} No: ${n}${r.chance(0.5) ? ` D: ${r.int(1, 30)}` : ""}`;
      return full ? `${line}, ${postcode(r, region)} ${c}` : line;
    }
    case "in": {
      const cross = r.int(1, 12);
      r.next(); // a draw kept so the committed corpus did not shift when the ordinal was fixed
      const line = `${r.pick(["Flat", "House No.", "Plot"])} ${n}, ${ORD(cross)} Cross, ${street}`;
      return full ? `${line}, ${c} ${postcode(r, region)}` : line;
    }
    case "jp": {
      const line = `${r.int(1, 5)}-${r.int(1, 30)}-${r.int(1, 20)} ${street}`;
      return full ? `${line}, ${c} ${postcode(r, region)}` : line;
    }
    case "cn":
    case "kr":
    case "mena":
    case "africa":
    default: {
      const line = `${n} ${street}`;
      return full ? `${line}, ${c}${region === "cn" || region === "kr" ? " " + postcode(r, region) : ""}` : line;
    }
  }
}

export function poBox(r, region, city) {
  switch (region) {
    case "us": {
      const box = `${r.pick(["PO Box", "P.O. Box", "P. O. Box"])} ${r.int(10, 99999)}`;
      return `${box}, ${city[0]}, ${city[1]} ${postcode(r, region)}`;
    }
    case "gb":
      return `PO Box ${r.int(10, 9999)}, ${city[0]} ${postcode(r, region)}`;
    case "de":
      return `Postfach ${r.int(10, 99999)}, ${postcode(r, region)} ${city[0]}`;
    case "fr":
      return `BP ${r.int(10, 999)}, ${postcode(r, region)} ${city[0]}`;
    case "es":
      return `Apartado de Correos ${r.int(10, 9999)}, ${postcode(r, region)} ${city[0]}`;
    case "it":
      return `Casella Postale ${r.int(10, 999)}, ${postcode(r, region)} ${city[0]}`;
    case "nl":
      return `Postbus ${r.int(10, 99999)}, ${postcode(r, region)} ${city[0]}`;
    case "br":
      return `Caixa Postal ${r.int(10, 9999)}, ${city[0]} - ${city[1]}`;
    default:
      return `P.O. Box ${r.int(10, 99999)}, ${city[0]}`;
  }
}

const MONTHS = monthNames();
const MON = MONTHS.map((m) => m.slice(0, 3));
const DAYS = weekdayNames();
const DE_MONTHS = [
  "Januar",
  "Februar",
  "März",
  "April",
  "Mai",
  "Juni",
  "Juli",
  "August",
  "September",
  "Oktober",
  "November",
  "Dezember",
];
const FR_MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];
const ES_MONTHS = [
  "enero",
  "febrero",
  "marzo",
  "abril",
  "mayo",
  "junio",
  "julio",
  "agosto",
  "septiembre",
  "octubre",
  "noviembre",
  "diciembre",
];

/** A calendar date with its weekday, between 1935 and 2029. */
export function calendarDay(r, lo = 1935, hi = 2029) {
  const t = Date.UTC(lo, 0, 1) + Math.floor(r.next() * (Date.UTC(hi, 11, 31) - Date.UTC(lo, 0, 1)));
  const d = new Date(t);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), wd: (d.getUTCDay() + 6) % 7 };
}

/** A date written in one of many notations (all labelled DATE_TIME). */
export function dateText(r, region, day = calendarDay(r)) {
  const { y, m, d, wd } = day;
  const yy = pad(y % 100, 2);
  const forms = [
    () => `${MONTHS[m - 1]} ${d}, ${y}`,
    () => `${d} ${MONTHS[m - 1]} ${y}`,
    () => `${pad(m, 2)}/${pad(d, 2)}/${y}`,
    () => `${m}/${d}/${yy}`,
    () => `${pad(d, 2)}/${pad(m, 2)}/${y}`,
    () => `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    () => `${d}-${MON[m - 1]}-${y}`,
    () => `${MON[m - 1]}-${y}`,
    () => `${d}.${m}.${yy}`,
    () => `${pad(d, 2)}.${pad(m, 2)}.${y}`,
    () => `${pad(m, 2)}/${y}`,
    () => `${DAYS[wd]}, ${d} ${MONTHS[m - 1]} ${y}`,
    () => `${DAYS[wd]}, ${MONTHS[m - 1]} ${d}`,
    () => `${DAYS[wd].slice(0, 3)} ${d} ${MON[m - 1]}`,
    () => `${ORD(d)} of ${MONTHS[m - 1]} ${y}`,
    () => `${MON[m - 1]} ${ORD(d)}`,
    () => `${MONTHS[m - 1]} ${y}`,
    () => `${d} ${MON[m - 1]}. ${y}`,
    () => `${y}/${pad(m, 2)}/${pad(d, 2)}`,
    () => `${y}-${pad(m, 2)}-${pad(d, 2)} ${pad(r.int(7, 19), 2)}:${pad(r.pick([0, 15, 30, 45]), 2)}`,
    () => {
      const time = `${r.int(1, 12)}:${pad(r.pick([0, 15, 30, 45]), 2)}`;
      return `${d} ${MONTHS[m - 1]} at ${time} ${r.pick(["am", "pm", "AM", "PM"])}`;
    },
  ];
  const local = {
    de: [() => `${d}. ${DE_MONTHS[m - 1]} ${y}`, () => `${pad(d, 2)}.${pad(m, 2)}.${y}`],
    fr: [() => `${d === 1 ? "1er" : d} ${FR_MONTHS[m - 1]} ${y}`, () => `${pad(d, 2)}/${pad(m, 2)}/${y}`],
    es: [() => `${d} de ${ES_MONTHS[m - 1]} de ${y}`, () => `${d}/${m}/${y}`],
    jp: [() => `${y}年${m}月${d}日`, () => `${y}/${pad(m, 2)}/${pad(d, 2)}`],
    cn: [() => `${y}年${m}月${d}日`],
    kr: [() => `${y}. ${m}. ${d}.`],
  }[region];
  return (local && r.chance(0.3) ? r.pick(local) : r.pick(forms))();
}

export const luhnValid = (digits) => luhnDigit(digits.slice(0, -1)) === digits.slice(-1);

/** Issuer prefixes (IIN ranges in current use) and the lengths each issues. */
const ISSUERS = [
  { name: "Visa", prefixes: ["4"], lengths: [16, 16, 16, 13, 19] },
  { name: "Mastercard", prefixes: ["51", "52", "53", "54", "55", "2221", "2345", "2599", "2720"], lengths: [16] },
  { name: "Amex", prefixes: ["34", "37"], lengths: [15] },
  { name: "Discover", prefixes: ["6011", "644", "649", "65"], lengths: [16, 19] },
  { name: "Diners", prefixes: ["300", "305", "36", "38", "39"], lengths: [14, 16] },
  { name: "JCB", prefixes: ["3528", "3566", "3589"], lengths: [16, 17, 18, 19] },
  { name: "UnionPay", prefixes: ["62", "6212", "6282"], lengths: [16, 17, 18, 19] },
  {
    name: "Maestro",
    prefixes: ["5018", "5020", "5038", "6304", "6759", "6761", "6763"],
    lengths: [12, 13, 16, 18, 19],
  },
  { name: "Mir", prefixes: ["2200", "2201", "2204"], lengths: [16] },
  { name: "RuPay", prefixes: ["60", "6521", "8172", "508"], lengths: [16] },
  { name: "Troy", prefixes: ["9792"], lengths: [16] },
  { name: "Verve", prefixes: ["506099", "506150", "650002"], lengths: [16, 19] },
  { name: "Elo", prefixes: ["636368", "504175", "451416"], lengths: [16] },
  { name: "Dankort", prefixes: ["5019"], lengths: [16] },
];

/** A Luhn-valid card number of a random issuer, written plain, in groups, or dashed. */
export function card(r) {
  const iss = r.pick(ISSUERS);
  const len = r.pick(iss.lengths);
  let body = r.pick(iss.prefixes);
  while (body.length < len - 1) body += r.int(0, 9);
  const digits = body + luhnDigit(body);
  const style = r.int(0, 9);
  if (style < 3) return { value: digits, issuer: iss.name };
  const sep = style < 8 ? " " : "-";
  let groups;
  if (len === 15) groups = [4, 6, 5];
  else if (len === 14) groups = [4, 6, 4];
  else groups = Array.from({ length: Math.ceil(len / 4) }, (_, i) => Math.min(4, len - i * 4));
  const parts = [];
  let at = 0;
  for (const g of groups) {
    parts.push(digits.slice(at, at + g));
    at += g;
  }
  return { value: parts.join(sep), issuer: iss.name };
}

/** A Luhn-INVALID 16-digit number (an order or reference number, not a card). */
export function notCard(r) {
  let body = String(r.int(1, 9));
  while (body.length < 15) body += r.int(0, 9);
  const good = Number(luhnDigit(body));
  return body + String((good + r.int(1, 9)) % 10);
}

/** IBAN layouts: country, BBAN shape (d digit, A upper letter, c alphanumeric). */
const IBAN_BBAN = {
  DE: "dddddddddddddddddd",
  GB: "AAAAdddddddddddddd",
  FR: "ddddddddddcccccccccccdd",
  ES: "dddddddddddddddddddd",
  IT: "Addddddddddcccccccccccc",
  NL: "AAAAdddddddddd",
  BE: "dddddddddddd",
  CH: "dddddcccccccccccc",
  AT: "dddddddddddddddd",
  PL: "dddddddddddddddddddddddd",
  PT: "ddddddddddddddddddddd",
  SE: "dddddddddddddddddddd",
  FI: "dddddddddddddd",
  NO: "ddddddddddd",
  DK: "dddddddddddddd",
  IE: "AAAAdddddddddddddd",
  TR: "ddddddcccccccccccccccc",
  BR: "dddddddddddddddddddddddAc",
  SA: "ddcccccccccccccccccc",
  AE: "ddddddddddddddddddd",
  IL: "ddddddddddddddddddd",
  GR: "dddddddcccccccccccccccc",
  RO: "AAAAcccccccccccccccc",
  HU: "dddddddddddddddddddddddd",
};
export const IBAN_OF_REGION = {
  gb: "GB",
  de: "DE",
  fr: "FR",
  es: "ES",
  it: "IT",
  nl: "NL",
  br: "BR",
  fi: "FI",
  se: "SE",
  no: "NO",
  dk: "DK",
  pl: "PL",
  tr: "TR",
  mena: "AE",
};

function mod97(s) {
  let rem = 0;
  for (const ch of s) rem = (rem * 10 + Number(ch)) % 97;
  return rem;
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A checksum-valid IBAN (ISO 13616, mod 97), compact or grouped by 4, sometimes lower-case. */
export function iban(r, country = r.pick(Object.keys(IBAN_BBAN))) {
  let bban = "";
  for (const ch of IBAN_BBAN[country]) {
    bban += ch === "d" ? r.int(0, 9) : ch === "A" ? String.fromCharCode(65 + r.int(0, 25)) : r.pick(ALNUM);
  }
  const numeric = (bban + country + "00").replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = pad(98 - mod97(numeric), 2);
  let value = country + check + bban;
  if (r.chance(0.5)) value = value.replace(/(.{4})(?=.)/g, "$1 ");
  if (r.chance(0.15)) value = value.toLowerCase();
  return value;
}

export const ibanValid = (s) => {
  const c = s.replace(/\s+/g, "").toUpperCase();
  const moved = (c.slice(4) + c.slice(0, 4)).replace(/[A-Z]/g, (x) => String(x.charCodeAt(0) - 55));
  return mod97(moved) === 1;
};

/** An ABA routing number: valid Federal Reserve prefix and the 3-7-1 checksum. */
export function aba(r) {
  const prefix = pad(r.pick([r.int(1, 12), r.int(21, 32), r.int(61, 72), 80]), 2);
  let body = prefix;
  while (body.length < 8) body += r.int(0, 9);
  const w = [3, 7, 1, 3, 7, 1, 3, 7];
  const s = [...body].reduce((a, ch, i) => a + Number(ch) * w[i], 0);
  const digits = body + String((10 - (s % 10)) % 10);
  return r.chance(0.3) ? `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits[8]}` : digits;
}

export const abaValid = (s) => {
  const d = s.replace(/-/g, "");
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return d.length === 9 && [...d].reduce((a, ch, i) => a + Number(ch) * w[i], 0) % 10 === 0;
};

/** A US SSN in the issued ranges (area not 000, 666 or 9xx; group and serial not zero). */
export function ssn(r) {
  let area;
  do area = r.int(1, 899);
  while (area === 666);
  const parts = [pad(area, 3), pad(r.int(1, 99), 2), pad(r.int(1, 9999), 4)];
  const style = r.int(0, 9);
  return style < 7 ? parts.join("-") : style < 9 ? parts.join(" ") : parts.join("");
}

export function ipv4(r) {
  return [r.int(1, 223), r.int(0, 255), r.int(0, 255), r.int(1, 254)].join(".");
}

export function ipv6(r) {
  const h = () => r.int(0, 65535).toString(16);
  const style = r.int(0, 5);
  if (style === 0) return "::1";
  if (style === 1) return Array.from({ length: 8 }, h).join(":");
  if (style === 2) return `2001:db8::${h()}:${h()}`;
  if (style === 3) return `fe80::${h()}:${h()}:${h()}:${h()}`;
  if (style === 4) return `2a02:${h()}:${h()}::${h()}`;
  return Array.from({ length: 8 }, () => pad(r.int(0, 65535).toString(16), 4)).join(":");
}

const ASCII_FOLD = {
  ä: "ae",
  ö: "oe",
  ü: "ue",
  ß: "ss",
  ø: "o",
  å: "a",
  æ: "ae",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  ş: "s",
  ğ: "g",
  ç: "c",
  ñ: "n",
};
export function asciiSlug(s) {
  return s
    .toLowerCase()
    .replace(/[äöüßøåæðþłışğçñ]/g, (c) => ASCII_FOLD[c] ?? c)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
}

const MAIL_DOMAINS = [
  "posteo.de",
  "web.de",
  "orange.fr",
  "libero.it",
  "telenet.be",
  "ziggo.nl",
  "uol.com.br",
  "rediffmail.com",
  "naver.com",
  "qq.com",
  "yandex.ru",
  "btinternet.com",
  "outlook.com",
  "proton.me",
  "icloud.com",
  "comcast.net",
  "mail.example.co.uk",
  "student.uni-example.de",
  "firma-example.xn--p1ai",
  "beispiel.xn--6frz82g",
  "shop.xn--80asehdb",
  "kunde.xn--mgbaam7a8h",
  "alumni.example.ac.jp",
  "example.com.au",
  "example.co.il",
];

/** An email address, usually built from a person's name. */
export function email(r, given, surname) {
  const g = asciiSlug(given || "info");
  const s = asciiSlug(surname || "");
  const local = !s
    ? g
    : r.pick([
        `${g}.${s}`,
        `${g[0]}${s}`,
        `${g}_${s}`,
        `${s}${r.int(1, 99)}`,
        `${g}.${s}+${r.pick(["news", "shop", "work"])}`,
        `${g}${s[0] ?? ""}${r.int(70, 99)}`,
      ]);
  return `${local.replace(/\.+/g, ".")}@${r.pick(MAIL_DOMAINS)}`;
}

const URL_HOSTS = [
  "www.example.co.il",
  "shop.example.com.au",
  "blog.example.co.uk",
  "example.org",
  "portal.example.de",
  "files.example.com.br",
  "www.example.co.jp",
  "intranet.example.io",
  "example.net",
  "docs.example.fr",
];
export function url(r, slug) {
  const host = r.pick(URL_HOSTS);
  const path = r.pick([
    `/u/${slug}`,
    `/profile?id=${r.int(1000, 99999)}`,
    `/${slug}/cv.pdf`,
    `/orders/${r.int(100, 9999)}`,
    "",
    "/",
  ]);
  return `${r.pick(["https://", "http://", "https://"])}${host}${path}`;
}
