/**
 * Transit operations (encryption as a service, Vault's transit engine as the model):
 * encrypt, decrypt, rewrap (each single or batch, JSON), raw octet-stream encrypt and
 * decrypt, data keys, hashing and HMAC. Decryption is audited before plaintext leaves
 * (src/shared/transit/audit.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditedRelease } from "../../../src/shared/transit/audit";
import { ProblemError } from "../../../src/shared/errors";
import {
  DataKeyRequestSchema,
  type DecryptItem,
  DataKeyResponseSchema,
  DecryptRequestSchema,
  DecryptResponseSchema,
  EncryptRequestSchema,
  EncryptResponseSchema,
  HashRequestSchema,
  HashResponseSchema,
  HmacRequestSchema,
  HmacResponseSchema,
  HmacVerifyRequestSchema,
  HmacVerifyResponseSchema,
  KeyNameParams,
  RawQuerySchema,
  type RewrapItem,
  RewrapRequestSchema,
  RewrapResponseSchema,
} from "../../../src/shared/schema/transit";
import { digest, encodeDigest, hmac, inputBytes, verifyHmac } from "../../../src/shared/transit/hashing";
import { KeyPolicy } from "../../../src/shared/transit/key-policy";
import { dataKey, decryptItem, encryptItem, rewrapItem, runBatch } from "../../../src/shared/transit/operations";
import { decryptRaw, encryptRaw } from "../../../src/shared/transit/raw";
import { auditScope, tenantOf, type AppContext } from "../context";
import { tenantRoute } from "../route-access";
import { problemOf } from "../middleware/errors";
import { bodyLimit, OCTET_STREAM_TYPE } from "../middleware/body-limit";
import {
  RAW_CIPHERTEXT_LIMIT_BYTES,
  RAW_PLAINTEXT_LIMIT_BYTES,
  TRANSIT_JSON_LIMIT_BYTES,
} from "../../../src/shared/transit/limits";
import { jsonBody, jsonResponse, pick, router } from "../openapi";

const encrypting = tenantRoute("crypto:encrypt", "transit");
// Batches of up to 1000 items need more room than the JSON default.
const encryptingBatch = tenantRoute("crypto:encrypt", "transit", bodyLimit(TRANSIT_JSON_LIMIT_BYTES));
const decryptingBatch = tenantRoute("crypto:decrypt", "transit", bodyLimit(TRANSIT_JSON_LIMIT_BYTES));
const jsonErrors = pick(400, 401, 403, 404, 413, 415, 422);

const OCTET_STREAM = "application/octet-stream";
const binary = z.string().openapi({ type: "string", format: "binary" });
const octetBody = (description: string) => ({
  required: true,
  description,
  content: { [OCTET_STREAM]: { schema: binary } },
});
const octetResponse = (description: string) => ({
  description,
  content: { [OCTET_STREAM]: { schema: binary } },
  headers: z.object({ "x-key-version": z.string().openapi({ description: "The key version used" }) }),
});

const openKey = (c: AppContext, name: string) => KeyPolicy.open(c.env, tenantOf(c).tenantId, name);

/** Raw routes take only application/octet-stream (the body guard also lets JSON through). */
function assertOctetStream(c: AppContext): void {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/octet-stream\s*(?:;|$)/i.test(type)) {
    throw new ProblemError(415, "unsupported-media-type", {
      detail: `Send the body as application/octet-stream (got '${type || "none"}').`,
      headers: { "Accept-Post": OCTET_STREAM },
    });
  }
}

const encrypt = createRoute({
  ...encryptingBatch,
  method: "post",
  path: "/encrypt",
  summary: "Encrypt base64 plaintext or a JSON value (or a batch of up to 1000)",
  request: { body: jsonBody(EncryptRequestSchema) },
  responses: { 200: jsonResponse(EncryptResponseSchema, "The ciphertext, or batch_results"), ...jsonErrors },
});

