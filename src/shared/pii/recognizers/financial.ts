/** Scanner alternatives for IBANs, crypto wallet addresses and payment card numbers. */
import {
  btcBase58Valid,
  btcBech32Valid,
  cardNetwork,
  digitsOf,
  ethAddressValid,
  IBAN_LENGTHS,
  ibanValid,
  luhnValid,
} from "../checksums";
import { contextRule } from "../context";
import { acceptMatch, type Alternative } from "../scanner";

const IBAN_CTX = contextRule("iban bank account transfer wire sepa swift bic acct", { boost: 0.1 });
const CRYPTO_CTX = contextRule("wallet bitcoin btc ethereum eth crypto address send pay", { boost: 0.05 });
const CARD_CTX = contextRule(
  "card credit debit visa mastercard amex discover diners jcb cc payment pay pan expiry cvv",
  {
    boost: 0.15,
    negative: "order invoice tracking ref reference isbn serial sku shipment confirmation transaction txn imei",
    penalty: 0.4,
  },
);

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

export const iban: Alternative = {
  name: "iban",
  // Any case: "de89 3704 0044 0532 0130 00" is as much an IBAN as its upper-case form.
  source: String.raw`(?<![\w])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}`,
  handle(m, start, _text, out) {
    const length = IBAN_LENGTHS[m.slice(0, 2).toUpperCase()];
    if (!length) return -1;
    // Walk exactly `length` alphanumerics: the pattern may have run into the next word.
    let count = 0;
    let i = 0;
    for (; i < m.length && count < length; i++) if (isAlnum(m[i])) count++;
    if (count < length || isAlnum(m[i])) return -1;
    const compact = m.slice(0, i).replace(/[ -]/g, "").toUpperCase();
    if (!ibanValid(compact)) return -1;
    out.push({ type: "IBAN", start, end: start + i, score: 0.9, recognizer: "iban", context: IBAN_CTX });
    return start + i;
  },
};

export const cryptoWallet: Alternative = {
  name: "crypto_wallet",
  source: String.raw`(?<![\w])(?:(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}|[13mn2][1-9A-HJ-NP-Za-km-z]{25,34}|0x[0-9a-fA-F]{40})(?![\w])`,
  handle(m, start, _text, out) {
    let recognizer: string;
    if (m.startsWith("0x")) {
      if (!ethAddressValid(m)) return -1;
      recognizer = "eth_address";
    } else if (/^(?:bc|tb)1/i.test(m)) {
      if (!btcBech32Valid(m)) return -1;
      recognizer = "btc_bech32";
    } else {
      if (!btcBase58Valid(m)) return -1;
      recognizer = "btc_base58check";
    }
    return acceptMatch(out, m, start, "CRYPTO", 0.9, recognizer, CRYPTO_CTX);
  },
};

export const creditCard: Alternative = {
  name: "credit_card",
  // Groups of four with a short last group or two (18-19 digit cards: "6212 3456 7890 1234 569"),
  // Amex/Diners 4-6-5 and 4-6-4, or a plain run. A comma is a separator, not part of a
  // number ("Jane,4111111111111111,12/27"); only a digit-comma before excludes a start.
  source: String.raw`(?<![\w.-]|\d,)(?:\d{4}(?: \d{4}){2}(?: \d{4} \d{1,3}| \d{1,7})|\d{4}(?:-\d{4}){2}(?:-\d{4}-\d{1,3}|-\d{1,7})|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{12,19})(?![\w-]|\.\d|,\d{3}(?![\d/]))`,
  handle(m, start, _text, out) {
    const d = digitsOf(m);
    if (d.length < 12 || d.length > 19 || !luhnValid(d) || !cardNetwork(d)) return -1;
    if (/^(\d)\1+$/.test(d)) return -1;
    return acceptMatch(out, m, start, "CREDIT_CARD", m.length > d.length ? 0.85 : 0.75, "credit_card", CARD_CTX);
  },
};
