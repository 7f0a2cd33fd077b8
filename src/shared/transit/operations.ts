/**
 * Transit operations on JSON bodies: encrypt, decrypt, rewrap and data keys, one item or
 * a batch. A batch item that cannot be processed gets its own problem document in
 * `batch_results` while the others succeed (Vault's batch semantics); a request whose
 * shape is wrong was already refused whole by validation.
 */
import { ProblemError, validationFailed } from "../errors";
import type { DataKeyRequest, DecryptItem, EncryptItem, RewrapItem } from "../schema/transit";
import { fromBase64, toBase64 } from "./base64";
import { openPayload, sealPayload } from "./cipher";
import { parseCiphertext, type PayloadFormat } from "./envelope";
import type { KeyPolicy } from "./key-policy";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export interface CiphertextResult {
  ciphertext: string;
  key_version: number;
}
export type PlaintextResult = { plaintext: string } | { data: unknown };

/** Decodes an optional base64 field, naming it on failure. */
export function decodeField(value: string | undefined, path: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const bytes = fromBase64(value);
  if (!bytes) throw validationFailed([{ path, message: "Not valid base64." }]);
  return bytes;
}

/** The bytes to seal; exactly one of plaintext and data (JSON null is data), else a 422 for this item. */
function payloadOf(item: EncryptItem, path: string): { format: PayloadFormat; bytes: Uint8Array } {
  const hasPlain = item.plaintext !== undefined;
  if (hasPlain === (item.data !== undefined)) {
    throw validationFailed([
      {
        path: `${path}.${hasPlain ? "data" : "plaintext"}`,
        message: "Send exactly one of plaintext (base64) or data (JSON).",
      },
    ]);
  }
  if (hasPlain) return { format: "bytes", bytes: decodeField(item.plaintext, `${path}.plaintext`)! };
  return { format: "json", bytes: encoder.encode(JSON.stringify(item.data)) };
}

/** Encrypts one item; `path` is where its fields sit in the request (`$` or `$.batch_input[i]`). */
export async function encryptItem(key: KeyPolicy, item: EncryptItem, path = "$"): Promise<CiphertextResult> {
  const context = decodeField(item.context, `${path}.context`);
  key.checkContext(context, `${path}.context`);
  const associatedData = decodeField(item.associated_data, `${path}.associated_data`);
  const { format, bytes } = payloadOf(item, path);
  return sealItem(key, item.key_version, path, { format, bytes, context, associatedData });
}

/**
 * Seals a payload under the key's newest version, or `keyVersion` when the policy allows it (else a 422 at
 * `${path}.key_version`), bound to the item's context and associated data.
 */
async function sealItem(
  key: KeyPolicy,
  keyVersion: number | undefined,
  path: string,
  payload: { format: PayloadFormat; bytes: Uint8Array; context?: Uint8Array; associatedData?: Uint8Array },
): Promise<CiphertextResult> {
  const version = await key.encryptionVersion(keyVersion, `${path}.key_version`);
  const keys = await key.keys(version, payload.context);
  const ciphertext = await sealPayload(key.ref(version), keys, payload.format, payload.bytes, payload.associatedData);
  return { ciphertext, key_version: version };
}

/** Opens one ciphertext to its format and bytes. */
async function openItem(key: KeyPolicy, item: DecryptItem, path: string) {
  const context = decodeField(item.context, `${path}.context`);
  key.checkContext(context, `${path}.context`);
  const associatedData = decodeField(item.associated_data, `${path}.associated_data`);
  const parsed = parseCiphertext(item.ciphertext);
  await key.decryptionVersion(parsed.version);
  const bytes = await openPayload(
    key.ref(parsed.version),
    await key.keys(parsed.version, context),
    parsed,
    associatedData,
  );
  return { format: parsed.format, bytes, context, associatedData };
}

/** Decrypts one item to base64 `plaintext`, or to `data` when JSON was encrypted. */
export async function decryptItem(key: KeyPolicy, item: DecryptItem, path = "$"): Promise<PlaintextResult> {
  const { format, bytes } = await openItem(key, item, path);
  if (format === "bytes") return { plaintext: toBase64(bytes) };
  // Authenticated bytes we sealed as JSON always parse; anything else would be a bug.
  return { data: JSON.parse(decoder.decode(bytes)) };
}

/** Re-encrypts under the newest (or a chosen) version without the plaintext leaving the vault. */
export async function rewrapItem(key: KeyPolicy, item: RewrapItem, path = "$"): Promise<CiphertextResult> {
  const opened = await openItem(key, item, path);
  try {
    return await sealItem(key, item.key_version, path, opened);
  } finally {
    opened.bytes.fill(0);
  }
}

/**
 * A fresh random data key for client-side envelope encryption, encrypted under the
 * transit key; POST /decrypt of `ciphertext` gives the same bytes back.
 */
export async function dataKey(key: KeyPolicy, req: DataKeyRequest): Promise<CiphertextResult & { plaintext?: string }> {
  const context = decodeField(req.context, "$.context");
  key.checkContext(context, "$.context");
  const raw = crypto.getRandomValues(new Uint8Array(req.bits / 8));
  try {
    const sealed = await sealItem(key, req.key_version, "$", { format: "bytes", bytes: raw, context });
    return { ...sealed, ...(req.plaintext ? { plaintext: toBase64(raw) } : {}) };
  } finally {
    raw.fill(0);
  }
}

export type BatchResult<T> =
  (T & { reference?: string }) | { error: ReturnType<ProblemError["toProblem"]>; reference?: string };

/**
 * Runs `op` on every item. Problems (bad base64, a context the key does not take,
 * a version the policy refuses, a ciphertext that does not open) become that item's
 * `error`, as `problemOf` renders them (the API edge's table, so an item's status is the
 * one the same error would get alone); anything it does not render (storage down) fails
 * the whole request.
 */
export async function runBatch<I extends { reference?: string }, T>(
  items: I[],
  op: (item: I, path: string) => Promise<T>,
  problemOf: (err: unknown) => ProblemError | undefined,
): Promise<{ batch_results: BatchResult<T>[]; failed: number }> {
  let failed = 0;
  const batch_results = await Promise.all(
    items.map(async (item, i): Promise<BatchResult<T>> => {
      const reference = item.reference !== undefined ? { reference: item.reference } : {};
      try {
        return { ...(await op(item, `$.batch_input[${i}]`)), ...reference };
      } catch (err) {
        const problem = problemOf(err);
        if (!problem) throw err;
        failed++;
        return { error: problem.toProblem(undefined), ...reference };
      }
    }),
  );
  return { batch_results, failed };
}