const decrypt = createRoute({
  ...decryptingBatch,
  method: "post",
  path: "/decrypt",
  summary: "Decrypt a ciphertext (or a batch); audited",
  request: { body: jsonBody(DecryptRequestSchema) },
  responses: {
    200: jsonResponse(DecryptResponseSchema, "plaintext (base64) or data, or batch_results"),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const rewrap = createRoute({
  ...encryptingBatch,
  method: "post",
  path: "/rewrap",
  summary: "Re-encrypt under the newest key version without returning plaintext (or a batch); audited",
  request: { body: jsonBody(RewrapRequestSchema) },
  responses: {
    200: jsonResponse(RewrapResponseSchema, "The new ciphertext, or batch_results"),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const datakey = createRoute({
  ...encrypting,
  method: "post",
  path: "/datakey",
  summary: "A fresh data key for client-side envelope encryption: plaintext and wrapped, or wrapped only",
  request: { body: jsonBody(DataKeyRequestSchema) },
  responses: {
    200: jsonResponse(DataKeyResponseSchema, "The data key"),
    ...pick(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

const encryptStream = createRoute({
  ...tenantRoute("crypto:encrypt", "transit", bodyLimit(RAW_PLAINTEXT_LIMIT_BYTES, { alsoAccept: OCTET_STREAM_TYPE })),
  method: "post",
  path: "/encrypt/{name}",
  summary: "Encrypt a raw body (up to 10 MiB) into the chunked framing, streamed",
  request: { params: KeyNameParams, query: RawQuerySchema, body: octetBody("The plaintext bytes") },
  responses: { 200: octetResponse("The framed ciphertext"), ...jsonErrors },
});

const decryptStream = createRoute({
  ...tenantRoute("crypto:decrypt", "transit", bodyLimit(RAW_CIPHERTEXT_LIMIT_BYTES, { alsoAccept: OCTET_STREAM_TYPE })),
  method: "post",
  path: "/decrypt/{name}",
  summary: "Decrypt a framed raw body; plaintext is released only once every segment authenticated; audited",
  request: { params: KeyNameParams, query: RawQuerySchema, body: octetBody("The framed ciphertext") },
  responses: { 200: octetResponse("The plaintext bytes"), ...pick(400, 401, 403, 404, 413, 415, 422, 503) },
});

const hash = createRoute({
  ...encrypting,
  method: "post",
  path: "/hash",
  summary: "Hash input with SHA-256, SHA-512 or BLAKE3 (no key)",
  request: { body: jsonBody(HashRequestSchema) },
  responses: { 200: jsonResponse(HashResponseSchema, "The digest"), ...pick(400, 401, 403, 413, 415, 422) },
});

const hmacRoute = createRoute({
  ...encrypting,
  method: "post",
  path: "/hmac/{name}",
  summary: "HMAC-SHA-256 of input with an hmac-sha256 transit key",
  request: { params: KeyNameParams, body: jsonBody(HmacRequestSchema) },
  responses: { 200: jsonResponse(HmacResponseSchema, "ldv:v<version>:<base64 mac>"), ...jsonErrors },
});

const hmacVerify = createRoute({
  ...encrypting,
  method: "post",
  path: "/hmac/{name}/verify",
  summary: "Verify an HMAC (constant-time comparison)",
  request: { params: KeyNameParams, body: jsonBody(HmacVerifyRequestSchema) },
  responses: { 200: jsonResponse(HmacVerifyResponseSchema, "Whether the HMAC matches"), ...jsonErrors },
});

const resource = (name: string) => ({ transit_key: name });

async function openEncryptionKey(c: AppContext, name: string): Promise<KeyPolicy> {
  const key = await openKey(c, name);
  key.assertEncryptionKey();
  return key;
}

/**
 * A release of protected output (decrypt, rewrap), audited before it leaves: `single`, or each
 * item of `batch` with its own error in `batch_results` and the count of failures in the event.
 */
async function auditedItems<I, T>(
  c: AppContext,
  action: string,
  name: string,
  single: I,
  batch: (I & { reference?: string })[] | undefined,
  op: (item: I, path?: string) => Promise<T>,
) {
  const entry = {
    action,
    resource: resource(name),
    details: { mode: batch ? "batch" : "single", items: batch?.length ?? 1 },
  };
  if (!batch) return auditedRelease(c.env, auditScope(c), entry, () => op(single));
  const { batch_results } = await auditedRelease(
    c.env,
    auditScope(c),
    entry,
    () => runBatch(batch, op, problemOf),
    (r) => ({ failed: r.failed }),
  );
  return { batch_results };
}

export const transitRoutes = router()
  .openapi(encrypt, async (c) => {
    const { key: name, batch_input, ...single } = c.req.valid("json");
    const key = await openEncryptionKey(c, name);
    if (batch_input) {
      const { batch_results } = await runBatch(batch_input, (item, path) => encryptItem(key, item, path), problemOf);
      return c.json({ batch_results }, 200);
    }
    return c.json(await encryptItem(key, single), 200);
  })
  .openapi(decrypt, async (c) => {
    const { key: name, batch_input, ...single } = c.req.valid("json");
    const key = await openEncryptionKey(c, name);
    const item: DecryptItem = {
      ciphertext: single.ciphertext!,
      context: single.context,
      associated_data: single.associated_data,
    };
    const op = (it: DecryptItem, path?: string) => decryptItem(key, it, path);
    return c.json(await auditedItems(c, "transit.decrypt", name, item, batch_input, op), 200);
  })
  .openapi(rewrap, async (c) => {
    const { key: name, batch_input, ...single } = c.req.valid("json");
    const key = await openEncryptionKey(c, name);
    const item: RewrapItem = { ...single, ciphertext: single.ciphertext! };
    const op = (it: RewrapItem, path?: string) => rewrapItem(key, it, path);
    return c.json(await auditedItems(c, "transit.rewrap", name, item, batch_input, op), 200);
  })
  .openapi(datakey, async (c) => {
    const req = c.req.valid("json");
    const key = await openEncryptionKey(c, req.key);
    // A plaintext data key is key material leaving the vault: recorded like a decrypt.
    const entry = {
      action: "transit.datakey",
      resource: resource(req.key),
      details: { form: req.plaintext ? "wrapped_and_plain" : "wrapped_only", bits: req.bits },
    };
    return c.json(await auditedRelease(c.env, auditScope(c), entry, () => dataKey(key, req)), 200);
  })
  .openapi(encryptStream, async (c) => {
    assertOctetStream(c);
    const key = await openKey(c, c.req.valid("param").name);
    const { stream, version } = await encryptRaw(key, c.req.raw.body, c.req.valid("query"));
    return c.body(stream, 200, { "Content-Type": OCTET_STREAM, "X-Key-Version": String(version) });
  })
  .openapi(decryptStream, async (c) => {
    assertOctetStream(c);
    const { name } = c.req.valid("param");
    const key = await openKey(c, name);
    const plaintext = await auditedRelease(
      c.env,
      auditScope(c),
      { action: "transit.decrypt", resource: resource(name), details: { mode: "raw", items: 1 } },
      () => decryptRaw(key, c.req.raw.body, c.req.valid("query")),
    );
    return c.body(plaintext, 200, { "Content-Type": OCTET_STREAM });
  })
  .openapi(hash, async (c) => {
    const req = c.req.valid("json");
    const sum = await digest(req.algorithm, inputBytes(req.input, req.format));
    return c.json({ sum: encodeDigest(sum, req.output_format), algorithm: req.algorithm }, 200);
  })
  .openapi(hmacRoute, async (c) => {
    const req = c.req.valid("json");
    const key = await openKey(c, c.req.valid("param").name);
    key.assertHmacKey();
    return c.json(await hmac(key, inputBytes(req.input, req.format), req.key_version), 200);
  })
  .openapi(hmacVerify, async (c) => {
    const req = c.req.valid("json");
    const key = await openKey(c, c.req.valid("param").name);
    key.assertHmacKey();
    return c.json({ valid: await verifyHmac(key, inputBytes(req.input, req.format), req.hmac) }, 200);
  });
