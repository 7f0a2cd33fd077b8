/** RFC 8785 canonical JSON of record data, the structural checks it needs, and SHA-256 over it. */
import canonicalize from "canonicalize";
import type { FieldError } from "../errors";
import { hex } from "../ids";
import { MAX_DEPTH } from "./limits";

const encoder = new TextEncoder();

/**
 * Structural problems canonicalization and validation cannot handle: nesting deeper than
 * MAX_DEPTH and numbers that are not finite (JSON.parse turns `1e999` into Infinity).
 * Walks iteratively, so a hostile nesting cannot overflow the stack here.
 */
export function structuralErrors(value: unknown, root: string, maxDepth = MAX_DEPTH): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length && errors.length < 20) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "number" && !Number.isFinite(v)) {
      errors.push({ path, message: "Numbers must be finite." });
    } else if (v !== null && typeof v === "object") {
      if (depth >= maxDepth) {
        errors.push({ path, message: `Nesting is deeper than ${maxDepth} levels.` });
        continue;
      }
      if (Array.isArray(v)) v.forEach((child, i) => stack.push({ v: child, path: `${path}[${i}]`, depth: depth + 1 }));
      else for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: childPath(path, k), depth: depth + 1 });
    }
  }
  return errors;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The RFC 8785 canonical JSON text of a value that passed `structuralErrors`.
 * @example canonicalJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalized");
  return text;
}

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** SHA-256 (WebCrypto) of bytes, as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}
