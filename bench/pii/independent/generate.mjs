#!/usr/bin/env node
// Generates the independent PII evaluation corpus: bench/pii/independent/{dev,test}.jsonl.
// Templates (templates.mjs) x hand-written pools (pools.mjs) x value makers (values.mjs),
// seeded, so `node bench/pii/independent/generate.mjs` rebuilds the same files byte for byte
// (`--check` only compares them with the committed files).
// DEV and TEST use disjoint templates and disjoint name, place and street pools (checked
// below). Nothing here imports the detector (src/shared/pii) or @faker-js/faker.
//
// One line per example: {id, split, template, register, format, region, case, text, spans,
// negatives}. spans: [{start, end, type}] in UTF-16 code units of `text`; negatives: hard
// negatives [{start, end, kind, allow}] where a finding of a type not in `allow` is a false
// positive. For format "json", `text` is the JSON document and offsets point into it.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CITIES,
  COUNTRIES,
  HARD_NEGATIVES,
  NAMES,
  NATIVE_NAMES,
  STREETS,
  WORD_NAME_SURNAMES,
  WORD_NAMES,
} from "./pools.mjs";
import { DEV, TEST } from "./templates.mjs";
import {
  IBAN_OF_REGION,
  aba,
  abaValid,
  address,
  asciiSlug,
  calendarDay,
  card,
  dateText,
  email,
  iban,
  ibanValid,
  ipv4,
  ipv6,
  luhnValid,
  notCard,
  phone,
  poBox,
  rng,
  shape,
  ssn,
  url,
} from "./values.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const PER_SPLIT = 1500;

/** Region: which pools and formats an example draws from (weight = how often). */
const REGIONS = {
  us: { names: "en-US", cities: "en-US", streets: "en-US", weight: 4 },
  gb: { names: "en-GB", cities: "en-GB", streets: "en-GB", weight: 3 },
  de: { names: "de", cities: "de", streets: "de", weight: 2 },
  fr: { names: "fr", cities: "fr", streets: "fr", weight: 2 },
  es: { names: "es", cities: "es", streets: "es", weight: 2 },
  it: { names: "it", cities: "it", streets: "it", weight: 2 },
  nl: { names: "nl", cities: "nl", streets: "nl", weight: 2 },
  br: { names: "pt-BR", cities: "pt-BR", streets: "pt-BR", weight: 2 },
  fi: { names: "nordic", cities: "fi", streets: "fi", weight: 1 },
  se: { names: "nordic", cities: "se", streets: "se", weight: 1 },
  no: { names: "nordic", cities: "no", streets: "no", weight: 1 },
  dk: { names: "nordic", cities: "dk", streets: "dk", weight: 1 },
  pl: { names: "slavic", cities: "pl", streets: "pl", weight: 1 },
  ru: { names: "slavic", cities: "ru", streets: "ru", weight: 1 },
  tr: { names: "tr", cities: "tr", streets: "tr", weight: 1 },
  in: { names: "in", cities: "in", streets: "in", weight: 2 },
  jp: { names: "cjk", cities: "jp", streets: "jp", weight: 1 },
  cn: { names: "cjk", cities: "cn", streets: "cn", weight: 1 },
  kr: { names: "cjk", cities: "kr", streets: "kr", weight: 1 },
  mena: { names: "mena", cities: "mena", streets: "mena", weight: 2 },
  africa: { names: "africa", cities: "africa", streets: "africa", weight: 2 },
};
const REGION_BAG = Object.entries(REGIONS).flatMap(([k, v]) => Array(v.weight).fill(k));

/** Alternate entries: even indices to DEV, odd to TEST. */
const halves = (xs) => ({ dev: xs.filter((_, i) => i % 2 === 0), test: xs.filter((_, i) => i % 2 === 1) });
const key = (x) => (Array.isArray(x) ? x[0] : typeof x === "object" ? x.name : x).toLowerCase();

