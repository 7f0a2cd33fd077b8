/**
 * Checksums and structural rules that tell real identifiers from look-alikes: Luhn and
 * card issuer ranges, SSA rules for SSNs, ABA routing checksums, IBAN mod-97 with the
 * per-country length, Bitcoin base58check and bech32/bech32m, Ethereum EIP-55.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

/** Only the digits of a string, e.g. "4111-1111 1111" → "411111111111". */
export function digitsOf(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) out += text[i];
  }
  return out;
}

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The Luhn check digit that completes `body` (the digits without their check digit). */
export function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error("unreachable: some digit always completes a Luhn sum");
}

/**
 * The card network of a number by its issuer prefix and length, or null when no network
 * issues numbers of that shape (an order number that happens to pass Luhn usually fails here).
 */
export function cardNetwork(d: string): string | null {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === "4" && (n === 13 || n === 16 || n === 19)) return "visa";
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return "mastercard";
  if ((p2 === 34 || p2 === 37) && n === 15) return "amex";
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && n >= 16 && n <= 19)
    return "discover";
  if ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39)
    return n >= 14 && n <= 19 ? "diners" : null;
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return "jcb";
  if (p4 >= 2200 && p4 <= 2204 && n >= 16 && n <= 19) return "mir";
  if (p2 === 62 && n >= 16 && n <= 19) return "unionpay";
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return "maestro";
  if ((p2 === 81 || p2 === 82) && n === 16) return "rupay";
  if (p4 === 9792 && n === 16) return "troy";
  if ((p4 === 9860 || p4 === 8600) && n === 16) return "humo_uzcard";
  if (d[0] === "1" && n === 15) return "uatp";
  return null;
}

export type SsnVerdict = "valid" | "invalid" | "sample";

/** Numbers published as examples (ads, wallets, textbooks): real-looking but never a person's. */
const SAMPLE_SSNS = new Set(["078051120", "219099999", "123456789", "111111111", "457555462"]);

/**
 * SSA rules: area 001-899 except 666, group 01-99, serial 0001-9999. Well-known sample
 * numbers are reported as "sample" so the caller can score them lower instead of dropping them.
 */
export function ssnVerdict(digits: string): SsnVerdict {
  if (digits.length !== 9) return "invalid";
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return "invalid";
  if (SAMPLE_SSNS.has(digits)) return "sample";
  if (/^(\d)\1{8}$/.test(digits)) return "invalid";
  return "valid";
}

/** ABA routing number: Federal Reserve prefix ranges and the 3-7-1 weighted checksum. */
export function abaValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const p = Number(digits.slice(0, 2));
  if (!((p >= 0 && p <= 12) || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p === 80)) return false;
  const d = [...digits].map(Number);
  const sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return sum % 10 === 0 && digits !== "000000000";
}

/** The check digit that completes an 8-digit ABA prefix. */
export function abaCheckDigit(first8: string): string {
  const d = [...first8].map(Number);
  const partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5]);
  return String((10 - (partial % 10)) % 10);
}

/** IBAN length per country: the SWIFT IBAN registry plus countries that publish IBANs outside it (IR, DZ, AO...). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
  AO: 25,
  BF: 28,
  BJ: 28,
  CI: 28,
  CM: 27,
  CV: 25,
  DZ: 26,
  GA: 27,
  GQ: 27,
  GW: 25,
  HN: 28,
  IR: 26,
  KM: 27,
  MA: 28,
  MG: 27,
  ML: 28,
  MZ: 25,
  NE: 28,
  SN: 28,
  TD: 27,
  TG: 28,
};

/** ISO 7064 mod 97-10 over an IBAN with the first four characters moved to the end. */
export function ibanRemainder(compact: string): number {
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return -1;
  }
  return rem;
}

/** A compact (no spaces) upper-case IBAN with the right length for its country and remainder 1. */
export function ibanValid(compact: string): boolean {
  const len = IBAN_LENGTHS[compact.slice(0, 2)];
  return len === compact.length && /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact) && ibanRemainder(compact) === 1;
}

