/** Idempotency-Key handling for record POSTs: the header's rules and the request fingerprint. */
import { z } from "@hono/zod-openapi";
import canonicalize from "canonicalize";
import { sha256Hex, utf8 } from "./canonical";
import type { IdempotencyClaim } from "./wire";

/** 1-255 visible ASCII characters, e.g. a UUID. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "1-255 visible ASCII characters")
  .optional()
  .openapi({
    param: { name: "idempotency-key", in: "header" },
    description:
      "Makes a retry safe: a request with a key already used (within 24 h) for the same request returns the original response " +
      "(with `Idempotent-Replayed: true`) and writes nothing; the same key with a different request is a 422.",
    example: "5f1c1f0e-8d9b-4a39-9a59-0f1b8c6d1e2a",
  });

/**
 * The claim of a request: its key and a fingerprint of what it asks (operation and
 * canonical body), or null when the body cannot be canonicalized (it will then fail
 * validation anyway, and nothing is remembered for it).
 */
export async function idempotencyClaim(
  key: string,
  operation: string,
  body: unknown,
): Promise<IdempotencyClaim | null> {
  let canonical: string | undefined;
  try {
    canonical = canonicalize(body);
  } catch {
    return null;
  }
  if (canonical === undefined) return null;
  return { key, fingerprint: await sha256Hex(utf8(`${operation}\n${canonical}`)) };
}