/** Builds the DEV and TEST pools, dropping from TEST any entry that also appears in DEV. */
function splitPools() {
  const dev = { names: {}, cities: {}, streets: {} };
  const test = { names: {}, cities: {}, streets: {} };
  const devKeys = new Set();
  const take = (xs) => {
    const h = halves(xs);
    h.dev.forEach((x) => devKeys.add(key(x)));
    return h;
  };
  const sets = [];
  for (const [k, v] of Object.entries(NAMES)) {
    const g = take(v.given),
      s = take(v.surname);
    dev.names[k] = { given: g.dev, surname: s.dev };
    test.names[k] = { given: g.test, surname: s.test };
    sets.push(test.names[k].given, test.names[k].surname);
  }
  for (const [k, v] of Object.entries(CITIES)) {
    const h = take(v);
    dev.cities[k] = h.dev;
    test.cities[k] = h.test;
    sets.push(test.cities[k]);
  }
  for (const [k, v] of Object.entries(STREETS)) {
    const h = take(v);
    dev.streets[k] = h.dev;
    test.streets[k] = h.test;
    sets.push(test.streets[k]);
  }
  const lists = [
    ["native", NATIVE_NAMES],
    ["wordNames", WORD_NAMES],
    ["wordSurnames", WORD_NAME_SURNAMES],
    ["countries", COUNTRIES],
  ];
  for (const [name, src] of lists) {
    const h = take(src);
    dev[name] = h.dev;
    test[name] = h.test;
    sets.push(test[name]);
  }
  for (const [k, v] of Object.entries(HARD_NEGATIVES)) {
    // Months are shared: there are only twelve and both splits need them as negatives.
    const h = k === "month" ? { dev: v, test: v } : halves(v);
    dev[k] = h.dev;
    test[k] = h.test;
  }
  // Remove from TEST whatever also occurs in DEV (e.g. "Savannah" as a name and a city).
  for (const s of sets) {
    for (let i = s.length - 1; i >= 0; i--) if (devKeys.has(key(s[i]))) s.splice(i, 1);
  }
  for (const s of sets) {
    for (const x of s) if (devKeys.has(key(x))) throw new Error(`pool overlap: ${key(x)}`);
  }
  return { dev, test };
}

/** Appends text and records labelled spans at the current offset. */
class Writer {
  text = "";
  spans = [];
  negatives = [];
  constructor(caseFn) {
    this.caseFn = caseFn;
  }
  lit(s, raw = false) {
    this.text += raw ? s : this.caseFn(s);
  }
  label(value, type) {
    const v = this.caseFn(value);
    this.spans.push({ start: this.text.length, end: this.text.length + v.length, type });
    this.text += v;
  }
  neg(value, kind, allow) {
    const v = this.caseFn(value);
    this.negatives.push({ start: this.text.length, end: this.text.length + v.length, kind, allow });
    this.text += v;
  }
}