/** The two check digits for a country code and BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  const rem = ibanRemainder(country + "00" + bban);
  return String(98 - rem).padStart(2, "0");
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B58_INDEX = new Map([...B58].map((c, i) => [c, i]));

function base58Decode(text: string): Uint8Array | null {
  let n = 0n;
  for (const c of text) {
    const v = B58_INDEX.get(c);
    if (v === undefined) return null;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return new Uint8Array(bytes);
}

/** Base58 of bytes (leading zero bytes become '1'). */
export function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

/** Version byte + payload + 4-byte double-SHA-256 checksum, base58. */
export function base58CheckEncode(version: number, payload: Uint8Array): string {
  const body = new Uint8Array(1 + payload.length);
  body[0] = version;
  body.set(payload, 1);
  const check = sha256(sha256(body)).subarray(0, 4);
  const full = new Uint8Array(body.length + 4);
  full.set(body);
  full.set(check, body.length);
  return base58Encode(full);
}

/** Legacy (P2PKH/P2SH, mainnet or testnet) Bitcoin address with a correct checksum. */
export function btcBase58Valid(address: string): boolean {
  const bytes = base58Decode(address);
  if (!bytes || bytes.length !== 25) return false;
  if (![0x00, 0x05, 0x6f, 0xc4].includes(bytes[0])) return false;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return false;
  return true;
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_INDEX = new Map([...BECH32].map((c, i) => [c, i]));
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
export const BECH32_CONST = 1;
export const BECH32M_CONST = 0x2bc830a3;

export function bech32Polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i];
  }
  return chk >>> 0;
}

export function bech32HrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

/** Encodes 5-bit words with a bech32 (witness v0) or bech32m (v1+) checksum. */
export function bech32Encode(hrp: string, words: number[], constant: number): string {
  const poly = bech32Polymod([...bech32HrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ constant;
  const check = Array.from({ length: 6 }, (_, i) => (poly >>> (5 * (5 - i))) & 31);
  return hrp + "1" + [...words, ...check].map((w) => BECH32[w]).join("");
}

/** Segwit address (BIP-173 / BIP-350): bc1/tb1, one case, right checksum for its witness version and length. */
export function btcBech32Valid(address: string): boolean {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
  const a = address.toLowerCase();
  const sep = a.lastIndexOf("1");
  const hrp = a.slice(0, sep);
  if (hrp !== "bc" && hrp !== "tb") return false;
  const data: number[] = [];
  for (const c of a.slice(sep + 1)) {
    const v = BECH32_INDEX.get(c);
    if (v === undefined) return false;
    data.push(v);
  }
  if (data.length < 7) return false;
  const version = data[0];
  const poly = bech32Polymod([...bech32HrpExpand(hrp), ...data]);
  if (poly !== (version === 0 ? BECH32_CONST : BECH32M_CONST)) return false;
  // The witness program: 5-bit words (without version and checksum) → bytes.
  const programBits = (data.length - 7) * 5;
  const programBytes = Math.floor(programBits / 8);
  if (version > 16 || programBytes < 2 || programBytes > 40) return false;
  if (version === 0 && programBytes !== 20 && programBytes !== 32) return false;
  return true;
}

/** Ethereum address: all-lower or all-upper hex is unchecksummed; mixed case must match EIP-55. */
export function ethAddressValid(address: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return false;
  const hexPart = address.slice(2);
  if (hexPart === hexPart.toLowerCase() || hexPart === hexPart.toUpperCase()) return !/^0+$/.test(hexPart);
  const hash = keccak_256(new TextEncoder().encode(hexPart.toLowerCase()));
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    const c = hexPart[i];
    if (/[a-f]/i.test(c) && nibble >= 8 !== (c === c.toUpperCase())) return false;
  }
  return true;
}
