/** The built-in PII and secret entity types, and the names tenants may give their own. */

export const ENTITY_TYPES = [
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "US_SSN",
  "IBAN",
  "IP_ADDRESS",
  "URL",
  "MAC_ADDRESS",
  "DATE_TIME",
  "DATE_OF_BIRTH",
  "US_BANK_ROUTING",
  "US_PASSPORT",
  "US_DRIVER_LICENSE",
  "CRYPTO",
  "PERSON",
  "LOCATION",
  "STREET_ADDRESS",
  "SECRETS",
  "AGE",
  "ZIP_CODE",
  "DENY_LIST",
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

const BUILTIN = new Set<string>(ENTITY_TYPES);

export const isBuiltinEntity = (name: string): name is EntityType => BUILTIN.has(name);

/** Entity names: built-in types, or upper-case names of a tenant's custom recognizers. */
export const ENTITY_NAME_PATTERN = /^[A-Z][A-Z0-9_]{1,47}$/;

/**
 * Tie-break order for overlapping findings of equal score and length: the more specific
 * and the more damaging a leak, the earlier. Custom entities rank after all built-ins.
 */
const PRIORITY: readonly string[] = [
  "DENY_LIST",
  "SECRETS",
  "CREDIT_CARD",
  "US_SSN",
  "IBAN",
  "CRYPTO",
  "EMAIL",
  "US_BANK_ROUTING",
  "US_PASSPORT",
  "US_DRIVER_LICENSE",
  "PHONE",
  "MAC_ADDRESS",
  "IP_ADDRESS",
  "STREET_ADDRESS",
  "URL",
  "DATE_OF_BIRTH",
  "PERSON",
  "LOCATION",
  "DATE_TIME",
  "ZIP_CODE",
  "AGE",
];
const RANK = new Map(PRIORITY.map((e, i) => [e, i]));

/** Smaller is more specific; custom entities share the last rank. */
export const entityRank = (entity: string): number => RANK.get(entity) ?? PRIORITY.length;
