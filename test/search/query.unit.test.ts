import { describe, expect, it } from "vitest";
import { Blinder } from "../../src/shared/search/keys";
import { parsePath, indexedTexts } from "../../src/shared/search/paths";
import { parseQuery, positivePhrases, toFtsMatch } from "../../src/shared/search/query";
import { snippetOf } from "../../src/shared/search/snippet";
import { tokenize } from "../../src/shared/search/tokenize";

const words = (text: string) => tokenize(text).map((t) => t.token);

describe("tokenize", () => {
  it("segments on Unicode word boundaries, folds case, diacritics and compatibility forms", () => {
    expect(words("Crème BRÛLÉE, naïve ｃａｆｅ!")).toEqual(["creme", "brulee", "naive", "cafe"]);
    expect(words("e-mail don't 3.14 ﬁsh")).toEqual(["e", "mail", "don't", "3.14", "fish"]);
    expect(words("Straße İstanbul")).toEqual(["straße", "istanbul"]);
    expect(words("東京都に住む")).toEqual(["東京", "都", "に", "住む"]);
  });

  it("keeps the spans of the original text", () => {
    const text = "Ünïcode  wörds";
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(["Ünïcode", "wörds"]);
  });
});

describe("parseQuery and the FTS5 expression", () => {
  const fts = (q: string) => toFtsMatch(parseQuery(q), (w) => w.toUpperCase());

  it("binds NOT tighter than AND, AND tighter than OR, and parenthesises every operand", () => {
    expect(fts("a b OR c")).toBe('(("A") AND ("B")) OR ("C")');
    expect(fts("a AND (b OR c) NOT d")).toBe('(("A") AND (("B") OR ("C"))) NOT ("D")');
    expect(fts('"x y" -z -w')).toBe('((("X Y")) NOT ("Z")) NOT ("W")');
    expect(fts("e-mail")).toBe('"E MAIL"');
  });

  it("lists the phrases a match can contain, leaving out negated ones", () => {
    expect(positivePhrases(parseQuery('"green tea" OR coffee NOT milk'))).toEqual([["green", "tea"], ["coffee"]]);
  });

  it("never lets query text reach the FTS expression: the blinder's output is all there is", () => {
    // Quotes, stars, colons and FTS keywords in a query are only word material.
    expect(toFtsMatch(parseQuery('NEAR(a b) col:x* "y"'), () => "t")).toBe(
      '("t") AND (("t") AND ("t")) AND ("t t") AND ("t")',
    );
  });
});

describe("paths", () => {
  it("parses the supported subset and refuses the rest", () => {
    expect(parsePath("$.messages[*].content")).toEqual([
      { kind: "key", name: "messages" },
      { kind: "elements" },
      { kind: "key", name: "content" },
    ]);
    expect(parsePath('$["a b"][2].*')).toEqual([
      { kind: "key", name: "a b" },
      { kind: "index", n: 2 },
      { kind: "members" },
    ]);
    for (const bad of ["title", "$..x", "$.a[?(@.b)]", '$["open', "$.[0]"])
      expect(typeof parsePath(bad)).toBe("string");
  });

  it("selects string leaves under the chosen subtrees, in document order, skipping policy-encrypted values", () => {
    const data = { a: { b: "one", c: ["two", { d: "three" }], n: 5 }, e: "four", f: "ENC_v1_abc-_9", "g h": "five" };
    const sel = (...p: string[]) =>
      indexedTexts(
        data,
        p.map((x) => parsePath(x) as never),
      ).map((t) => `${t.path}=${t.text}`);
    expect(sel("$")).toEqual(["$.a.b=one", "$.a.c[0]=two", "$.a.c[1].d=three", "$.e=four", '$["g h"]=five']);
    expect(sel("$.a.c[*]")).toEqual(["$.a.c[0]=two", "$.a.c[1].d=three"]);
    expect(sel("$.*.b", "$.e")).toEqual(["$.a.b=one", "$.e=four"]);
    expect(sel("$.f", "$.nothing")).toEqual([]);
  });
});

describe("snippetOf", () => {
  it("cuts a window around the first match of the best string, with highlight offsets in it", () => {
    const long = "x".repeat(200) + " the Quick brown fox, the quick one " + "y".repeat(200);
    const s = snippetOf(
      [
        { path: "$.a", text: "quick" },
        { path: "$.b", text: long },
      ],
      [["quick"]],
    )!;
    expect(s.path).toBe("$.b");
    expect(s.text.startsWith("…") && s.text.endsWith("…")).toBe(true);
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(["Quick", "quick"]);
  });

  it("highlights phrases as one span and returns null without a match", () => {
    const s = snippetOf([{ path: "$", text: "A green tea, not a green apple" }], [["green", "tea"]])!;
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(["green tea"]);
    expect(snippetOf([{ path: "$", text: "nothing here" }], [["absent"]])).toBeNull();
  });

  it("does not split a surrogate pair at the window's edge", () => {
    const text = "😀".repeat(40) + " match " + "😀".repeat(40);
    const s = snippetOf([{ path: "$", text }], [["match"]])!;
    expect(s.text).not.toMatch(/^…[\uDC00-\uDFFF]|[\uD800-\uDBFF]…$/);
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(["match"]);
  });
});

describe("Blinder", () => {
  it("gives the same token from WebCrypto (prepared) and from @noble/hashes (not prepared), and different ones per key", async () => {
    const words = ["quokka", "crème", "東京", "x".repeat(300)];
    const prepared = await Blinder.create(new Uint8Array(32).fill(3));
    await prepared.prepare(words);
    const cold = await Blinder.create(new Uint8Array(32).fill(3));
    const other = await Blinder.create(new Uint8Array(32).fill(4));
    for (const w of words) {
      expect(prepared.blind(w)).toMatch(/^[0-9a-f]{16}$/);
      expect(cold.blind(w)).toBe(prepared.blind(w));
      expect(other.blind(w)).not.toBe(prepared.blind(w));
    }
    // HMAC-SHA-256 (RFC 4231 test case 2: key "Jefe"), first 8 bytes.
    const jefe = await Blinder.create(new TextEncoder().encode("Jefe"));
    expect(jefe.blind("what do ya want for nothing?")).toBe("5bdcc146bf60754e");
  });
});
