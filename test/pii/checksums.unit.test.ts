// Reference vectors for the checksums that separate real identifiers from look-alikes.
import { describe, expect, it } from "vitest";
import {
  abaValid,
  btcBase58Valid,
  btcBech32Valid,
  cardNetwork,
  ethAddressValid,
  ibanCheckDigits,
  ibanValid,
  luhnCheckDigit,
  luhnValid,
  ssnVerdict,
} from "../../src/shared/pii/checksums";

describe("checksums", () => {
  it("Luhn and card networks", () => {
    for (const n of [
      "4111111111111111",
      "5555555555554444",
      "378282246310005",
      "6011111111111117",
      "3530111333300000",
      "30569309025904",
    ]) {
      expect(luhnValid(n)).toBe(true);
      expect(cardNetwork(n)).not.toBeNull();
    }
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(cardNetwork("9999999999999995")).toBeNull();
    expect(luhnCheckDigit("411111111111111")).toBe("1");
  });

  it("SSA rules for SSNs", () => {
    expect(ssnVerdict("536228174")).toBe("valid");
    expect(ssnVerdict("123456789")).toBe("sample");
    expect(ssnVerdict("078051120")).toBe("sample");
    for (const bad of ["000228174", "666228174", "936228174", "536008174", "536220000", "12345678"])
      expect(ssnVerdict(bad)).toBe("invalid");
  });

  it("ABA routing numbers", () => {
    expect(abaValid("021000021")).toBe(true);
    expect(abaValid("011000015")).toBe(true);
    expect(abaValid("021000022")).toBe(false);
    expect(abaValid("991000021")).toBe(false); // prefix outside the Federal Reserve ranges
  });

  it("IBAN mod 97 and country lengths", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("NO9386011117947")).toBe(true);
    expect(ibanValid("GB82WEST1234569876543")).toBe(false);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("XX89370400440532013000")).toBe(false);
    expect(ibanCheckDigits("DE", "370400440532013000")).toBe("89");
  });

  it("Bitcoin base58check and bech32/bech32m (BIP-173/350 vectors)", () => {
    expect(btcBase58Valid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).toBe(true);
    expect(btcBase58Valid("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")).toBe(true);
    expect(btcBase58Valid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")).toBe(false);
    expect(btcBech32Valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).toBe(true);
    expect(btcBech32Valid("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")).toBe(true);
    expect(btcBech32Valid("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")).toBe(true);
    expect(btcBech32Valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")).toBe(false);
    expect(btcBech32Valid("bc1QW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).toBe(false); // mixed case
  });

  it("Ethereum EIP-55", () => {
    for (const a of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0x52908400098527886e0f7030069857d2e4169ee7",
    ]) {
      expect(ethAddressValid(a)).toBe(true);
    }
    expect(ethAddressValid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")).toBe(false);
  });
});
