/**
 * Format-preserving encryption (NIST SP 800-38G FF1, from @noble/ciphers) under the
 * tenant's FPE key, type-aware so the result still has the shape of its type:
 * - CREDIT_CARD: the first digit is kept, the middle digits encrypted, the Luhn check
 *   digit recomputed: a 16-digit card stays a 16-digit number that passes Luhn.
 * - US_SSN: nine digits, cycle-walked until the result is a structurally valid SSN.
 * - US_BANK_ROUTING: district prefix kept, six digits encrypted, ABA check digit recomputed.
 * - PHONE: country code and the first national digits kept, the rest encrypted (NANP
 *   exchanges cycle-walked to stay 2-9).
 * - IBAN: country kept, BBAN encrypted (digits, or base 36 when it has letters), check digits recomputed.
 * - US_PASSPORT, US_DRIVER_LICENSE: the digits encrypted, letters kept.
 * Separators and letters stay where they were. The tweak is the entity type, so a value
 * decrypts only as the type it was encrypted as. Domains below 10^6 are refused (NIST's
 * minimum), so short values fall back to another operator.
 */
import { FF1 } from "@noble/ciphers/ff1.js";
import { abaCheckDigit, ibanCheckDigits, luhnCheckDigit } from "../pii/checksums";

export const FPE_TYPES = new Set([
  "CREDIT_CARD",
  "US_SSN",
  "US_BANK_ROUTING",
  "PHONE",
  "IBAN",
  "US_PASSPORT",
  "US_DRIVER_LICENSE",
]);

/** A value whose shape FPE cannot keep (too few digits, not a valid SSN...). */
export class FpeUnsupported extends Error {}

const MIN_DIGITS = 6;
const MAX_CYCLES = 1000;
const encoder = new TextEncoder();

type Cipher = { encrypt(x: number[]): number[]; decrypt(x: number[]): number[] };
const ciphers = new WeakMap<Uint8Array, Map<string, Cipher>>();

function cipher(key: Uint8Array, radix: number, type: string): Cipher {
  let byKey = ciphers.get(key);
  if (!byKey) ciphers.set(key, (byKey = new Map()));
  const id = `${radix}:${type}`;
  let c = byKey.get(id);
  if (!c) byKey.set(id, (c = FF1(radix, key, encoder.encode(`pii-fpe|${type}`))));
  return c;
}

const ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const toNums = (s: string, alphabet = "0123456789") => [...s].map((c) => alphabet.indexOf(c));
const fromNums = (xs: number[], alphabet = "0123456789") => xs.map((x) => alphabet[x]).join("");

function run(
  key: Uint8Array,
  type: string,
  digits: string,
  decrypt: boolean,
  alphabet = "0123456789",
  accept?: (s: string) => boolean,
): string {
  if (digits.length < 2) throw new FpeUnsupported("too short");
  const c = cipher(key, alphabet.length, type);
  let x = digits;
  for (let i = 0; i < MAX_CYCLES; i++) {
    x = fromNums(decrypt ? c.decrypt(toNums(x, alphabet)) : c.encrypt(toNums(x, alphabet)), alphabet);
    if (!accept || accept(x)) return x;
  }
  throw new FpeUnsupported("cycle walk did not converge");
}

/** Writes `chars` back into the positions of `original` that `slot` selects. */
function refill(original: string, slot: RegExp, chars: string): string {
  let k = 0;
  return original.replace(slot, () => chars[k++]);
}

const ssnValid = (d: string) => {
  const area = Number(d.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== "00" && d.slice(5) !== "0000";
};

/** Encrypts (or with `decrypt`, decrypts) a detected value, keeping its format. */
export function fpe(key: Uint8Array, type: string, value: string, decrypt = false): string {
  const digits = value.replace(/\D/g, "");
  switch (type) {
    case "CREDIT_CARD": {
      if (digits.length < 12) throw new FpeUnsupported("not a card number");
      const middle = run(key, type, digits.slice(1, -1), decrypt);
      const body = digits[0] + middle;
      return refill(value, /\d/g, body + luhnCheckDigit(body));
    }
    case "US_SSN": {
      if (digits.length !== 9 || !ssnValid(digits)) throw new FpeUnsupported("not a valid SSN");
      return refill(value, /\d/g, run(key, type, digits, decrypt, undefined, ssnValid));
    }
    case "US_BANK_ROUTING": {
      if (digits.length !== 9) throw new FpeUnsupported("not a routing number");
      const first8 = digits.slice(0, 2) + run(key, type, digits.slice(2, 8), decrypt);
      return refill(value, /\d/g, first8 + abaCheckDigit(first8));
    }
    case "PHONE": {
      const nanp = !value.trim().startsWith("+") || (digits.length === 11 && digits[0] === "1");
      let keep: number;
      if (nanp) keep = (digits.length === 11 ? 1 : 0) + 3;
      else keep = Math.min(digits.length - MIN_DIGITS, 4);
      if (digits.length - keep < MIN_DIGITS) throw new FpeUnsupported("too few digits");
      // NANP exchange codes start with 2-9; walk the cycle until they do.
      const accept = nanp && digits.length - keep === 7 ? (s: string) => s[0] >= "2" : undefined;
      return refill(
        value,
        /\d/g,
        digits.slice(0, keep) + run(key, type, digits.slice(keep), decrypt, undefined, accept),
      );
    }
    case "IBAN": {
      const compact = value.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
      const country = compact.slice(0, 2);
      const bban = compact.slice(4);
      const numeric = /^\d+$/.test(bban);
      const out = numeric ? run(key, type, bban, decrypt) : run(key, `${type}36`, bban, decrypt, ALNUM36);
      return refill(value, /[A-Za-z0-9]/g, country + ibanCheckDigits(country, out) + out);
    }
    default: {
      if (digits.length < MIN_DIGITS) throw new FpeUnsupported("too few digits");
      return refill(value, /\d/g, run(key, type, digits, decrypt));
    }
  }
}
