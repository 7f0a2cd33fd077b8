/**
 * Restoring what the reversible operators produced: vault tokens (`TOK_...`, looked up
 * in this tenant's vault only), encrypted fields (`ENC_v1_...`), and FPE values, either
 * at the positions the anonymize response listed (`items` with operator `fpe`) or
 * wherever the detector finds a value of the types named in `fpe_entities`.
 */
import { DecryptionError } from "../crypto/aes-gcm";
import { validationFailed, type FieldError } from "../errors";
import { detectText, pathSegment, prepareOptions } from "../pii/detect";
import { MEMBER_NAME } from "../pii/member-names";
import type { ChangedItem } from "./anonymize";
import { mapJson } from "./json-map";
import { fpe, FpeUnsupported } from "./fpe";
import type { OperatorKeys } from "./keys";
import { decryptField, detokenize, ENCRYPTED_PATTERN, TOKEN_PATTERN } from "./vault";

export interface DeanonymizeInput {
  text?: string;
  data?: unknown;
  items?: readonly ChangedItem[];
  fpeEntities?: readonly string[];
}

export interface Restored {
  tokens: number;
  fpe: number;
  encrypted: number;
}

/** Counts what a call will try to restore, for the audit event written before it runs. */
export function countCandidates(input: DeanonymizeInput): Restored {
  let tokens = 0;
  let encrypted = 0;
  const scan = (s: string) => {
    tokens += s.match(TOKEN_PATTERN)?.length ?? 0;
    encrypted += s.match(ENCRYPTED_PATTERN)?.length ?? 0;
  };
  if (input.text !== undefined) scan(input.text);
  else forEachString(input.data, (s) => scan(s));
  return { tokens, fpe: (input.items ?? []).filter((i) => i.operator === "fpe").length, encrypted };
}

/** Every string value and member name (at its path + MEMBER_NAME) of a JSON value. */
function forEachString(value: unknown, fn: (s: string, path: string) => void, path = "$"): void {
  if (typeof value === "string") fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => forEachString(v, fn, pathSegment(path, i)));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      const member = pathSegment(path, k);
      fn(k, member + MEMBER_NAME);
      forEachString(v, fn, member);
    }
}

type Span = { start: number; end: number; type: string };

/** Decrypts FPE spans of one string (FPE keeps lengths, so offsets stay valid). */
function restoreFpe(text: string, spans: Span[], key: Uint8Array): { text: string; count: number } {
  let out = text;
  let count = 0;
  let covered = -1;
  // Listed items and detected values may name the same span: decrypt it once.
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < covered) continue;
    covered = s.end;
    try {
      const plain = fpe(key, s.type, out.slice(s.start, s.end), true);
      out = out.slice(0, s.start) + plain + out.slice(s.end);
      count++;
    } catch (err) {
      if (!(err instanceof FpeUnsupported)) throw err;
    }
  }
  return { text: out, count };
}

/** Restores tokens and inline encrypted values of one string. */
async function restoreInline(
  text: string,
  tokens: Map<string, string>,
  keys: OperatorKeys,
  restored: Restored,
): Promise<string> {
  let out = text.replace(TOKEN_PATTERN, (t) => {
    const v = tokens.get(t);
    if (v === undefined) return t;
    restored.tokens++;
    return v;
  });
  const encrypted = [...out.matchAll(ENCRYPTED_PATTERN)];
  for (const m of encrypted.reverse()) {
    try {
      const v = await decryptField(keys, m[0]);
      out = out.slice(0, m.index) + (typeof v === "string" ? v : JSON.stringify(v)) + out.slice(m.index + m[0].length);
      restored.encrypted++;
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err; // another tenant's or damaged: left as is
    }
  }
  return out;
}

