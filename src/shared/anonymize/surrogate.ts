/**
 * Realistic fake values for the surrogate operator, from a small bundled generator
 * (the gazetteer's names and cities, reserved domains and number ranges) seeded by an
 * HMAC of the original value: the same input always gets the same fake within a tenant,
 * and different tenants get different fakes. @faker-js/faker is far too big for a Worker.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import {
  abaCheckDigit,
  base58CheckEncode,
  bech32Encode,
  BECH32_CONST,
  ibanCheckDigits,
  luhnCheckDigit,
} from "../pii/checksums";
import { CITIES, FIRST_NAMES, SURNAMES } from "../pii/gazetteer-data";
import { STREET_SUFFIXES } from "../pii/lexicon";
import { parseDate } from "./dates";

/** sfc32: a small, fast, well-distributed PRNG over a 128-bit seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: Uint8Array) {
    const v = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    this.a = v.getUint32(0);
    this.b = v.getUint32(4);
    this.c = v.getUint32(8);
    this.d = v.getUint32(12);
    for (let i = 0; i < 12; i++) this.next();
  }
  next(): number {
    this.a |= 0;
    this.b |= 0;
    this.c |= 0;
    this.d |= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

let lists: { first: string[]; last: string[]; cities: string[] } | undefined;
const words = () => (lists ??= { first: FIRST_NAMES.split("|"), last: SURNAMES.split("|"), cities: CITIES.split("|") });

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";

/** Same shape: digits stay digits, letters stay letters of the same case, the rest is kept. */
export function reshape(value: string, rng: Rng, keepPrefix = 0): string {
  let out = value.slice(0, keepPrefix);
  for (const ch of value.slice(keepPrefix)) {
    if (/\d/.test(ch)) out += String(rng.int(0, 9));
    else if (/[A-Z]/.test(ch)) out += rng.pick([...UPPER]);
    else if (/[a-z]/.test(ch)) out += rng.pick([...LOWER]);
    else out += ch;
  }
  return out;
}

/** Puts new digits into the digit positions of a formatted original ("4111 1111..."). */
function refill(original: string, digits: string): string {
  let k = 0;
  return original.replace(/\d/g, () => digits[k++] ?? "0");
}

const fakeName = (rng: Rng) => `${rng.pick(words().first)} ${rng.pick(words().last)}`;

function fakeDate(value: string, rng: Rng): string {
  const p = parseDate(value);
  const y = rng.int(1950, 2005);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  return p ? p.rebuild(y, m, d) : `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function fakeCard(value: string, rng: Rng): string {
  const n = value.replace(/\D/g, "").length;
  const body = value.replace(/\D/g, "")[0] + rng.digits(n - 2);
  return refill(value, body + luhnCheckDigit(body));
}

function fakeSsn(value: string, rng: Rng): string {
  let area: number;
  do area = rng.int(1, 899);
  while (area === 666);
  const digits =
    String(area).padStart(3, "0") + String(rng.int(1, 99)).padStart(2, "0") + String(rng.int(1, 9999)).padStart(4, "0");
  return refill(value, digits);
}

function fakeIban(value: string, rng: Rng): string {
  const compact = value.replace(/[\s-]/g, "").toUpperCase();
  const country = compact.slice(0, 2);
  const bban = reshape(compact.slice(4), rng);
  const fake = country + ibanCheckDigits(country, bban) + bban;
  let k = 0;
  return value.replace(/[A-Za-z0-9]/g, () => fake[k++]);
}

function fakeCrypto(value: string, rng: Rng): string {
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 255));
  if (value.startsWith("0x")) return "0x" + bytesToHex(bytes(20));
  if (/^(?:bc|tb)1/i.test(value)) {
    const words = [0, ...Array.from({ length: 32 }, () => rng.int(0, 31))];
    return bech32Encode(value.slice(0, 2).toLowerCase(), words, BECH32_CONST);
  }
  return base58CheckEncode(value.startsWith("3") ? 5 : 0, bytes(20));
}

function fakePhone(value: string, rng: Rng): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length === 10 || (digits.length === 11 && digits[0] === "1")) {
    // North American: a real-looking area code and the 555-01xx range reserved for fiction.
    const prefix = digits.length === 11 ? "1" : "";
    return refill(value, prefix + String(rng.int(201, 989)) + "55501" + rng.digits(2));
  }
  const keep = value.trim().startsWith("+") ? Math.min(3, digits.length - 4) : 0;
  return refill(value, digits.slice(0, keep) + rng.digits(digits.length - keep));
}

/**
 * A fake value of the same type (and, where it matters, the same format) as `value`.
 * `rng` is seeded from the tenant HMAC of the value, which makes the result consistent.
 */
export function surrogate(type: string, value: string, rng: Rng): string {
  switch (type) {
    case "PERSON":
      return fakeName(rng);
    case "EMAIL": {
      const [f, l] = [rng.pick(words().first), rng.pick(words().last)];
      return `${f}.${l}${rng.int(1, 99)}@${rng.pick(["example.com", "example.org", "example.net"])}`.toLowerCase();
    }
    case "PHONE":
      return fakePhone(value, rng);
    case "CREDIT_CARD":
      return fakeCard(value, rng);
    case "US_SSN":
      return fakeSsn(value, rng);
    case "IBAN":
      return fakeIban(value, rng);
    case "IP_ADDRESS":
      // Documentation ranges (RFC 5737, RFC 3849): never someone's real address.
      return value.includes(":")
        ? `2001:db8::${rng.int(1, 0xffff).toString(16)}:${rng.int(1, 0xffff).toString(16)}`
        : `${rng.pick(["192.0.2", "198.51.100", "203.0.113"])}.${rng.int(1, 254)}`;
    case "URL":
      return `https://${rng.pick(["example.com", "example.org", "example.net"])}/${reshape(value.replace(/^[a-z]+:\/\/[^/]+\/?/i, "").slice(0, 24) || "page", rng)}`;
    case "MAC_ADDRESS": {
      // Locally administered unicast (02:...), in the original separator style.
      const sep = value.includes("-") ? "-" : ":";
      return ["02", ...Array.from({ length: 5 }, () => rng.int(0, 255).toString(16).padStart(2, "0"))].join(sep);
    }
    case "DATE_TIME":
    case "DATE_OF_BIRTH":
      return fakeDate(value, rng);
    case "US_BANK_ROUTING": {
      const first8 = String(rng.int(1, 12)).padStart(2, "0") + rng.digits(6);
      return first8 + abaCheckDigit(first8);
    }
    case "CRYPTO":
      return fakeCrypto(value, rng);
    case "LOCATION":
      return rng.pick(words().cities);
    case "STREET_ADDRESS":
      return `${rng.int(1, 9999)} ${rng.pick(words().last)} ${rng.pick(STREET_SUFFIXES.filter((s) => s.length > 3))}`;
    case "AGE":
      return String(rng.int(18, 90));
    case "ZIP_CODE":
      return refill(value, rng.digits(value.replace(/\D/g, "").length));
    case "SECRETS": {
      // Keep a recognisable vendor prefix ("ghp_", "AKIA", "sk-") so the text still reads right.
      const prefix = /^(?:[a-z]{2,6}[_-](?:live_|test_|proj-)?|AKIA|AIza|eyJ)/.exec(value)?.[0].length ?? 0;
      return reshape(value, rng, prefix);
    }
    default:
      return reshape(value, rng);
  }
}
