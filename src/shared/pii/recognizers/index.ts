/**
 * The ordered list of built-in scanner alternatives and the one scanner built from it.
 * Order matters: at a position, earlier alternatives win, so the most specific patterns
 * (keys, URLs, e-mails, checksummed identifiers) come before the generic ones (digit
 * runs, capitalised words). See scanner.ts for how rejected matches fall through.
 */
import { buildScanner, type Alternative } from "../scanner";
import { cjkDate, clockTime, monthYear, numericDate, writtenDate } from "./dates";
import { creditCard, cryptoWallet, iban } from "./financial";
import { nameRun, streetAddress } from "./names";
import { domain, email, ipv4, ipv6, mac, url } from "./network";
import { abaDashed, alnumCode, digitRun, phoneIntl, phoneNanp, phoneNational, ssn } from "./numbers";
import { awsSecretKey, credentialAssignment, jwt, pem, prefixedToken } from "./secrets";

/** Every alternative but the PEM block excludes a word character before its start. */
const wordStart = (...alts: Alternative[]) => alts.map((a) => ({ ...a, wordStart: true }));

export const BUILTIN_ALTERNATIVES: readonly Alternative[] = [
  pem,
  ...wordStart(
    url,
    email,
    jwt,
    prefixedToken,
    credentialAssignment,
    iban,
    cryptoWallet,
    streetAddress,
    numericDate,
    writtenDate,
    cjkDate,
    mac,
    ipv6,
    ipv4,
    clockTime,
    creditCard,
    monthYear,
    ssn,
    abaDashed,
    phoneIntl,
    phoneNanp,
    phoneNational,
    alnumCode,
    awsSecretKey,
    digitRun,
    domain,
    nameRun,
  ),
];

export const builtinScanner = buildScanner(BUILTIN_ALTERNATIVES);
