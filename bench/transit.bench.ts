/**
 * Transit throughput through the API worker's HTTP handler (the default export's fetch,
 * the function the runtime calls for every request), next to an echo handler that only
 * moves the same bytes: a plain fetch handler defined here (no test route in production
 * code) that reads the body and returns it, called with the same Request. MB/s = hz ×
 * payload size; `node bench/transit-table.mjs <json report>` prints the BENCHMARKS.md table.
 *
 * The handler is called directly rather than through `exports.default.fetch`: under
 * @cloudflare/vitest-pool-workers every call through that loopback gets slower as calls
 * accumulate in the workerd instance (measured here: /healthz 2.4 ms → 430 ms after
 * ~2,000 calls; cloudflare/workers-sdk#15446), so it would measure the harness, not us.
 *
 * JSON bodies carry base64 plaintext (limit 4 MiB, so up to 1 MB); raw bodies are
 * application/octet-stream through the chunked framing (limit 10 MiB).
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { test, type TestContext } from "vitest";
import worker from "../workers/api/index";

const BASE = "https://vault.test";
const KB = 1000;
const SIZES: [string, number][] = [
  ["1 KB", 1 * KB],
  ["100 KB", 100 * KB],
  ["1 MB", 1000 * KB],
  ["10 MB", 10_000 * KB],
];
const JSON_SIZES = SIZES.filter(([, n]) => n <= 1000 * KB);

/** The API worker's HTTP handler, as the runtime invokes it. */
const handler = { fetch: (request: Request) => worker.fetch(request, env, createExecutionContext()) };

const echo = {
  async fetch(request: Request): Promise<Response> {
    return new Response(await request.arrayBuffer(), {
      headers: { "Content-Type": request.headers.get("content-type") ?? "application/octet-stream" },
    });
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bench fixtures read whatever the API answers
async function api(path: string, token: string, body: unknown): Promise<any> {
  const res = await handler.fetch(
    new Request(BASE + path, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const tenant = await api("/api/v1/tenants", env.OPERATOR_TOKEN, { name: "bench" });
const { key: token } = await api(`/api/v1/tenants/${tenant.id}/keys`, env.OPERATOR_TOKEN, {
  name: "bench",
  scopes: ["*"],
});
await api("/api/v1/keys", token, { name: "bench" });

function payload(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
const toB64 = (b: Uint8Array) => (b as unknown as { toBase64(): string }).toBase64();

// Content-Length as an HTTP client sends it (a Request built from a buffer has none, and
// without it the body guard must count the body while buffering it).
/** A POST of `body` to the API with the bench key; Content-Length set, as a client sending a known length would. */
const post = (path: string, type: string, body: string | Uint8Array) =>
  new Request(BASE + path, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": type,
      // JSON bodies here are ASCII, so their string length is their byte length.
      "Content-Length": String(typeof body === "string" ? body.length : body.byteLength),
    },
    body,
  });
const jsonRequest = (path: string, body: string) => post(path, "application/json", body);
const rawRequest = (path: string, body: Uint8Array) => post(path, "application/octet-stream", body);

async function drain(res: Response): Promise<void> {
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Per size: the plaintext, its JSON encrypt and decrypt bodies (sizes up to 1 MB) and its raw ciphertext. */
interface Inputs {
  plain: Uint8Array;
  encryptJson: string;
  decryptJson: string;
  framed: Uint8Array;
}
const inputs = new Map<number, Inputs>();
for (const [, n] of SIZES) {
  const plain = payload(n);
  const framed = new Uint8Array(await (await handler.fetch(rawRequest("/api/v1/encrypt/bench", plain))).arrayBuffer());
  let encryptJson = "";
  let decryptJson = "";
  if (n <= 1000 * KB) {
    encryptJson = JSON.stringify({ key: "bench", plaintext: toB64(plain) });
    const { ciphertext } = await api("/api/v1/encrypt", token, JSON.parse(encryptJson));
    decryptJson = JSON.stringify({ key: "bench", ciphertext });
  }
  inputs.set(n, { plain, encryptJson, decryptJson, framed });
}

const options = (n: number) =>
  n >= 10_000 * KB ? { time: 1500, iterations: 8, warmupIterations: 2 } : { time: 600, warmupIterations: 5 };
// The echo of small payloads would run tens of thousands of times in the same time
// budget; the garbage (Requests and Responses with native bodies) measurably slowed the
// benches after it, so its iterations are capped instead.
const echoOptions = (n: number) => (n <= 100 * KB ? { time: 0, iterations: 400, warmupIterations: 20 } : options(n));

// Transit and echo keep their own budgets (see echoOptions), so each pair runs one after
// the other rather than through bench.compare (whose run options are shared).
test("HTTP dispatch floor", async ({ bench }) => {
  // What every request through the handler costs before any work: GET /healthz.
  await bench("healthz", async () => drain(await handler.fetch(new Request(BASE + "/healthz")))).run({
    time: 600,
    warmupIterations: 5,
  });
});

/**
 * For each size, `<op> <size>` through the API handler and `echo <size>`: the same request to the echo handler, what
 * moving the bytes alone costs. `request` builds a fresh request from the size's inputs (a body is read once).
 */
async function handlerAndEcho(
  bench: TestContext["bench"],
  sizes: [string, number][],
  op: string,
  request: (input: Inputs) => Request,
) {
  for (const [label, n] of sizes) {
    const input = inputs.get(n)!;
    await bench(`${op} ${label}`, async () => drain(await handler.fetch(request(input)))).run(options(n));
    await bench(`echo ${label}`, async () => drain(await echo.fetch(request(input)))).run(echoOptions(n));
  }
}

test("transit JSON encrypt (base64 plaintext)", ({ bench }) =>
  handlerAndEcho(bench, JSON_SIZES, "encrypt", (i) => jsonRequest("/api/v1/encrypt", i.encryptJson)));

test("transit JSON decrypt (audited)", ({ bench }) =>
  handlerAndEcho(bench, JSON_SIZES, "decrypt", (i) => jsonRequest("/api/v1/decrypt", i.decryptJson)));

test("transit raw encrypt (octet-stream, 64 KiB segments)", ({ bench }) =>
  handlerAndEcho(bench, SIZES, "encrypt", (i) => rawRequest("/api/v1/encrypt/bench", i.plain)));

test("transit raw decrypt (octet-stream, audited)", ({ bench }) =>
  handlerAndEcho(bench, SIZES, "decrypt", (i) => rawRequest("/api/v1/decrypt/bench", i.framed)));
