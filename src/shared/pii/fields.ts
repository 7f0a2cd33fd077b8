/**
 * JSON field names as evidence: `ssn`, `customerEmail`, `date_of_birth` raise the score
 * of findings of their type in the value, and some (`name`, `city`, `address`,
 * `password`, `age`, `zip`) vouch for the whole value even where no pattern matches.
 */
import { secretIdentifierScore, plausibleSecretValue } from "./recognizers/secrets";
import { placeKey, placeKind } from "./gazetteer";

export interface FieldHints {
  /** Entity types whose findings in this field get the context boost. */
  boost: ReadonlySet<string>;
  /** An entity the whole value is taken to be, if its shape fits. */
  whole?: "PERSON" | "LOCATION" | "STREET_ADDRESS" | "SECRETS" | "AGE" | "ZIP_CODE";
}

const NONE: FieldHints = { boost: new Set() };

const TOKEN_TYPES: Record<string, string> = {
  email: "EMAIL",
  mail: "EMAIL",
  emails: "EMAIL",
  phone: "PHONE",
  tel: "PHONE",
  telephone: "PHONE",
  mobile: "PHONE",
  cell: "PHONE",
  fax: "PHONE",
  msisdn: "PHONE",
  phones: "PHONE",
  ssn: "US_SSN",
  ssns: "US_SSN",
  tin: "US_SSN",
  itin: "US_SSN",
  card: "CREDIT_CARD",
  cc: "CREDIT_CARD",
  pan: "CREDIT_CARD",
  creditcard: "CREDIT_CARD",
  iban: "IBAN",
  ip: "IP_ADDRESS",
  ipv4: "IP_ADDRESS",
  ipv6: "IP_ADDRESS",
  ipaddress: "IP_ADDRESS",
  url: "URL",
  uri: "URL",
  link: "URL",
  website: "URL",
  homepage: "URL",
  href: "URL",
  site: "URL",
  mac: "MAC_ADDRESS",
  dob: "DATE_OF_BIRTH",
  birthday: "DATE_OF_BIRTH",
  birthdate: "DATE_OF_BIRTH",
  birth: "DATE_OF_BIRTH",
  born: "DATE_OF_BIRTH",
  date: "DATE_TIME",
  time: "DATE_TIME",
  timestamp: "DATE_TIME",
  datetime: "DATE_TIME",
  at: "DATE_TIME",
  routing: "US_BANK_ROUTING",
  aba: "US_BANK_ROUTING",
  rtn: "US_BANK_ROUTING",
  passport: "US_PASSPORT",
  license: "US_DRIVER_LICENSE",
  licence: "US_DRIVER_LICENSE",
  dl: "US_DRIVER_LICENSE",
  dln: "US_DRIVER_LICENSE",
  wallet: "CRYPTO",
  btc: "CRYPTO",
  bitcoin: "CRYPTO",
  eth: "CRYPTO",
  ethereum: "CRYPTO",
  crypto: "CRYPTO",
};

const PERSON_TOKENS = new Set([
  "name",
  "firstname",
  "lastname",
  "surname",
  "fullname",
  "givenname",
  "familyname",
  "middlename",
  "forename",
  "author",
  "person",
  "patient",
  "contact",
  "recipient",
  "sender",
  "signatory",
  "cardholder",
  "holder",
  "nickname",
]);
/** Names of things that are not people. */
const NOT_PERSON = new Set([
  "user",
  "username",
  "file",
  "filename",
  "host",
  "hostname",
  "product",
  "company",
  "org",
  "organization",
  "organisation",
  "project",
  "dataset",
  "model",
  "app",
  "domain",
  "server",
  "bucket",
  "table",
  "column",
  "field",
  "key",
  "brand",
  "business",
  "street",
  "city",
  "country",
  "state",
  "place",
  "event",
  "team",
  "group",
  "path",
  "tag",
  "class",
  "type",
  "item",
  "display",
  "screen",
  "account",
  "bank",
  "store",
  "shop",
  "service",
  "repo",
  "package",
  "branch",
  "job",
  "task",
  "queue",
  "topic",
  "channel",
  "device",
  "network",
  "schema",
  "index",
  "db",
  "database",
  "region",
  "zone",
  "env",
  "image",
  "font",
  "color",
  "icon",
  "method",
  "function",
  "module",
  "variable",
  "var",
  "param",
  "attribute",
  "property",
  "label",
  "title",
  "category",
  "plan",
  "role",
  "test",
  "feature",
  "version",
  "release",
  "city",
  "location",
  "address",
  "email",
  "mail",
  "phone",
]);
const LOCATION_TOKENS = new Set([
  "city",
  "town",
  "country",
  "state",
  "region",
  "province",
  "location",
  "birthplace",
  "place",
  "county",
  "village",
  "hometown",
  "nationality",
  "residence",
]);
const NOT_LOCATION = new Set([
  "status",
  "machine",
  "app",
  "ui",
  "job",
  "task",
  "flag",
  "order",
  "payment",
  "workflow",
  "connection",
  "session",
  "code",
  "id",
]);
const ADDRESS_TOKENS = new Set([
  "address",
  "street",
  "addr",
  "address1",
  "address2",
  "addressline1",
  "addressline2",
  "streetaddress",
  "line1",
  "line2",
]);
const NOT_ADDRESS = new Set([
  "ip",
  "mac",
  "email",
  "mail",
  "wallet",
  "btc",
  "eth",
  "crypto",
  "contract",
  "remote",
  "server",
  "web",
  "url",
  "memory",
  "hardware",
  "local",
  "bind",
  "listen",
]);

