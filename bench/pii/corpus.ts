/**
 * A labelled PII corpus for measuring the detector: sentences and JSON records built with
 * @faker-js/faker under a fixed seed, every planted value labelled with its entity type and
 * span, plus look-alikes that must NOT be reported (order numbers that fail Luhn, invalid
 * SSNs, IBANs with a bad checksum, random-character "bitcoin addresses", version numbers,
 * ISBNs, ordinary capitalised words). Checksummed values (BTC, bech32, routing numbers) are
 * built here with the reference algorithms, independently of the detector's code.
 */
import { allLocales, Faker, en, base } from "@faker-js/faker";
import { sha256 } from "@noble/hashes/sha2.js";
import { monthNames } from "../../scripts/lib/calendar.mjs";

const MONTHS = monthNames();

export interface Label {
  type: string;
  start: number;
  end: number;
  /** JSON path of the string for record items. */
  path?: string;
  /** "oov" for names from non-English locales (mostly outside the gazetteer). */
  note?: string;
}

export interface CorpusItem {
  kind: "text" | "json";
  text?: string;
  data?: Record<string, unknown>;
  labels: Label[];
}

type Part = string | { type: string; value: string; note?: string };

/** Joins parts into a text and the labels of the typed parts. */
function compose(parts: Part[]): { text: string; labels: Label[] } {
  let text = "";
  const labels: Label[] = [];
  for (const p of parts) {
    if (typeof p === "string") text += p;
    else {
      labels.push({
        type: p.type,
        start: text.length,
        end: text.length + p.value.length,
        ...(p.note ? { note: p.note } : {}),
      });
      text += p.value;
    }
  }
  return { text, labels };
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function b58check(version: number, payload: Uint8Array): string {
  const body = new Uint8Array([version, ...payload]);
  const full = new Uint8Array([...body, ...sha256(sha256(body)).subarray(0, 4)]);
  let n = 0n;
  for (const b of full) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of full) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
function polymod(values: number[]): number {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= G[i];
  }
  return chk >>> 0;
}
function segwit(version: number, program: Uint8Array): string {
  const words: number[] = [version];
  let acc = 0;
  let bits = 0;
  for (const b of program) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      words.push((acc >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits) words.push((acc << (5 - bits)) & 31);
  const hrp = "bc";
  const exp = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
  const mod = polymod([...exp, ...words, 0, 0, 0, 0, 0, 0]) ^ (version === 0 ? 1 : 0x2bc830a3);
  const check = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return hrp + "1" + [...words, ...check].map((w) => CHARSET[w]).join("");
}

function luhnOk(d: string): boolean {
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    let x = Number(d[d.length - 1 - i]);
    if (i % 2) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    s += x;
  }
  return s % 10 === 0;
}