const pad2 = (n) => String(n).padStart(2, "0");
const MON3 = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The per-example context: one region, one main person, values reused when a slot repeats. */
function makeContext(r, P) {
  const region = r.pick(REGION_BAG);
  const reg = REGIONS[region];
  const namePool = (r.chance(0.15) ? REGIONS[r.pick(REGION_BAG)] : reg).names;
  const person = () => {
    const np = P.names[namePool];
    const given = r.pick(np.given);
    const surname = r.pick(np.surname);
    const mid = r.chance(0.08) ? ` ${String.fromCharCode(65 + r.int(0, 25))}.` : "";
    return { given, surname, full: `${given}${mid} ${surname}` };
  };
  const cities = P.cities[reg.cities];
  const city = r.pick(cities);
  const cache = new Map();
  const once = (slot, f) => (cache.has(slot) ? cache.get(slot) : (cache.set(slot, f()), cache.get(slot)));
  const p1 = once("p1", person);
  // A second person never shares the first one's given name or surname.
  let p2 = person();
  while (p2.given === p1.given || p2.surname === p1.surname) p2 = person();
  const street = () => r.pick(P.streets[reg.streets]);
  const wname = () => once("wname", () => ({ given: r.pick(P.wordNames), surname: r.pick(P.wordSurnames) }));
  return {
    region,
    fill(slot) {
      switch (slot) {
        case "NAME":
          return ["PERSON", p1.full];
        case "NAME2":
          return ["PERSON", p2.full];
        case "GIVEN":
          return ["PERSON", p1.given];
        case "GIVEN2":
          return ["PERSON", p2.given];
        case "SURNAME":
          return ["PERSON", p1.surname];
        case "WNAME": {
          const full = () => (r.chance(0.5) ? `${wname().given} ${wname().surname}` : wname().given);
          return ["PERSON", once("WNAME", full)];
        }
        case "WGIVEN":
          return ["PERSON", wname().given];
        case "NATIVE":
          return ["PERSON", once("NATIVE", () => r.pick(P.native).name)];
        case "CITY":
          return ["LOCATION", city[0]];
        case "CITY2":
          return ["LOCATION", once(slot, () => r.pick(cities.filter((c) => c !== city))[0])];
        case "COUNTRY":
          return ["LOCATION", once(slot, () => r.pick(P.countries))];
        case "ADDRESS":
          return ["STREET_ADDRESS", once(slot, () => address(r, region, street(), city, true))];
        case "MLADDRESS":
          return [
            "STREET_ADDRESS",
            once(slot, () => {
              // The same address written over lines, as on an envelope: still one span.
              const a = address(r, region, street(), city, true);
              if (region === "us") return a.replace(/, /, "\n"); // street line / "City, ST 12345"
              if (region === "br") return a.replace(/ - /, "\n");
              return a.replace(/, (?=[^,]*$)/, "\n");
            }),
          ];
        case "STREET":
          return ["STREET_ADDRESS", once(slot, () => address(r, region, street(), city, false))];
        case "POBOX":
          return ["STREET_ADDRESS", once(slot, () => poBox(r, region, city))];
        case "PHONE":
        case "PHONE2":
          return ["PHONE", once(slot, () => phone(r, region))];
        case "DATE":
        case "DATE2":
          return ["DATE_TIME", once(slot, () => dateText(r, region))];
        case "DOB":
          return [
            "DATE_TIME",
            once(slot, () => {
              // A birth date names its year: draw notations until one does.
              for (;;) {
                const day = calendarDay(r, 1935, 2008);
                const v = dateText(r, region, day);
                if (v.includes(String(day.y)) || /\d[./-]\d{1,2}[./-]\d/.test(v)) return v;
              }
            }),
          ];
        case "YEAR":
          return ["DATE_TIME", once(slot, () => String(r.int(1938, 2015)))];
        case "EXP":
          return [
            "DATE_TIME",
            once(slot, () => {
              const month = pad2(r.int(1, 12));
              return `${month}/${r.chance(0.8) ? r.int(25, 33) : r.int(2025, 2033)}`;
            }),
          ];
        case "EMAIL": {
          const native = cache.has("NATIVE") || !p1.given;
          const make = () => (native ? email(r, "user" + r.int(10, 999), "") : email(r, p1.given, p1.surname));
          return ["EMAIL", once(slot, make)];
        }
        case "EMAIL2":
          return ["EMAIL", once(slot, () => email(r, p2.given, p2.surname))];
        case "IBAN":
          return ["IBAN", once(slot, () => iban(r, IBAN_OF_REGION[region]))];
        case "CARD":
          return ["CREDIT_CARD", once(slot, () => card(r).value)];
        case "SSN":
          return ["US_SSN", once(slot, () => ssn(r))];
        case "IP4":
          return ["IP_ADDRESS", once(slot, () => ipv4(r))];
        case "IP6":
          return ["IP_ADDRESS", once(slot, () => ipv6(r))];
        case "URL":
          return ["URL", once(slot, () => url(r, asciiSlug(p1.full).replace(/\./g, "-") || "me"))];
        case "ABA":
          return ["US_BANK_ROUTING", once(slot, () => aba(r))];
        // Hard negatives: [null, value, kind, types tolerated on it].
        case "ORG":
          return [null, once(slot, () => r.pick(P.org)), "org", ["LOCATION"]];
        case "PRODUCT":
          return [null, once(slot, () => r.pick(P.product)), "product", []];
        case "SONG":
          return [null, once(slot, () => r.pick(P.song)), "song", []];
        case "SONG2": {
          const other = () => r.pick(P.song.filter((x) => x !== cache.get("SONG")));
          return [null, once(slot, other), "song", []];
        }
        case "ROLEMAIL":
          return [
            "EMAIL",
            once(slot, () => {
              const role = r.pick(["billing", "support", "hr", "info", "kontakt"]);
              return `${role}@${r.pick(["example.com", "example.org", "example.de"])}`;
            }),
          ];
        case "MONTH":
          return [null, once(slot, () => r.pick(P.month)), "month", ["DATE_TIME"]];
        case "TITLE":
          return [null, once(slot, () => r.pick(P.title)), "title", []];
        // Every candidate is drawn before the pick, so the draw count does not depend on it.
        case "VERSION":
          return [
            null,
            once(slot, () =>
              r.pick([
                `v${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`,
                `${r.int(1, 4)}.${r.int(0, 12)}`,
                `${r.int(1, 3)}.0.0-rc.${r.int(1, 5)}`,
                `build ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(100, 999)}`,
              ]),
            ),
            "version",
            [],
          ];
        case "ORDER":
          return [
            null,
            once(slot, () =>
              r.pick([
                notCard(r),
                shape(r, "ORD-20dd-ddddd"),
                "INC" + shape(r, "00ddddd"),
                shape(r, "A-dddd-ddd"),
                shape(r, "dddddd"),
              ]),
            ),
            "order",
            [],
          ];
        case "BIGNUM":
          return [
            null,
            once(slot, () => r.pick([shape(r, "Z,ddd,ddd"), shape(r, "Zd,ddd"), shape(r, "Zdddd"), shape(r, "Zdd")])),
            "number",
            [],
          ];
        case "REQID":
          return [
            null,
            once(slot, () =>
              r.pick([
                shape(r, "usr_ddddddd"),
                [...Array(12)].map(() => r.pick("0123456789abcdef")).join(""),
                shape(r, "Zdddd"),
              ]),
            ),
            "id",
            [],
          ];
        case "CLOCK":
        case "CLOCK2": {
          const t = `${r.int(8, 20)}:${pad2(r.int(0, 59))}`;
          return [null, t, "log_timestamp", ["DATE_TIME"]];
        }
        case "TS": {
          const d = calendarDay(r, 2023, 2026);
          const t = `${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))}`;
          const ymd = `${d.y}-${pad2(d.m)}-${pad2(d.d)}`;
          const forms = [
            `${ymd}T${t}.${r.int(100, 999)}Z`,
            `${ymd} ${t},${r.int(100, 999)}`,
            `${pad2(d.d)}/${MON3[d.m - 1]}/${d.y}:${t} +0000`,
            t,
          ];
          return [null, r.pick(forms), "log_timestamp", ["DATE_TIME"]];
        }
        default:
          throw new Error(`unknown slot ${slot}`);
      }
    },
  };
}

