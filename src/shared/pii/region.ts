/**
 * The region a request's phone numbers are read in: the caller's `default_region`
 * (ISO 3166-1 alpha-2), else one implied by a language hint with a region or a
 * language spoken mainly in one country (BCP 47: "pt-BR" → BR, "de" → DE, "ja" → JP).
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";
import { getCountries } from "libphonenumber-js/min";

const COUNTRIES = new Set<string>(getCountries());

/** Languages whose speakers mostly write one country's numbers. English, Spanish, Arabic... imply none. */
const LANGUAGE_REGION: Record<string, string> = {
  de: "DE",
  fr: "FR",
  it: "IT",
  nl: "NL",
  pt: "PT",
  ja: "JP",
  ko: "KR",
  zh: "CN",
  sv: "SE",
  fi: "FI",
  da: "DK",
  nb: "NO",
  no: "NO",
  pl: "PL",
  tr: "TR",
  cs: "CZ",
  hu: "HU",
  ro: "RO",
  el: "GR",
  he: "IL",
  uk: "UA",
  ru: "RU",
  hi: "IN",
  th: "TH",
  vi: "VN",
  id: "ID",
};

/** Whether a region code is one libphonenumber-js knows (upper-case ISO 3166-1 alpha-2). */
export const isPhoneRegion = (region: string): boolean => COUNTRIES.has(region);

/** The phone region for a request, or null when neither the region nor a language implies one. */
export function phoneRegion(
  defaultRegion: string | undefined,
  languages: readonly string[] | undefined,
): string | null {
  if (defaultRegion && COUNTRIES.has(defaultRegion)) return defaultRegion;
  for (const tag of languages ?? []) {
    const [lang, ...rest] = tag.split(/[-_]/);
    const region = rest.find((p) => /^[A-Za-z]{2}$/.test(p))?.toUpperCase();
    if (region && COUNTRIES.has(region)) return region;
    const implied = LANGUAGE_REGION[lang.toLowerCase()];
    if (implied) return implied;
  }
  return null;
}

/** Whether a number written without "+" is a valid number of `region` (libphonenumber-js rules). */
export function validInRegion(number: string, region: string): boolean {
  const p = parsePhoneNumberFromString(number, region as CountryCode);
  return p !== undefined && p.isValid();
}
