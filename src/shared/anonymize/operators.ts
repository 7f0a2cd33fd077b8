/**
 * The anonymization operators, one value at a time: redact, replace, mask, hash,
 * pseudonymize, tokenize, fpe, date_shift, generalize, surrogate (and keep). Keyed
 * operators use the tenant's secrets, so their output is stable within a tenant and
 * different across tenants.
 */
import { concatBytes } from "@noble/hashes/utils.js";
import { validationFailed, type FieldError } from "../errors";
import { hex } from "../ids";
import { PSEUDONYM_DEFAULT_HEX, type Operator } from "../schema/pii";
import { parseDate, shiftDate } from "./dates";
import { fpe, FpeUnsupported, FPE_TYPES } from "./fpe";
import { generalize } from "./generalize";
import { hmacParts, type OperatorKeys } from "./keys";
import { mask } from "./mask";
import { normalizeValue } from "./normalize";
import { Rng, surrogate } from "./surrogate";
import type { TokenVault } from "./vault";

/**
 * Defaults by type: replace with `<TYPE>`, except cards (masked but for the last four
 * digits, as PCI DSS allows showing), and birth dates and ages (generalized to a year and
 * a range, which keeps them useful for analysis).
 */
export const DEFAULT_OPERATORS: Readonly<Record<string, Operator>> = {
  CREDIT_CARD: { type: "mask", keep: 4 },
  DATE_OF_BIRTH: { type: "generalize" },
  AGE: { type: "generalize" },
};

export type OperatorMap = Partial<Record<string, Operator>>;

/** The operator for a type: the caller's, else the caller's DEFAULT, else the type's default. */
export function operatorFor(type: string, operators?: OperatorMap): Operator {
  return operators?.[type] ?? operators?.DEFAULT ?? DEFAULT_OPERATORS[type] ?? { type: "replace" };
}

/** 422 for operator choices that cannot work: FPE on a type whose shape it cannot keep. */
export function checkOperators(operators: OperatorMap | undefined, root = "$.operators"): void {
  if (!operators) return;
  const errors: FieldError[] = [];
  for (const [type, op] of Object.entries(operators)) {
    if (op?.type === "fpe" && type !== "DEFAULT" && !FPE_TYPES.has(type)) {
      errors.push({
        path: `${root}.${type}`,
        message: `Format-preserving encryption supports ${[...FPE_TYPES].join(", ")}.`,
      });
    }
  }
  if (errors.length) throw validationFailed(errors, "An operator does not fit its entity type.");
}

export interface OperatorContext {
  keys: OperatorKeys;
  vault: TokenVault;
  /** The JSON record being anonymized, where date_shift finds its `subject_field`. */
  record?: unknown;
}

export interface Applied {
  text: string;
  /** The operator that was applied: FPE or date shift fall back to replace when they cannot apply. */
  operator: Operator["type"];
}

const encoder = new TextEncoder();

async function dateShiftDays(ctx: OperatorContext, subject: string, maxDays: number): Promise<number> {
  const mac = await hmacParts(ctx.keys, "date_shift", subject);
  const n = new DataView(mac.buffer).getUint32(0);
  // Uniform over [-max, -1] ∪ [1, max]: a shift of zero would leak the date.
  const k = n % (2 * maxDays);
  return k < maxDays ? k - maxDays : k - maxDays + 1;
}

/** Whose dates shift together: the operator's subject, the record's subject field, or one tenant-wide subject. */
function subjectOf(op: Extract<Operator, { type: "date_shift" }>, ctx: OperatorContext): string {
  if (op.subject) return op.subject;
  const rec = ctx.record;
  if (op.subject_field && rec && typeof rec === "object" && !Array.isArray(rec)) {
    const v = (rec as Record<string, unknown>)[op.subject_field];
    if (v !== undefined && v !== null) return `field:${typeof v === "string" ? v : JSON.stringify(v)}`;
  }
  return "default";
}

/** Applies one operator to one detected value of `type`. */
export async function applyOperator(op: Operator, type: string, value: string, ctx: OperatorContext): Promise<Applied> {
  const replace = (): Applied => ({ text: `<${type}>`, operator: "replace" });
  switch (op.type) {
    case "keep":
      return { text: value, operator: "keep" };
    case "redact":
      return { text: "", operator: "redact" };
    case "replace":
      return { text: op.value ?? `<${type}>`, operator: "replace" };
    case "mask":
      return {
        text: mask(value, { char: op.char, count: op.count, keep: op.keep, fromEnd: op.from_end }),
        operator: "mask",
      };
    case "hash": {
      const salt = await ctx.keys.hashSalt();
      const data = encoder.encode(normalizeValue(type, value));
      return { text: hex(await crypto.subtle.digest("SHA-256", concatBytes(salt, data))), operator: "hash" };
    }
    case "pseudonymize": {
      const mac = await hmacParts(ctx.keys, "pseudonym", type, normalizeValue(type, value));
      // A prefix of the HMAC: a pseudonym of another width for the same value starts with this one's characters.
      return { text: `${type}_${hex(mac).slice(0, op.length ?? PSEUDONYM_DEFAULT_HEX)}`, operator: "pseudonymize" };
    }
    case "tokenize":
      return { text: await ctx.vault.tokenize(type, value), operator: "tokenize" };
    case "fpe":
      try {
        return { text: fpe(await ctx.keys.fpeKey(), type, value), operator: "fpe" };
      } catch (err) {
        if (err instanceof FpeUnsupported) return replace();
        throw err;
      }
    case "date_shift": {
      const parsed = parseDate(value.trim());
      if (!parsed) return replace();
      const days = await dateShiftDays(ctx, subjectOf(op, ctx), op.max_days ?? 365);
      const lead = value.length - value.trimStart().length;
      return {
        text: value.slice(0, lead) + shiftDate(parsed, days) + value.slice(value.trimEnd().length),
        operator: "date_shift",
      };
    }
    case "generalize":
      return { text: generalize(type, value, op.bucket), operator: "generalize" };
    case "surrogate": {
      const mac = await hmacParts(ctx.keys, "surrogate", type, normalizeValue(type, value));
      return { text: surrogate(type, value, new Rng(mac)), operator: "surrogate" };
    }
  }
}