/** A slot `{NAME}`, or `[[will]]`: template text marked as a hard negative (a name-like word used as a word). */
const SLOT = /\{([A-Z0-9]+)\}|\[\[([^\]]+)\]\]/g;

function fillString(w, tpl, ctx) {
  let at = 0;
  for (const m of tpl.matchAll(SLOT)) {
    w.lit(tpl.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[2]) {
      w.neg(m[2], "word", []);
      continue;
    }
    const [type, value, kind, allow] = ctx.fill(m[1]);
    if (type) w.label(value, type);
    else w.neg(value, kind, allow);
  }
  w.lit(tpl.slice(at));
}

function writeJson(w, node, ctx) {
  if (typeof node === "string") {
    const start = w.text.length;
    w.lit('"', true);
    fillString(w, node, ctx);
    w.lit('"', true);
    const raw = w.text.slice(start);
    if (JSON.stringify(JSON.parse(raw)) !== raw) throw new Error(`value needs escaping: ${raw}`);
  } else if (Array.isArray(node)) {
    w.lit("[", true);
    node.forEach((x, i) => {
      if (i) w.lit(", ", true);
      writeJson(w, x, ctx);
    });
    w.lit("]", true);
  } else if (node && typeof node === "object") {
    w.lit("{", true);
    Object.entries(node).forEach(([k, v], i) => {
      if (i) w.lit(", ", true);
      w.lit(JSON.stringify(k) + ": ", true);
      writeJson(w, v, ctx);
    });
    w.lit("}", true);
  } else w.lit(JSON.stringify(node), true);
}

