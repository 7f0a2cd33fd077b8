/**
 * Tenant custom recognizers in D1 (`pii_recognizers`): create, list, read, replace,
 * delete, and loading them compiled for detection with a short per-isolate cache.
 */
import { and, asc, count, eq, gt } from "drizzle-orm";
import { db, schema } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { conflict, notFound, validationFailed } from "../errors";
import { newId } from "../ids";
import { decodeCursor, keysetPage } from "../pagination";
import { cacheUntilRejected, makeRoom } from "../promise-cache";
import type { Recognizer, RecognizerInput } from "../schema/pii";
import { CONTEXT_BOOST } from "./context";
import { compileTenantPattern, RefusedPatternError } from "./tenant-pattern";
import type { CompiledRecognizer } from "./types";

type Row = typeof schema.piiRecognizers.$inferSelect;

/** Recognizers a tenant may keep, and so run in one request; each one is an extra RE2 pass over every text. */
export const MAX_RECOGNIZERS_PER_TENANT = 50;
/** Seconds another isolate may keep using a recognizer list after it changed. */
export const RECOGNIZER_CACHE_SECONDS = 30;

export const toRecognizer = (r: Row): Recognizer => ({
  id: r.id,
  name: r.name,
  entity: r.entity,
  pattern: r.pattern,
  flags: r.flags,
  context: JSON.parse(r.context) as string[],
  score: r.score / 1000,
  created_at: r.createdAt,
});

/** Compiles a stored or submitted recognizer for RE2; throws RefusedPatternError for a refused pattern. */
export function compileRecognizer(
  r: Pick<Recognizer, "id" | "name" | "entity" | "pattern" | "flags" | "context" | "score">,
): CompiledRecognizer {
  return {
    id: r.id,
    name: r.name,
    entity: r.entity,
    pattern: compileTenantPattern(r.pattern, r.flags),
    score: r.score,
    context: r.context.length ? { words: new Set(r.context), boost: CONTEXT_BOOST } : undefined,
  };
}

/** 422 naming `$.pattern` when the pattern is invalid or uses a feature RE2 cannot run. */
export function checkPattern(input: RecognizerInput): void {
  try {
    compileTenantPattern(input.pattern, input.flags ?? "");
  } catch (err) {
    if (err instanceof RefusedPatternError)
      throw validationFailed([{ path: "$.pattern", message: err.message }], `The pattern was refused: ${err.message}.`);
    throw err;
  }
  if (input.entity === "DENY_LIST")
    throw validationFailed([{ path: "$.entity", message: "DENY_LIST is reserved for deny lists." }]);
}

const nameTaken = (name: string) => conflict(`A recognizer named '${name}' already exists in this tenant.`);

const cache = new Map<string, { at: number; list: Promise<CompiledRecognizer[]> }>();

/** Recognizer ids are `rcg_…`, apart from records' `rec_…`. */
export const RECOGNIZER_ID_PREFIX = "rcg";

function forget(tenantId: string) {
  cache.delete(tenantId);
}

/** The stored columns of a recognizer's input (score in thousandths, context as JSON). */
function storedFields(input: RecognizerInput) {
  return {
    name: input.name,
    entity: input.entity,
    pattern: input.pattern,
    flags: input.flags ?? "",
    context: JSON.stringify(input.context ?? []),
    score: Math.round(input.score * 1000),
  };
}

/** Validates and builds a new row (checks the quota and the name) without writing it. */
export async function prepareRecognizer(d1: D1Database, tenantId: string, input: RecognizerInput): Promise<Row> {
  checkPattern(input);
  const d = db(d1);
  // One round trip for both checks.
  const [[{ n }], taken] = await d.batch([
    d.select({ n: count() }).from(schema.piiRecognizers).where(eq(schema.piiRecognizers.tenantId, tenantId)),
    d
      .select({ id: schema.piiRecognizers.id })
      .from(schema.piiRecognizers)
      .where(and(eq(schema.piiRecognizers.tenantId, tenantId), eq(schema.piiRecognizers.name, input.name))),
  ]);
  if (n >= MAX_RECOGNIZERS_PER_TENANT)
    throw conflict(`A tenant may have at most ${MAX_RECOGNIZERS_PER_TENANT} recognizers.`);
  if (taken.length) throw nameTaken(input.name);
  return { id: newId(RECOGNIZER_ID_PREFIX), tenantId, ...storedFields(input), createdAt: new Date().toISOString() };
}

