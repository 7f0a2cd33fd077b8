/**
 * Transit throughput through the HTTP handler (exports.default.fetch), next to an echo
 * handler that only moves the same bytes: a plain fetch handler defined here (no test
 * route in production code) that reads the body and returns it, called with the same
 * Request. MB/s = hz × payload size (BENCHMARKS.md has the table). GET /healthz gives the
 * fixed cost of one dispatch through exports.default.fetch, which the echo does not pay.
 *
 * JSON bodies carry base64 plaintext (limit 4 MiB, so up to 1 MB); raw bodies are
 * application/octet-stream through the chunked framing (limit 10 MiB).
 */
import { env, exports } from "cloudflare:workers";
import { bench, describe } from "vitest";

const BASE = "https://vault.test";
const KB = 1000;
const SIZES: [string, number][] = [
  ["1 KB", 1 * KB],
  ["100 KB", 100 * KB],
  ["1 MB", 1000 * KB],
  ["10 MB", 10_000 * KB],
];
const JSON_SIZES = SIZES.filter(([, n]) => n <= 1000 * KB);

const echo = {
  async fetch(request: Request): Promise<Response> {
    return new Response(await request.arrayBuffer(), { headers: { "Content-Type": request.headers.get("content-type") ?? "application/octet-stream" } });
  },
};

async function api(path: string, token: string, body: unknown): Promise<any> {
  const res = await exports.default.fetch(
    new Request(BASE + path, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  );
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const tenant = await api("/api/v1/tenants", env.OPERATOR_TOKEN, { name: "bench" });
const { key: token } = await api(`/api/v1/tenants/${tenant.id}/keys`, env.OPERATOR_TOKEN, { name: "bench", scopes: ["*"] });
await api("/api/v1/keys", token, { name: "bench" });

function payload(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
const toB64 = (b: Uint8Array) => (b as unknown as { toBase64(): string }).toBase64();

const jsonRequest = (path: string, body: string) =>
  new Request(BASE + path, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body });
const rawRequest = (path: string, body: Uint8Array) =>
  new Request(BASE + path, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" }, body });

async function drain(res: Response): Promise<void> {
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

const inputs = new Map<number, { plain: Uint8Array; encryptJson: string; decryptJson: string; framed: Uint8Array }>();
for (const [, n] of SIZES) {
  const plain = payload(n);
  const framed = new Uint8Array(await (await exports.default.fetch(rawRequest("/api/v1/encrypt/bench", plain))).arrayBuffer());
  let encryptJson = "";
  let decryptJson = "";
  if (n <= 1000 * KB) {
    encryptJson = JSON.stringify({ key: "bench", plaintext: toB64(plain) });
    const { ciphertext } = await api("/api/v1/encrypt", token, JSON.parse(encryptJson));
    decryptJson = JSON.stringify({ key: "bench", ciphertext });
  }
  inputs.set(n, { plain, encryptJson, decryptJson, framed });
}

const options = (n: number) => (n >= 10_000 * KB ? { time: 1500, iterations: 8, warmupIterations: 2 } : { time: 600, warmupIterations: 5 });

describe("HTTP dispatch floor", () => {
  // What every request through exports.default.fetch costs before any work: GET /healthz.
  bench("healthz", async () => drain(await exports.default.fetch(new Request(BASE + "/healthz"))), { time: 600, warmupIterations: 5 });
});

describe("transit JSON encrypt (base64 plaintext)", () => {
  for (const [label, n] of JSON_SIZES) {
    const { encryptJson } = inputs.get(n)!;
    bench(`encrypt ${label}`, async () => drain(await exports.default.fetch(jsonRequest("/api/v1/encrypt", encryptJson))), options(n));
    bench(`echo ${label}`, async () => drain(await echo.fetch(jsonRequest("/api/v1/encrypt", encryptJson))), options(n));
  }
});

describe("transit JSON decrypt (audited)", () => {
  for (const [label, n] of JSON_SIZES) {
    const { decryptJson } = inputs.get(n)!;
    bench(`decrypt ${label}`, async () => drain(await exports.default.fetch(jsonRequest("/api/v1/decrypt", decryptJson))), options(n));
    bench(`echo ${label}`, async () => drain(await echo.fetch(jsonRequest("/api/v1/decrypt", decryptJson))), options(n));
  }
});

describe("transit raw encrypt (octet-stream, 64 KiB segments)", () => {
  for (const [label, n] of SIZES) {
    const { plain } = inputs.get(n)!;
    bench(`encrypt ${label}`, async () => drain(await exports.default.fetch(rawRequest("/api/v1/encrypt/bench", plain))), options(n));
    bench(`echo ${label}`, async () => drain(await echo.fetch(rawRequest("/api/v1/encrypt/bench", plain))), options(n));
  }
});

describe("transit raw decrypt (octet-stream, audited)", () => {
  for (const [label, n] of SIZES) {
    const { framed } = inputs.get(n)!;
    bench(`decrypt ${label}`, async () => drain(await exports.default.fetch(rawRequest("/api/v1/decrypt/bench", framed))), options(n));
    bench(`echo ${label}`, async () => drain(await echo.fetch(rawRequest("/api/v1/decrypt/bench", framed))), options(n));
  }
});