const CASES = { as_is: (s) => s, lower: (s) => s.toLowerCase(), upper: (s) => s.toUpperCase() };

/** Checks every label against its own rule (checksums, offsets) so a generator bug cannot hide. */
function check(ex) {
  for (const s of ex.spans) {
    const v = ex.text.slice(s.start, s.end);
    if (!v || v !== v.trim()) throw new Error(`${ex.id}: bad span ${JSON.stringify(v)}`);
    if (s.type === "CREDIT_CARD" && !luhnValid(v.replace(/[ -]/g, ""))) throw new Error(`${ex.id}: card ${v}`);
    if (s.type === "IBAN" && !ibanValid(v)) throw new Error(`${ex.id}: iban ${v}`);
    if (s.type === "US_BANK_ROUTING" && !abaValid(v)) throw new Error(`${ex.id}: aba ${v}`);
  }
  const all = [...ex.spans, ...ex.negatives].sort((a, b) => a.start - b.start);
  for (let i = 1; i < all.length; i++) {
    if (all[i].start < all[i - 1].end) throw new Error(`${ex.id}: overlapping spans`);
  }
  if (ex.format === "json") JSON.parse(ex.text);
}

export function generate(split, templates, pools, seed, n = PER_SPLIT) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const tpl = templates[i % templates.length];
    const ctx = makeContext(r, pools);
    const c = r.chance(0.07) ? "lower" : r.chance(0.06) ? "upper" : "as_is";
    const w = new Writer(CASES[c]);
    if (tpl.json) writeJson(w, tpl.json, ctx);
    else fillString(w, tpl.t, ctx);
    const ex = {
      id: `${split}-${String(i).padStart(4, "0")}`,
      split,
      template: tpl.id,
      register: tpl.reg,
      format: tpl.json ? "json" : "text",
      region: ctx.region,
      case: c,
      text: w.text,
      spans: w.spans,
      negatives: w.negatives,
    };
    check(ex);
    out.push(ex);
  }
  return out;
}

function main() {
  const ids = new Set(DEV.map((t) => t.id));
  const devTexts = new Set(DEV.map((t) => t.t ?? JSON.stringify(t.json)));
  for (const t of TEST) {
    if (ids.has(t.id) || devTexts.has(t.t ?? JSON.stringify(t.json))) throw new Error(`template shared: ${t.id}`);
  }
  const { dev, test } = splitPools();
  const checkOnly = process.argv.includes("--check");
  for (const [split, tpls, pools, seed] of [
    ["dev", DEV, dev, 0xd3f],
    ["test", TEST, test, 0x7e57],
  ]) {
    const rows = generate(split, tpls, pools, seed);
    const file = join(here, `${split}.jsonl`);
    const body = rows.map((x) => JSON.stringify(x)).join("\n") + "\n";
    if (checkOnly) {
      if (readFileSync(file, "utf8") !== body) throw new Error(`${file} differs from what generate.mjs makes`);
    } else writeFileSync(file, body);
    const spans = rows.reduce((a, x) => a + x.spans.length, 0);
    const negs = rows.reduce((a, x) => a + x.negatives.length, 0);
    console.log(
      `${split}: ${rows.length} examples, ${spans} labelled spans, ${negs} hard-negative spans, ` +
        `${tpls.length} templates`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
