/** Scanner alternatives for URLs, e-mail addresses, IPv4/IPv6 and MAC addresses. */
import { contextRule } from "../context";
import { acceptMatch, type Alternative } from "../scanner";

const URL_CTX = contextRule("url link website site visit see href page homepage web domain", { boost: 0.2 });
const EMAIL_CTX = contextRule("email mail e mailto contact address reach write", { boost: 0.1 });
const IP_CTX = contextRule(
  "ip ipv4 ipv6 address addr server host client gateway router dns subnet node remote proxy connected from",
  {
    negative: "version ver v release build firmware sdk",
    penalty: 0.4,
  },
);
const MAC_CTX = contextRule("mac hardware ethernet wifi wlan device nic bssid address");

const SECRET_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const WEBHOOK =
  /^https:\/\/(?:hooks\.slack\.com\/services\/|discord(?:app)?\.com\/api\/webhooks\/|[a-z0-9-]+\.webhook\.office\.com\/)/i;

/** Gives back trailing punctuation that ends the sentence rather than the URL. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (".,;:!?'\"*".includes(c)) end--;
    else if (c === ")" || c === "]" || c === "}") {
      const open = c === ")" ? "(" : c === "]" ? "[" : "{";
      const s = url.slice(0, end);
      if (s.split(open).length >= s.split(c).length) break;
      end--;
    } else break;
  }
  return url.slice(0, end);
}

const SCHEMES = String.raw`(?:[Hh][Tt][Tt][Pp][Ss]?|ftps?|sftp|wss?|ssh|git|s3|file|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|jdbc:[a-z]+)://`;
const TLDS =
  "com|org|net|io|dev|ai|co|edu|gov|info|biz|app|cloud|uk|de|fr|nl|ca|au|jp|cn|ru|br|es|ch|se|eu|tv|xyz|me|ly|gg|sh|" +
  "il|in|it|pl|no|dk|fi|pt|be|at|tr|za|nz|mx|ar|kr|tw|hk|sg|ie|gr|cz|hu|ro|us";

export const url: Alternative = {
  name: "url",
  source: String.raw`(?<![\w@./-])(?:${SCHEMES}|[Ww]{3}\.)[^\s<>"'${"`"}{}|\\^]{2,2048}`,
  handle(m, start, _text, out) {
    const u = trimUrl(m);
    if (u.length < 8 || !/[a-z0-9]\.[a-z0-9]|localhost|\d:\d/i.test(u)) return -1;
    const end = start + u.length;
    if (SECRET_URL.test(u)) out.push({ type: "SECRETS", start, end, score: 0.9, recognizer: "url_credentials" });
    else if (WEBHOOK.test(u)) out.push({ type: "SECRETS", start, end, score: 0.9, recognizer: "webhook_url" });
    else
      out.push({ type: "URL", start, end, score: /^www\./i.test(u) ? 0.6 : 0.7, recognizer: "url", context: URL_CTX });
    return end;
  },
};

/** Bare domains with a common TLD ("example.com/path"), lower case only. */
export const domain: Alternative = {
  name: "domain",
  source: String.raw`(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:${TLDS})(?:/[^\s<>"'${"`"}]*)?(?![\w@-])`,
  handle(m, start, _text, out) {
    const u = trimUrl(m);
    out.push({ type: "URL", start, end: start + u.length, score: 0.5, recognizer: "domain", context: URL_CTX });
    return start + u.length;
  },
};

/**
 * Non-ASCII code units an internationalised address (RFC 6531) may hold: the letter blocks of the BMP, without
 * Latin-1 punctuation, general punctuation, symbols, CJK punctuation or surrogates. The handler checks each one
 * is a letter, mark or digit (\p{L}\p{M}\p{N}); the combined scanner regex has no `u` flag for property escapes.
 */
const INTL = String.raw`\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u1FFF\u2C00-\u2DFF\u3040-\u9FFF\uA000-\uD7FF\uF900-\uFDFF\uFE70-\uFEFE`;
const NON_ASCII = /[^\0-\x7f]/;
const NOT_LETTER = /[^\p{L}\p{M}\p{N}\0-\x7f]/u;
const NOT_LETTER_ALL = /[^\p{L}\p{M}\p{N}\0-\x7f]/gu;
/** Scripts written without spaces: a run of them before an ASCII local part is the sentence, not the address. */
const UNSPACED_RUN =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/u;

