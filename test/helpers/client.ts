/**
 * A typed client of the real API worker for tests: `hc<AppType>` from hono/client, bound to
 * `exports.default.fetch` (no network), so a test that calls a route with the wrong shape, or
 * reads a field the route does not return, fails at type check.
 *
 * @example
 * const api = client(token);
 * const res = await api.api.v1.datasets.$post({ json: { name: "chats" } });
 * const ds = await expectJson(res, 201); // typed as the 201 body
 */
import { env, exports } from "cloudflare:workers";
import { hc, type ClientResponse } from "hono/client";
import type { AppType } from "../../workers/api/app";

export const BASE = "https://vault.test";

/** The typed client, sending `Authorization: Bearer <token>` when a token is given. */
export function client(token?: string, headers: Record<string, string> = {}) {
  return hc<AppType>(BASE, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
    headers: token ? { Authorization: `Bearer ${token}`, ...headers } : headers,
  });
}

/** The client with the operator token. */
export const operator = () => client(env.OPERATOR_TOKEN);

/** The body type a response union declares for status `S`. */
export type BodyOf<R, S extends number> =
  R extends ClientResponse<infer B, infer U, infer _F> ? (S extends U ? B : never) : never;

/**
 * The JSON body of a response of the expected status, typed by what the route declares for that
 * status; fails with the body in the message otherwise.
 */
export async function expectJson<R extends ClientResponse<unknown, number, string>, S extends R["status"]>(
  res: R,
  status: S,
): Promise<BodyOf<R, S>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${res.url}: expected ${status}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as BodyOf<R, S>;
}
