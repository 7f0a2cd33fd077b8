/**
 * Scanner alternatives for secrets: PEM private keys, JWTs, vendor tokens recognisable by
 * their prefix (AWS, GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic, Google, Hugging
 * Face, npm, SendGrid), credential assignments (`password=...`, `api_key: ...`) and
 * AWS secret access keys near their context.
 */
import { base64UrlDecode } from "../../ids";
import { contextRule } from "../context";
import { acceptMatch, type Alternative } from "../scanner";

export const pem: Alternative = {
  name: "pem_private_key",
  source: String.raw`-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{1,16384}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)?`,
  handle(m, start, _text, out) {
    return acceptMatch(out, m, start, "SECRETS", m.includes("-----END") ? 1 : 0.9, "pem_private_key");
  },
};

function jsonSegment(segment: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(base64UrlDecode(segment)));
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export const jwt: Alternative = {
  name: "jwt",
  source: String.raw`(?<![\w-])eyJ[A-Za-z0-9_-]{6,4096}\.eyJ[A-Za-z0-9_-]{6,8192}\.[A-Za-z0-9_-]{0,4096}(?![\w-])`,
  handle(m, start, _text, out) {
    const header = jsonSegment(m.slice(0, m.indexOf(".")));
    if (!header || (!("alg" in header) && !("typ" in header))) return -1;
    return acceptMatch(out, m, start, "SECRETS", 0.95, "jwt");
  },
};

const hasMix = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s);

/** Prefix → recognizer name and score; a function can refuse low-entropy look-alikes. */
const PREFIXED: [RegExp, string, (token: string) => number][] = [
  [
    /^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)/,
    "aws_access_key_id",
    (t) => (/\d/.test(t) || /[A-Z]{20}/.test(t) ? 0.95 : 0),
  ],
  [/^(?:gh[pousr]_|github_pat_)/, "github_token", () => 0.95],
  [/^gl[a-z]{1,5}-/, "gitlab_token", () => 0.9],
  [/^(?:xox[abposre]-|xapp-)/, "slack_token", () => 0.9],
  [/^(?:sk|rk)_live_/, "stripe_key", () => 0.95],
  [/^(?:sk|rk)_test_|^whsec_/, "stripe_key", () => 0.85],
  [/^sk-ant-/, "anthropic_key", () => 0.95],
  [
    /^sk-/,
    "openai_key",
    (t) => (t.includes("T3BlbkFJ") || /^sk-(?:proj|svcacct|admin)-/.test(t) ? 0.95 : hasMix(t) ? 0.85 : 0),
  ],
  [/^AIza/, "google_api_key", () => 0.9],
  [/^ya29\./, "google_oauth_token", () => 0.85],
  [/^GOCSPX-/, "google_client_secret", () => 0.9],
  [/^hf_/, "huggingface_token", (t) => (hasMix(t) || /[A-Za-z]{30}/.test(t) ? 0.9 : 0)],
  [/^npm_/, "npm_token", (t) => (hasMix(t) ? 0.9 : 0)],
  [/^SG\./, "sendgrid_key", () => 0.9],
];

export const prefixedToken: Alternative = {
  name: "prefixed_token",
  source: String.raw`(?<![\w-])(?:(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255}|gl(?:pat|dt|rt|ptt|ft|cbt|oas|imt|soat|agent)-[A-Za-z0-9_-]{20,64}|xox[abposre]-[A-Za-z0-9-]{10,250}|xapp-\d-[A-Za-z0-9-]{10,250}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}|whsec_[A-Za-z0-9+/=]{24,64}|sk-[A-Za-z0-9_-]{20,250}|AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,400}|GOCSPX-[A-Za-z0-9_-]{28}|hf_[A-Za-z0-9]{30,40}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![\w-])`,
  handle(m, start, _text, out) {
    for (const [prefix, recognizer, scoreOf] of PREFIXED) {
      if (!prefix.test(m)) continue;
      const score = scoreOf(m);
      if (score <= 0) return -1;
      return acceptMatch(out, m, start, "SECRETS", score, recognizer);
    }
    return -1;
  },
};