function b64url(s: string): string {
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Builds the corpus; the same seed always gives the same items. */
export function buildCorpus(seed = 20240601, size = 600): CorpusItem[] {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const oovLocales = ["de", "fr", "es", "it", "pl", "nl"].map(
    (l) => new Faker({ locale: [allLocales[l as keyof typeof allLocales], en, base] }),
  );
  oovLocales.forEach((x, i) => x.seed(seed + i + 1));
  const pick = <T>(xs: readonly T[]) => f.helpers.arrayElement(xs);
  const digits = (n: number) => f.string.numeric({ length: n, allowLeadingZeros: true });
  const alnum = (n: number) => f.string.alphanumeric({ length: n, casing: "mixed" });

  // --- value generators, one per entity type ------------------------------------------
  const person = (): Part => {
    if (f.number.float() < 0.25) {
      const loc = pick(oovLocales);
      return { type: "PERSON", value: `${loc.person.firstName()} ${loc.person.lastName()}`, note: "oov" };
    }
    return {
      type: "PERSON",
      value:
        f.helpers.maybe(() => `${f.person.firstName()} ${f.person.lastName()}`, { probability: 0.85 }) ??
        f.person.fullName(),
    };
  };
  const email = (): Part => ({ type: "EMAIL", value: f.internet.email() });
  const phone = (): Part => {
    const r = f.number.float();
    if (r < 0.6) return { type: "PHONE", value: f.phone.number({ style: pick(["human", "national"] as const) }) };
    const fmt = pick([
      "+44 20 #### ####",
      "+49 30 ########",
      "+33 1 ## ## ## ##",
      "+91 98### #####",
      "+81 3-####-####",
      "+61 2 #### ####",
      "+1 415 ### ####",
      "+34 91 ### ## ##",
    ]);
    return { type: "PHONE", value: f.helpers.replaceSymbols(fmt) };
  };
  const card = (): Part => {
    const v = f.finance.creditCardNumber({ issuer: pick(["visa", "mastercard", "amex", "discover", "jcb"]) });
    return { type: "CREDIT_CARD", value: f.number.float() < 0.3 ? v.replace(/-/g, " ") : v };
  };
  const ssnValue = () => {
    let area: number;
    do area = f.number.int({ min: 1, max: 899 });
    while (area === 666);
    return `${String(area).padStart(3, "0")}-${String(f.number.int({ min: 1, max: 99 })).padStart(2, "0")}-${String(f.number.int({ min: 1, max: 9999 })).padStart(4, "0")}`;
  };
  const ssn = (): Part => ({ type: "US_SSN", value: ssnValue() });
  const iban = (): Part => ({ type: "IBAN", value: f.finance.iban({ formatted: f.datatype.boolean() }) });
  const ip = (): Part => ({
    type: "IP_ADDRESS",
    value: f.datatype.boolean({ probability: 0.6 }) ? f.internet.ipv4() : f.internet.ipv6(),
  });
  const urlV = (): Part => ({
    type: "URL",
    value: f.helpers.maybe(() => `${f.internet.url()}/${f.lorem.slug(2)}`, { probability: 0.5 }) ?? f.internet.url(),
  });
  const macV = (): Part => ({ type: "MAC_ADDRESS", value: f.internet.mac(pick([":", "-"])) });
  const fmtDate = (d: Date, style: number) => {
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    switch (style) {
      case 0:
        return d.toISOString().slice(0, 10);
      case 1:
        return `${String(m).padStart(2, "0")}/${String(day).padStart(2, "0")}/${y}`;
      case 2:
        return `${MONTHS[m - 1]} ${day}, ${y}`;
      case 3:
        return `${day} ${MONTHS[m - 1]} ${y}`;
      default:
        return d.toISOString().slice(0, 19) + "Z";
    }
  };
  const dateTime = (): Part => ({
    type: "DATE_TIME",
    value: fmtDate(f.date.past({ years: 5 }), f.number.int({ min: 0, max: 4 })),
  });
  const dob = (): Part => ({
    type: "DATE_OF_BIRTH",
    value: fmtDate(f.date.birthdate(), f.number.int({ min: 0, max: 3 })),
  });
  const routing = (): Part => ({ type: "US_BANK_ROUTING", value: f.finance.routingNumber() });
  const passport = (): Part => ({
    type: "US_PASSPORT",
    value: f.datatype.boolean()
      ? digits(9).replace(/^0/, "5")
      : f.string.alpha({ length: 1, casing: "upper" }) + digits(8),
  });
  const license = (): Part => {
    const L = () => f.string.alpha({ length: 1, casing: "upper" });
    const v = pick([
      () => L() + digits(7), // CA
      () => L() + digits(12), // FL, MI
      () => `${L()}${digits(3)}-${digits(3)}-${digits(2)}-${digits(3)}-${digits(1)}`, // FL dashed
      () => `${L()}${digits(3)}-${digits(4)}-${digits(4)}`, // IL dashed
      () => digits(8), // TX, PA
      () => L() + L() + digits(6), // OH
    ])();
    return { type: "US_DRIVER_LICENSE", value: v };
  };
  const cryptoV = (): Part => {
    const r = f.number.int({ min: 0, max: 3 });
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => f.number.int({ min: 0, max: 255 }));
    const value =
      r === 0
        ? b58check(0, bytes(20))
        : r === 1
          ? b58check(5, bytes(20))
          : r === 2
            ? segwit(0, bytes(20))
            : f.finance.ethereumAddress();
    return { type: "CRYPTO", value };
  };
  const location = (): Part => ({
    type: "LOCATION",
    value: pick([() => f.location.city(), () => f.location.country(), () => f.location.state()])(),
  });
  const street = (): Part => {
    const base = f.location.streetAddress(f.datatype.boolean());
    const full = f.helpers.maybe(
      () => `${base}, ${f.location.city()}, ${f.location.state({ abbreviated: true })} ${f.location.zipCode("#####")}`,
      { probability: 0.4 },
    );
    return { type: "STREET_ADDRESS", value: full ?? base };
  };
  const secret = (): { parts: Part[] } => {
    const kind = f.number.int({ min: 0, max: 11 });
    const s = (value: string): Part => ({ type: "SECRETS", value });
    switch (kind) {
      case 0:
        return { parts: ["aws key ", s("AKIA" + f.string.alphanumeric({ length: 16, casing: "upper" }))] };
      case 1:
        return { parts: ["token ", s("ghp_" + alnum(36))] };
      case 2:
        return { parts: ["use ", s("glpat-" + f.string.alphanumeric(20))] };
      case 3:
        return { parts: ["slack bot ", s(`xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`)] };
      case 4:
        return { parts: ["stripe ", s("sk_live_" + alnum(24))] };
      case 5:
        return { parts: ["OPENAI_API_KEY=", s("sk-proj-" + alnum(48))] };
      case 6:
        return { parts: ["maps key ", s("AIza" + f.string.alphanumeric(35))] };
      case 7: {
        const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: digits(8), name: f.person.firstName() }))}.${f.string.alphanumeric(43)}`;
        return { parts: ["Authorization: Bearer ", s(jwt)] };
      }
      case 8: {
        const body = Array.from({ length: 4 }, () => f.string.alphanumeric(64)).join("\n");
        return { parts: ["key:\n", s(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`)] };
      }
      case 9: {
        const prefix = pick(["password=", "db_password: ", "PASSWORD = ", 'pwd="']);
        return {
          parts: [
            prefix,
            s(f.internet.password({ length: 12 }).replace(/["'\s,;&)}\]\\]/g, "x")),
            prefix.endsWith('"') ? '"' : "",
          ],
        };
      }
      case 10:
        return { parts: ["aws_secret_access_key = ", s(f.string.alphanumeric({ length: 40, casing: "mixed" }))] };
      default:
        return { parts: ['"api_key": "', s(alnum(32)), '"'] };
    }
  };
  const age = (): Part => ({ type: "AGE", value: String(f.number.int({ min: 18, max: 95 })) });
  const zip = (): Part => ({ type: "ZIP_CODE", value: f.location.zipCode("#####") });

  // --- sentence templates ---------------------------------------------------------------
  const sentences: (() => Part[])[] = [
    () => ["Please contact ", person(), " at ", email(), " for details."],
    () => ["You can reach ", person(), " on ", phone(), " after lunch."],
    () => ["Customer ", person(), " paid with card ", card(), " yesterday."],
    () => ["Her SSN is ", ssn(), " according to the form."],
    () => ["Wire the refund to IBAN ", iban(), " before the end of the week."],
    () => ["The request came from IP ", ip(), " and was blocked."],
    () => ["Documentation lives at ", urlV(), " for everyone."],
    () => ["The device with MAC ", macV(), " joined the network."],
    () => ["The meeting was moved to ", dateTime(), " by the organizer."],
    () => ["He was born on ", dob(), " in a small town."],
    () => ["Use routing number ", routing(), " for the transfer."],
    () => ["The passport number is ", passport(), " and it expires soon."],
    () => ["Driver's license ", license(), " was scanned at the desk."],
    () => ["Send the payment to wallet ", cryptoV(), " today."],
    () => ["We moved to ", location(), " last spring."],
    () => ["Ship the parcel to ", street(), " please."],
    () => secret().parts.concat([" was committed to the repo by mistake."]),
    () => ["The patient is ", age(), " years old and feels fine."],
    () => ["Mail it to zip code ", zip(), " in the morning."],
    () => ["Dear ", person(), ", your order has shipped to ", street(), "."],
    () => ["Call ", phone(), " or write to ", email(), " if anything changes."],
    () => [person(), " and ", person(), " met in ", location(), " on ", dateTime(), "."],
    () => ["Invoice for ", person(), ": card ", card(), ", billing address ", street(), "."],
    () => ["Employee ", person(), " (SSN ", ssn(), ", DOB ", dob(), ") started on ", dateTime(), "."],
    () => ["Server ", ip(), " rejected a login with ", ...secret().parts, "."],
    () => ["Mr. ", person(), " lives in ", location(), " and works remotely."],
  ];

  // Look-alikes that must not be reported, and text without any PII.
  const negatives: (() => string)[] = [
    () => {
      let d: string;
      do d = "4" + digits(15);
      while (luhnOk(d));
      return `Order #${d} shipped on time.`;
    },
    () => `Tracking number ${digits(16).replace(/^0/, "7")} is in transit and order ${digits(12)} is pending.`,
    () =>
      `Reference ${pick(["000", "666", "912"])}-${digits(2).replace(/^00$/, "12")}-${digits(4).replace(/^0000$/, "1234")} is not a valid identifier.`,
    () =>
      `The IBAN GB${String(f.number.int({ min: 10, max: 96 })).padStart(2, "0")}WEST${digits(14)} failed validation.`,
    () => `Random bitcoin-looking string ${f.finance.bitcoinAddress()} failed its checksum.`,
    () => `Upgrade to version ${f.number.int(9)}.${f.number.int(20)}.${f.number.int(30)} before Friday.`,
    () => `ISBN 978-${digits(1)}-${digits(2)}-${digits(6)}-${digits(1)} is out of print.`,
    () => `The Quarterly Report was approved by the Board and the Finance Committee.`,
    () =>
      `Total: $${f.number.int({ min: 10, max: 9999 })}.${digits(2)} for ${f.number.int({ min: 2, max: 40 })} items at ${f.number.int(99)}% discount.`,
    () => `Commit ${f.git.commitSha()} fixed the build on the Main Branch.`,
    () => `${f.company.catchPhrase()}. ${f.hacker.phrase()}`,
    () =>
      `The ratio was ${f.number.int(50)}:${f.number.int(50)} and the score ${f.number.int(10)}-${f.number.int(10)}.`,
    () =>
      `Product SKU ${f.string.alpha({ length: 3, casing: "upper" })}-${digits(5)} costs ${f.number.int(500)} dollars.`,
  ];

  // The same values with no helpful context word: what a bare value scores on its own.
  const bareValues: (() => Part)[] = [
    person,
    email,
    phone,
    card,
    ssn,
    iban,
    ip,
    urlV,
    macV,
    dateTime,
    routing,
    passport,
    license,
    cryptoV,
    location,
    street,
  ];
  const bareFrames: [string, string][] = [
    ["I noted ", " in the log."],
    ["", " appeared twice."],
    ["See: ", ""],
    ["Value ", " (copied)."],
  ];

  const items: CorpusItem[] = [];
  const nBare = Math.round(size * 0.1);
  for (let i = 0; i < nBare; i++) {
    const v = bareValues[i % bareValues.length]();
    const [pre, post] = bareFrames[i % bareFrames.length];
    const { text, labels } = compose([pre, v, post]);
    items.push({ kind: "text", text, labels: labels.map((l) => ({ ...l, note: l.note ?? "bare" })) });
  }
  const nText = Math.round(size * 0.5);
  const nNeg = Math.round(size * 0.15);
  for (let i = 0; i < nText; i++) {
    const parts = sentences[i % sentences.length]();
    // Some items join two sentences, with non-ASCII filler to exercise UTF-16 offsets.
    if (i % 7 === 3) parts.unshift(pick(["Résumé reçu — ", "Übersicht: ", "注意：", "Ça va? 😀 "]));
    items.push({ kind: "text", ...compose(parts) });
  }
  for (let i = 0; i < nNeg; i++) items.push({ kind: "text", text: negatives[i % negatives.length](), labels: [] });

  // --- JSON records ------------------------------------------------------------------------
  const nJson = size - nBare - nText - nNeg;
  for (let i = 0; i < nJson; i++) {
    const labels: Label[] = [];
    const data: Record<string, unknown> = {};
    const put = (key: string, part: Part | Part[]) => {
      const parts = Array.isArray(part) ? part : [part];
      const { text, labels: ls } = compose(parts);
      data[key] = text;
      for (const l of ls) labels.push({ ...l, path: `$.${key}` });
    };
    data.id = f.string.uuid();
    const p = person();
    put(pick(["name", "full_name", "customerName"]), p);
    if (f.datatype.boolean()) put("email", email());
    if (f.datatype.boolean()) put("phone", phone());
    if (f.datatype.boolean({ probability: 0.3 })) put("ssn", ssn());
    if (f.datatype.boolean({ probability: 0.3 })) put("dob", dob());
    if (f.datatype.boolean({ probability: 0.4 })) put("address", street());
    if (f.datatype.boolean({ probability: 0.3 })) put("city", { type: "LOCATION", value: f.location.city() });
    if (f.datatype.boolean({ probability: 0.2 })) put("card_number", card());
    if (f.datatype.boolean({ probability: 0.2 })) put("ip", ip());
    if (f.datatype.boolean({ probability: 0.15 }))
      put("password", { type: "SECRETS", value: f.internet.password({ length: 14 }) });
    if (f.datatype.boolean({ probability: 0.15 })) put("routing_number", routing());
    data.status = pick(["active", "pending", "closed"]);
    data.count = f.number.int(100);
    if (f.datatype.boolean({ probability: 0.5 }))
      put("created_at", { type: "DATE_TIME", value: f.date.recent().toISOString() });
    if (f.datatype.boolean({ probability: 0.5 })) put("note", sentences[f.number.int(sentences.length - 1)]());
    items.push({ kind: "json", data, labels });
  }
  return items;
}