export async function insertRecognizer(d1: D1Database, row: Row): Promise<Recognizer> {
  try {
    await db(d1).insert(schema.piiRecognizers).values(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(row.name);
    throw err;
  }
  forget(row.tenantId);
  return toRecognizer(row);
}

/** The tenant scope is part of the lookup: another tenant's id is simply not found. */
export async function getRecognizerRow(d1: D1Database, tenantId: string, id: string): Promise<Row> {
  const row = await db(d1)
    .select()
    .from(schema.piiRecognizers)
    .where(and(eq(schema.piiRecognizers.id, id), eq(schema.piiRecognizers.tenantId, tenantId)))
    .get();
  if (!row) throw notFound("The recognizer");
  return row;
}

export async function listRecognizers(d1: D1Database, tenantId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, { id: "string" }).id : "";
  const rows = await db(d1)
    .select()
    .from(schema.piiRecognizers)
    .where(and(eq(schema.piiRecognizers.tenantId, tenantId), gt(schema.piiRecognizers.id, after)))
    .orderBy(asc(schema.piiRecognizers.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toRecognizer);
}

/** Replaces every field but the id and creation time. */
export async function replaceRecognizer(d1: D1Database, current: Row, input: RecognizerInput): Promise<Recognizer> {
  checkPattern(input);
  let row: Row | undefined;
  try {
    row = await db(d1)
      .update(schema.piiRecognizers)
      .set(storedFields(input))
      .where(and(eq(schema.piiRecognizers.id, current.id), eq(schema.piiRecognizers.tenantId, current.tenantId)))
      .returning()
      .get();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  if (!row) throw notFound("The recognizer");
  forget(current.tenantId);
  return toRecognizer(row);
}

export async function deleteRecognizer(d1: D1Database, current: Row): Promise<void> {
  await db(d1)
    .delete(schema.piiRecognizers)
    .where(and(eq(schema.piiRecognizers.id, current.id), eq(schema.piiRecognizers.tenantId, current.tenantId)));
  forget(current.tenantId);
}

/**
 * The tenant's recognizers, compiled, cached per isolate for RECOGNIZER_CACHE_SECONDS
 * (changes made through this isolate apply at once). A stored pattern that no longer
 * compiles is skipped (and logged) rather than failing every request.
 */
export function loadRecognizers(d1: D1Database, tenantId: string, now = Date.now()): Promise<CompiledRecognizer[]> {
  const hit = cache.get(tenantId);
  if (hit && now - hit.at < RECOGNIZER_CACHE_SECONDS * 1000) return hit.list;
  const list = (async () => {
    const rows = await db(d1)
      .select()
      .from(schema.piiRecognizers)
      .where(eq(schema.piiRecognizers.tenantId, tenantId))
      .orderBy(asc(schema.piiRecognizers.id))
      .all();
    const out: CompiledRecognizer[] = [];
    for (const r of rows) {
      try {
        out.push(compileRecognizer(toRecognizer(r)));
      } catch (err) {
        // Stored under an older checker (e.g. a lookahead, accepted before tenant patterns moved to
        // RE2): skipped rather than failing every request; logged by id, never by pattern.
        if (!(err instanceof RefusedPatternError)) throw err;
        console.error(
          JSON.stringify({
            level: "warn",
            msg: "stored recognizer no longer compiles; skipped",
            tenant_id: tenantId,
            recognizer_id: r.id,
          }),
        );
      }
    }
    return out;
  })();
  makeRoom(cache, tenantId, 10_000);
  return cacheUntilRejected(cache, tenantId, { at: now, list }, list);
}