/** Identifier tokens that name a secret, and pairs that do together. */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "pass",
  "passcode",
  "pin",
  "secret",
  "secrets",
  "token",
  "credential",
  "credentials",
  "apikey",
  "pat",
  "bearer",
  "sessionid",
  "cookie",
  "privatekey",
  "secretkey",
  "accesskey",
  "authkey",
]);
const SECRET_PAIRS = new Set([
  "api key",
  "access key",
  "private key",
  "secret key",
  "auth key",
  "client secret",
  "signing key",
  "encryption key",
  "master key",
  "session id",
  "access token",
  "auth token",
  "refresh token",
  "api secret",
  "app secret",
  "connection string",
]);
/** Tokens that make an identifier about a secret without being one (max_tokens, public_key, token_url). */
const NOT_SECRET_WORDS = new Set([
  "public",
  "pub",
  "max",
  "min",
  "num",
  "count",
  "limit",
  "limits",
  "tokens",
  "type",
  "name",
  "id",
  "ids",
  "url",
  "uri",
  "file",
  "path",
  "length",
  "len",
  "expiry",
  "expires",
  "expiration",
  "ttl",
  "hint",
  "policy",
  "reset",
  "field",
  "label",
  "required",
  "size",
  "format",
  "prefix",
  "header",
  "env",
  "var",
  "usage",
  "budget",
  "index",
  "tokenizer",
  "strength",
  "confirm",
  "changed",
  "at",
  "date",
  "time",
  "version",
  "encoding",
  "algorithm",
  "alg",
]);
const PLACEHOLDERS =
  /^(?:null|none|nil|undefined|true|false|\*+|x+|\.+|-+|<[^>]*>|\[[^\]]*\]|\{\{.*|\$\{.*|\$[A-Z_]+|%[A-Z_]+%|process\.env.*|os\.environ.*|env\(.*|getenv.*|redacted|hidden|secret|password|changeme|your[_-]?\w*|example\w*|placeholder|\.\.\.)$/i;

function identifierTokens(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** How strongly an identifier names a secret, 0 when it does not. */
export function secretIdentifierScore(id: string): number {
  const tokens = identifierTokens(id);
  if (tokens.some((t) => NOT_SECRET_WORDS.has(t))) return 0;
  let best = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (
      t === "password" ||
      t === "passwd" ||
      t === "passphrase" ||
      t === "secret" ||
      t === "privatekey" ||
      t === "secretkey"
    )
      best = Math.max(best, 0.85);
    else if (SECRET_WORDS.has(t)) best = Math.max(best, t === "pass" || t === "pin" || t === "cookie" ? 0.7 : 0.8);
    if (i + 1 < tokens.length && SECRET_PAIRS.has(`${t} ${tokens[i + 1]}`)) best = Math.max(best, 0.85);
  }
  if (!best && /(?:password|passwd|secret|apikey|accesskey|privatekey|token)$/.test(tokens.join(""))) best = 0.75;
  return best;
}

/** Whether a value looks like a real credential and not a placeholder or a small number. */
export function plausibleSecretValue(value: string, idScore: number): boolean {
  if (value.length < 3 || value.length > 512) return false;
  if (PLACEHOLDERS.test(value)) return false;
  if (/^\d{1,6}$/.test(value) && idScore < 0.85) return false;
  return true;
}

export const credentialAssignment: Alternative = {
  name: "credential_assignment",
  // A keyword-bearing identifier, an optional closing quote, := : = or =>, then a quoted or bare value.
  source: String.raw`(?<![\w.-])(?=[A-Za-z0-9_.-]{0,40}?(?:[Pp](?:ass|ASS|wd|WD|in|IN)|PASS|PWD|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Kk]ey|KEY|[Cc]red|CRED|[Aa]uth|AUTH|PAT|[Cc]ookie|[Ss]ession))[A-Za-z_][A-Za-z0-9_.-]{0,48}["']?[ \t]{0,3}(?::=|=>|[:=])[ \t]{0,3}(?:"[^"\n]{1,512}"|'[^'\n]{1,512}'|[^\s"',;&)}\]]{1,512})`,
  handle(m, start, _text, out) {
    const id = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(m)![0];
    const idScore = secretIdentifierScore(id);
    if (!idScore) return -1;
    const sep = /["']?[ \t]*(?::=|=>|[:=])[ \t]*/y;
    sep.lastIndex = id.length;
    sep.exec(m);
    let valueStart = sep.lastIndex;
    let value = m.slice(valueStart);
    if ((value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) && value.length >= 2) {
      value = value.slice(1, -1);
      valueStart++;
    }
    if (!plausibleSecretValue(value, idScore)) return -1;
    const entropyBonus = hasMix(value) && value.length >= 12 ? 0.1 : 0;
    out.push({
      type: "SECRETS",
      start: start + valueStart,
      end: start + valueStart + value.length,
      score: Math.min(1, idScore + entropyBonus),
      recognizer: "credential_assignment",
    });
    return start + m.length;
  },
};

const AWS_SECRET_CTX = contextRule("aws secret secretaccesskey aws_secret_access_key amazon iam credentials key", {
  boost: 0.4,
});

/** 40 base64 characters with mixed case and digits: an AWS secret access key when "aws"/"secret" is near. */
export const awsSecretKey: Alternative = {
  name: "aws_secret_access_key",
  source: String.raw`(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])`,
  handle(m, start, _text, out) {
    if (!hasMix(m)) return -1;
    return acceptMatch(out, m, start, "SECRETS", 0.3, "aws_secret_access_key", AWS_SECRET_CTX);
  },
};