/**
 * E-mail addresses, ASCII (RFC 5322 dot-atom) or internationalised (RFC 6531: letters of any script in the local part
 * and the domain). A local part takes no surrounding non-ASCII text: it starts after the last character that is no
 * letter, digit or mark ("«josé@…"), and after a run of Han, kana or Thai before an ASCII local ("请联系zhang@…").
 */
export const email: Alternative = {
  name: "email",
  source: String.raw`(?<![\w.%+${INTL}-])[A-Za-z0-9${INTL}][A-Za-z0-9${INTL}._%+-]{0,63}@(?:[A-Za-z0-9${INTL}](?:[A-Za-z0-9${INTL}-]{0,61}[A-Za-z0-9${INTL}])?\.)+(?:(?:[Xx][Nn]--[A-Za-z0-9-]{1,59}|[A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])|[${INTL}]{2,24}(?![\w-]))`,
  handle(m, start, _text, out) {
    const at = m.indexOf("@");
    let from = 0;
    if (NON_ASCII.test(m)) {
      if (NOT_LETTER.test(m.slice(at))) return -1;
      let local = m.slice(0, at);
      NOT_LETTER_ALL.lastIndex = 0;
      for (let b: RegExpExecArray | null; (b = NOT_LETTER_ALL.exec(local)) !== null;) from = b.index + b[0].length;
      local = local.slice(from);
      const run = /[A-Za-z0-9]/.test(local) ? UNSPACED_RUN.exec(local) : null;
      if (run && run[0].length < local.length) from += run[0].length;
      while (from < at && "._%+-".includes(m[from])) from++;
      if (from >= at) return -1;
    }
    const local = m.slice(from, at);
    if (local.includes("..") || local.endsWith(".")) return -1;
    return acceptMatch(out, m.slice(from), start + from, "EMAIL", 0.9, "email", EMAIL_CTX);
  },
};

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function ipv4Valid(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

export function ipv6Valid(candidate: string): boolean {
  let addr = candidate;
  const pct = addr.indexOf("%");
  if (pct >= 0) addr = addr.slice(0, pct);
  const lastColon = addr.lastIndexOf(":");
  const tail = addr.slice(lastColon + 1);
  let groupsForTail = 0;
  if (tail.includes(".")) {
    if (!ipv4Valid(tail)) return false;
    addr = addr.slice(0, lastColon + 1) + "0";
    groupsForTail = 1; // the dotted quad is two groups; "0" stands for one of them
  }
  const halves = addr.split("::");
  if (halves.length > 2) return false;
  const groups = (p: string) => (p === "" ? [] : p.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  for (const g of [...head, ...rest]) if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return false;
  const n = head.length + rest.length + groupsForTail;
  if (halves.length === 2) return n >= 1 && n <= 7;
  return n === 8;
}

export const mac: Alternative = {
  name: "mac",
  source: String.raw`(?<![\w:.-])(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.[0-9A-Fa-f])`,
  handle(m, start, _text, out) {
    const hexLetters = /[A-Fa-f]/.test(m);
    // Cisco dotted form and all-digit dashed groups look like other numbers: score them lower.
    const score = m.includes(":") || hexLetters ? 0.8 : 0.4;
    return acceptMatch(out, m, start, "MAC_ADDRESS", score, "mac_address", MAC_CTX);
  },
};

export const ipv6: Alternative = {
  name: "ipv6",
  source: String.raw`(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?:%[A-Za-z0-9]{1,16})?(?![\w:]|\.[\w])`,
  handle(m, start, _text, out) {
    if (!ipv6Valid(m)) return -1;
    const full = !m.includes("::");
    const digits = m.replace(/[^0-9A-Fa-f]/g, "").length;
    // "::1" (loopback) is an address; "::" or "a::" alone is more often code or a time.
    if (digits < 2 && m !== "::1") return -1;
    return acceptMatch(out, m, start, "IP_ADDRESS", full ? 0.8 : 0.65, "ipv6", IP_CTX);
  },
};

export const ipv4: Alternative = {
  name: "ipv4",
  source: String.raw`(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)`,
  handle(m, start, _text, out) {
    if (!ipv4Valid(m)) return -1;
    return acceptMatch(out, m, start, "IP_ADDRESS", 0.6, "ipv4", IP_CTX);
  },
};