/** FPE spans per path from the anonymize items; 422 for items that do not fit the input. */
function fpeSpans(
  input: DeanonymizeInput,
  lengthAt: (path: string | undefined) => number | undefined,
): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  const errors: FieldError[] = [];
  (input.items ?? []).forEach((item, i) => {
    if (item.operator !== "fpe") return;
    const len = lengthAt(item.path);
    if (len === undefined)
      errors.push({
        path: `$.items[${i}].path`,
        message: input.text !== undefined ? "Text input takes items without a path." : "No string at this path.",
      });
    else if (item.start < 0 || item.end > len || item.start >= item.end)
      errors.push({ path: `$.items[${i}]`, message: "Offsets are outside the string." });
    else {
      const key = item.path ?? "";
      let list = spans.get(key);
      if (!list) spans.set(key, (list = []));
      list.push({ start: item.start, end: item.end, type: item.type });
    }
  });
  if (errors.length) throw validationFailed(errors, "Some items do not fit the input.");
  return spans;
}

function detectedFpeSpans(text: string, entities: readonly string[] | undefined): Span[] {
  if (!entities?.length) return [];
  return detectText(text, prepareOptions({ entities, minScore: 0.3 })).map((f) => ({
    start: f.start,
    end: f.end,
    type: f.type,
  }));
}

/** Restores a text or a JSON value. Values this tenant cannot restore are left unchanged. */
export async function deanonymize(
  d1: D1Database,
  keys: OperatorKeys,
  input: DeanonymizeInput,
): Promise<{ text?: string; data?: unknown; restored: Restored }> {
  const restored: Restored = { tokens: 0, fpe: 0, encrypted: 0 };
  const allTokens: string[] = [];
  const collect = (s: string) => {
    for (const m of s.matchAll(TOKEN_PATTERN)) allTokens.push(m[0]);
  };
  if (input.text !== undefined) collect(input.text);
  else forEachString(input.data, collect);
  const tokens = await detokenize(d1, keys, allTokens);
  const needFpe = (input.items ?? []).some((i) => i.operator === "fpe") || (input.fpeEntities?.length ?? 0) > 0;
  const fpeKey = needFpe ? await keys.fpeKey() : undefined;

  if (input.text !== undefined) {
    const spans = fpeSpans(input, (p) => (p === undefined ? input.text!.length : undefined)).get("") ?? [];
    let text = input.text;
    if (fpeKey) {
      const r = restoreFpe(text, [...spans, ...detectedFpeSpans(text, input.fpeEntities)], fpeKey);
      text = r.text;
      restored.fpe += r.count;
    }
    return { text: await restoreInline(text, tokens, keys, restored), restored };
  }

  const lengths = new Map<string, number>();
  forEachString(input.data, (s, p) => lengths.set(p, s.length));
  const spans = fpeSpans(input, (p) => (p === undefined ? undefined : lengths.get(p)));
  /** FPE spans (listed or detected), then tokens and inline ciphertexts, of one string or member name. */
  const restoreString = async (s: string, path: string) => {
    if (fpeKey) {
      const r = restoreFpe(s, [...(spans.get(path) ?? []), ...detectedFpeSpans(s, input.fpeEntities)], fpeKey);
      s = r.text;
      restored.fpe += r.count;
    }
    return restoreInline(s, tokens, keys, restored);
  };
  const visit = async (value: unknown, path: string): Promise<unknown> => {
    if (typeof value === "string") {
      // A whole-field ciphertext restores the original JSON value, whatever its type.
      if (/^ENC_v1_[A-Za-z0-9_-]+$/.test(value)) {
        try {
          const v = await decryptField(keys, value);
          restored.encrypted++;
          return v;
        } catch (err) {
          if (!(err instanceof DecryptionError)) throw err;
          return value;
        }
      }
      return restoreString(value, path);
    }
    return value;
  };
  // Member names anonymized with reversible operators come back too (anonymize.ts renames them).
  const data = await mapJson(input.data, {
    leaf: (value, inPath) => visit(value, inPath),
    name: (name, inPath) => restoreString(name, inPath + MEMBER_NAME),
    action: "restoring",
  });
  return { data, restored };
}
