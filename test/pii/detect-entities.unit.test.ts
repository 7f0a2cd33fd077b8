// Every built-in entity type: values that must be found (with their exact span) and
// look-alikes that must not be, through the real detector with default options.
import { describe, expect, it } from "vitest";
import { detectText, prepareOptions } from "../../src/shared/pii/detect";

const opts = prepareOptions({ returnText: true });
const found = (text: string) => detectText(text, opts).map((f) => [f.type, f.text]);
const typesIn = (text: string) => detectText(text, opts).map((f) => f.type);

type Case = [text: string, type: string, value: string];

const POSITIVES: Case[] = [
  ["Write to jane.roe+news@mail.example.co.uk today.", "EMAIL", "jane.roe+news@mail.example.co.uk"],
  ["Call (415) 555-2671 after six.", "PHONE", "(415) 555-2671"],
  ["Her number is 212.555.0188.", "PHONE", "212.555.0188"],
  ["London office: +44 20 7946 0958.", "PHONE", "+44 20 7946 0958"],
  ["Berlin: +49 30 901820 ext. 12", "PHONE", "+49 30 901820 ext. 12"],
  ["Paid with 4111 1111 1111 1111 at noon.", "CREDIT_CARD", "4111 1111 1111 1111"],
  ["Amex 3782-822463-10005 on file.", "CREDIT_CARD", "3782-822463-10005"],
  ["card 5555555555554444", "CREDIT_CARD", "5555555555554444"],
  ["SSN: 536-22-8174", "US_SSN", "536-22-8174"],
  ["social security number 536 22 8174", "US_SSN", "536 22 8174"],
  ["ssn 536228174", "US_SSN", "536228174"],
  ["IBAN DE89 3704 0044 0532 0130 00 please.", "IBAN", "DE89 3704 0044 0532 0130 00"],
  ["Pay GB82WEST12345698765432 now", "IBAN", "GB82WEST12345698765432"],
  ["Server at 192.168.10.24 is down.", "IP_ADDRESS", "192.168.10.24"],
  ["host 2001:db8:85a3::8a2e:370:7334 answered", "IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334"],
  ["peer ::ffff:192.0.2.128 connected", "IP_ADDRESS", "::ffff:192.0.2.128"],
  ["See https://example.com/a/b?x=1#top.", "URL", "https://example.com/a/b?x=1#top"],
  ["Docs at www.example.org/docs, thanks", "URL", "www.example.org/docs"],
  ["The laptop's MAC is 00:1A:2B:3C:4D:5E.", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"],
  ["device 0a-1b-2c-3d-4e-5f seen", "MAC_ADDRESS", "0a-1b-2c-3d-4e-5f"],
  ["Meeting on 2024-03-05T10:30:00Z in the lab.", "DATE_TIME", "2024-03-05T10:30:00Z"],
  ["Due March 3, 2021 at 5:00 PM.", "DATE_TIME", "March 3, 2021 at 5:00 PM"],
  ["Shipped 12/24/2023.", "DATE_TIME", "12/24/2023"],
  ["He was born on 14 July 1985.", "DATE_OF_BIRTH", "14 July 1985"],
  ["DOB: 04/13/1990", "DATE_OF_BIRTH", "04/13/1990"],
  ["routing number 021000021", "US_BANK_ROUTING", "021000021"],
  ["ABA 011000015 for wires", "US_BANK_ROUTING", "011000015"],
  ["passport number A12345678", "US_PASSPORT", "A12345678"],
  ["Passport: 912803456", "US_PASSPORT", "912803456"],
  ["driver's license D1234567", "US_DRIVER_LICENSE", "D1234567"],
  ["Florida DL S123-456-78-901-2", "US_DRIVER_LICENSE", "S123-456-78-901-2"],
  ["wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "CRYPTO", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"],
  ["send to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "CRYPTO", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"],
  [
    "taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
    "CRYPTO",
    "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
  ],
  ["eth 0x52908400098527886E0F7030069857D2E4169EE7", "CRYPTO", "0x52908400098527886E0F7030069857D2E4169EE7"],
  ["Please thank Maria Garcia for the report.", "PERSON", "Maria Garcia"],
  ["Dr. Alan Turing gave a talk.", "PERSON", "Alan Turing"],
  ["She moved to New York in May.", "LOCATION", "New York"],
  ["We flew from Bosnia and Herzegovina.", "LOCATION", "Bosnia and Herzegovina"],
  [
    "Ship to 742 Evergreen Terrace, Springfield, IL 62704 by Friday.",
    "STREET_ADDRESS",
    "742 Evergreen Terrace, Springfield, IL 62704",
  ],
  ["Office: 1600 Amphitheatre Pkwy Suite 300", "STREET_ADDRESS", "1600 Amphitheatre Pkwy Suite 300"],
  ["key AKIAIOSFODNN7EXAMPLE leaked", "SECRETS", "AKIAIOSFODNN7EXAMPLE"],
  [
    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "SECRETS",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  ["token ghp_16C7e42F292c6912E7710c838347Ae178B4a", "SECRETS", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
  ["use glpat-xYz12AbCdEfGhIjKlMnOp", "SECRETS", "glpat-xYz12AbCdEfGhIjKlMnOp"],
  [
    "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "SECRETS",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  ],
  ["stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "SECRETS", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
  ["OPENAI_API_KEY=sk-proj-Abc123Def456Ghi789Jkl012Mno345", "SECRETS", "sk-proj-Abc123Def456Ghi789Jkl012Mno345"],
  ["maps AIzaSyA1234567890abcdefghijklmnopqrstuv", "SECRETS", "AIzaSyA1234567890abcdefghijklmnopqrstuv"],
  [
    "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "SECRETS",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ],
  [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "SECRETS",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
  ],
  ["db_password: hunter2!", "SECRETS", "hunter2!"],
  ['"api_key": "a8f5f167f44f4964e6c998dee827110c"', "SECRETS", "a8f5f167f44f4964e6c998dee827110c"],
  ["postgres://admin:s3cret@db.internal:5432/app", "SECRETS", "postgres://admin:s3cret@db.internal:5432/app"],
  ["The patient is 47 years old.", "AGE", "47"],
  ["zip code 94105", "ZIP_CODE", "94105"],
];

describe("built-in recognizers find their entity with the exact span", () => {
  it.each(POSITIVES)("%s → %s", (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });
});

const NEGATIVES: [text: string, mustNotContain: string][] = [
  ["Order #4111111111111112 shipped.", "CREDIT_CARD"], // fails Luhn
  ["tracking 1234567812345678 in transit", "CREDIT_CARD"], // fails Luhn
  ["ref 9999999999999995 passes Luhn but no network issues it", "CREDIT_CARD"],
  ["Invoice 000-12-3456 is paid", "US_SSN"], // area 000
  ["code 666-45-6789 here", "US_SSN"], // area 666
  ["id 923-45-6789", "US_SSN"], // area 9xx
  ["batch 536-00-8174", "US_SSN"], // group 00
  ["part 536-22-0000", "US_SSN"], // serial 0000
  ["On 2021-03-04 we met.", "US_SSN"], // a date, not an SSN
  ["On 03-04-2021 we met.", "US_SSN"],
  ["IBAN DE89 3704 0044 0532 0130 01 rejected", "IBAN"], // bad checksum
  ["GB82WEST1234569876543 is short", "IBAN"], // wrong length
  ["wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "CRYPTO"], // base58check fails
  ["send to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "CRYPTO"], // bech32 checksum fails
  ["eth 0x52908400098527886e0F7030069857D2E4169EE7", "CRYPTO"], // EIP-55 case wrong
  ["routing number 021000022", "US_BANK_ROUTING"], // ABA checksum fails
  ["call 123-456-7890 now", "PHONE"], // area code 1xx is not NANP
  ["version 300.1.2.4 released", "IP_ADDRESS"], // octet > 255
  ["upgrade to version 1.2.3.4 soon", "IP_ADDRESS"], // version context
  ["at 10:30:45 the build ran", "IP_ADDRESS"], // a time, not IPv6
  ["Upgrade to version 9.2.13 before Friday.", "DATE_TIME"],
  ["The ratio was 13/45/2021x", "DATE_TIME"],
  ["date 2021-02-30 is invalid", "DATE_TIME"],
  ["The Quarterly Report was approved by the Board.", "PERSON"],
  ["The Quarterly Report was approved by the Board.", "LOCATION"],
  ["max_tokens=1024 and token_count: 50", "SECRETS"],
  ["password: ******** and api_key=${API_KEY}", "SECRETS"],
  ["public_key: ssh-ed25519AAAAC3Nza", "SECRETS"],
  ["commit da39a3ee5e6b4b0d3255bfef95601890afd80709 fixed it", "SECRETS"],
  ["sk-learn is not a key", "SECRETS"],
  ["We sold 34 apples.", "AGE"],
  ["Room 94105 is upstairs.", "ZIP_CODE"],
  ["bought 3 Green Apples", "STREET_ADDRESS"],
  ["a bare 912803456 number", "US_PASSPORT"], // needs context
  ["a bare 912803456 number", "US_SSN"], // needs context
  ["item A1234567 in stock", "US_DRIVER_LICENSE"], // needs context
];

describe("look-alikes are not reported", () => {
  it.each(NEGATIVES)("%s ✗ %s", (text, type) => {
    expect(typesIn(text)).not.toContain(type);
  });
});
