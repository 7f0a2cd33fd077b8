/**
 * Canonical forms for keyed operators, so that spellings of one value get one pseudonym:
 * e-mail addresses case-insensitively, numbers by their digits, names by their words.
 */
import { digitsOf } from "../pii/checksums";

const DIGIT_TYPES = new Set(["PHONE", "CREDIT_CARD", "US_SSN", "US_BANK_ROUTING", "US_PASSPORT", "ZIP_CODE", "AGE"]);

export function normalizeValue(type: string, value: string): string {
  const v = value.trim();
  if (type === "EMAIL" || type === "URL" || (type === "CRYPTO" && v.startsWith("0x"))) return v.toLowerCase();
  if (DIGIT_TYPES.has(type)) {
    const d = digitsOf(v);
    return d || v;
  }
  if (type === "IBAN" || type === "US_DRIVER_LICENSE" || type === "MAC_ADDRESS")
    return v.replace(/[\s:.-]/g, "").toUpperCase();
  if (type === "PERSON" || type === "LOCATION" || type === "STREET_ADDRESS")
    return v.replace(/\s+/g, " ").toLowerCase();
  return v;
}