/** Splits a key into lower-case words: "customerEmail" → ["customer", "email"], "date_of_birth" → ["date", "of", "birth"]. */
export function keyTokens(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const cache = new Map<string, FieldHints>();
const CACHE_LIMIT = 10_000;
const wordsCache = new Map<string, readonly string[]>();

/** keyTokens(key), cached per isolate: detection asks for it on every string under the key. */
export function keyWords(key: string): readonly string[] {
  let words = wordsCache.get(key);
  if (words) return words;
  words = keyTokens(key);
  if (wordsCache.size >= CACHE_LIMIT) wordsCache.clear();
  wordsCache.set(key, words);
  return words;
}

/** What a field name says about its value; cached per isolate (keys repeat across records). */
export function fieldHints(key: string): FieldHints {
  const hit = cache.get(key);
  if (hit) return hit;
  const hints = computeHints(key);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, hints);
  return hints;
}

function computeHints(key: string): FieldHints {
  const tokens = keyTokens(key);
  if (!tokens.length) return NONE;
  const joined = tokens.join("");
  const boost = new Set<string>();
  const forms = [...tokens, joined];
  for (let i = 0; i + 1 < tokens.length; i++) forms.push(tokens[i] + tokens[i + 1]);
  for (const f of forms) {
    const t = TOKEN_TYPES[f];
    if (t) boost.add(t);
  }
  if ((tokens.includes("social") && tokens.includes("security")) || joined.includes("socialsecurity"))
    boost.add("US_SSN");
  if (joined.includes("dateofbirth") || joined.includes("birthdate")) boost.add("DATE_OF_BIRTH");
  if (tokens.includes("bank") && tokens.includes("account")) boost.add("IBAN");
  if (tokens.includes("driver") || tokens.includes("drivers")) boost.add("US_DRIVER_LICENSE");
  if (boost.has("DATE_OF_BIRTH")) boost.delete("DATE_TIME");

  let whole: FieldHints["whole"];
  const has = (set: ReadonlySet<string>) => forms.some((f) => set.has(f));
  if (secretIdentifierScore(key) > 0) whole = "SECRETS";
  else if (tokens.includes("age") && tokens.length <= 2) whole = "AGE";
  else if (
    forms.some((f) => f === "zip" || f === "zipcode" || f === "postal" || f === "postcode" || f === "postalcode")
  )
    whole = "ZIP_CODE";
  else if (has(ADDRESS_TOKENS) && !has(NOT_ADDRESS)) whole = "STREET_ADDRESS";
  else if (has(LOCATION_TOKENS) && !has(NOT_LOCATION)) whole = "LOCATION";
  else if (has(PERSON_TOKENS) && !tokens.some((t) => NOT_PERSON.has(t))) whole = "PERSON";
  if (whole) boost.add(whole);
  return boost.size || whole ? { boost, ...(whole ? { whole } : {}) } : NONE;
}

const NAME_VALUE = /^[\p{L}][\p{L}'’.-]*(?:[ \t]+[\p{L}][\p{L}'’.-]*){0,4}$/u;
const CAPITALISED_PLACE = /^[\p{Lu}][\p{L}'’.-]*(?:[ \t,]+(?:[\p{Lu}][\p{L}'’.-]*|of|and|the|de|du|da))*$/u;

/**
 * The whole-value reading of a string under a field hint: its score (before the field
 * boost) if the value has the shape of that entity, else 0.
 */
export function wholeValueScore(whole: NonNullable<FieldHints["whole"]>, value: string, key: string): number {
  const v = value.trim();
  if (!v) return 0;
  switch (whole) {
    case "PERSON":
      return v.length <= 80 && NAME_VALUE.test(v) ? 0.5 : 0;
    case "LOCATION":
      if (v.length > 80) return 0;
      return placeKind(placeKey(v)) ? 0.6 : CAPITALISED_PLACE.test(v) ? 0.45 : 0;
    case "STREET_ADDRESS":
      return v.length <= 200 && /\d/.test(v) && /\p{L}{2}/u.test(v) ? 0.5 : 0;
    case "SECRETS":
      return plausibleSecretValue(v, secretIdentifierScore(key)) ? 0.55 : 0;
    case "AGE": {
      const n = Number(v);
      return /^\d{1,3}$/.test(v) && n <= 130 ? 0.5 : 0;
    }
    case "ZIP_CODE":
      return /^\d{5}(?:-\d{4})?$/.test(v) ? 0.5 : 0;
  }
}
