// Bad input and tenant isolation on every route, driven by the OpenAPI document, so a
// route added later is covered without anyone remembering to write these cases.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";

interface Operation {
  method: string;
  path: string;
  hasJsonBody: boolean;
  /** A body of another media type (raw octet-stream transit routes). */
  hasRawBody: boolean;
  operator: boolean;
  /** No credentials by design (a signed URL carries its own proof). */
  keyless: boolean;
}

interface Fixture {
  token: string;
  tenantId: string;
  keyId: string;
  datasetId: string;
  recordId: string;
  jobId: string;
  recognizerId: string;
  transitKey: string;
  hmacKey: string;
  importId: string;
  exportId: string;
}

/** A tenant with one resource of every kind, made through the API. */
async function fixture(): Promise<Fixture> {
  const { tenant, key, token } = await newTenant();
  const ds = await createDataset(token, { schema: { type: "object" } });
  const api = client(token).api.v1;
  const dataset = api.datasets[":id"];
  const param = { id: ds.id };
  const rec = await expectJson(await dataset.records.$post({ param, header: {}, json: { data: { text: "x" } } }), 201);
  const job = await expectJson(await dataset["validation-report"].$post({ param }), 202);
  const recognizer = await expectJson(
    await api.pii.recognizers.$post({
      json: { name: "ticket", entity: "TICKET_ID", pattern: "TCK-[0-9]{6}", score: 0.8 },
    }),
    201,
  );
  const transitKey = `k-${crypto.randomUUID().slice(0, 8)}`;
  const hmacKey = `h-${crypto.randomUUID().slice(0, 8)}`;
  await expectJson(await api.keys.$post({ json: { name: transitKey, type: "aes256-gcm" } }), 201);
  await expectJson(await api.keys.$post({ json: { name: hmacKey, type: "hmac-sha256" } }), 201);
  const imp = await expectJson(await dataset.imports.$post({ param, query: {}, json: { format: "ndjson" } }), 201);
  const exp = await expectJson(await dataset.exports.$post({ param, json: { format: "ndjson" } }), 202);
  return {
    importId: imp.id,
    exportId: exp.id,
    token,
    tenantId: tenant.id,
    keyId: key.id,
    datasetId: ds.id,
    recordId: rec.id,
    jobId: job.job_id,
    recognizerId: recognizer.id,
    transitKey,
    hmacKey,
  };
}

/** Fills an OpenAPI path template with the fixture's ids. */
function concrete(path: string, f: Fixture): string {
  return path
    .replace(/^\/api\/v1\/tenants\/\{id\}/, `/api/v1/tenants/${f.tenantId}`)
    .replace(/^\/api\/v1\/datasets\/\{id\}/, `/api/v1/datasets/${f.datasetId}`)
    .replace(/^\/api\/v1\/jobs\/\{id\}/, `/api/v1/jobs/${f.jobId}`)
    .replace(/^\/api\/v1\/exports\/\{id\}/, `/api/v1/exports/${f.exportId}`)
    .replace(/\{importId\}/, f.importId)
    .replace(/\{part\}/, "1")
    .replace(/^\/api\/v1\/pii\/recognizers\/\{id\}/, `/api/v1/pii/recognizers/${f.recognizerId}`)
    .replace(/^\/api\/v1\/hmac\/\{name\}/, `/api/v1/hmac/${f.hmacKey}`)
    .replace(/\{name\}/, f.transitKey)
    .replace(/\{keyId\}/, f.keyId)
    .replace(/\{recordId\}/, f.recordId);
}

let operations: Operation[] = [];
let owner: Fixture;
let other: Fixture;

beforeAll(async () => {
  const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, any>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      hasJsonBody: Boolean(op.requestBody?.content?.["application/json"]),
      hasRawBody: Boolean(op.requestBody && !op.requestBody.content?.["application/json"]),
      operator: (op.security ?? []).some((s: Record<string, unknown>) => "operatorToken" in s),
      keyless: !op.security,
    })),
  );
  owner = await fixture();
  other = await fixture();
});

const tokenFor = (op: Operation, f: Fixture) => (op.operator ? env.OPERATOR_TOKEN : f.token);
const label = (op: Operation) => `${op.method} ${op.path}`;

describe("every route with a JSON body", () => {
  // Over every JSON limit of the API (the largest is 10 MiB for record batches).
  const oversized = JSON.stringify({ data: "x".repeat(11 * 1024 * 1024) });

  it("covers a meaningful set of routes", () => {
    expect(operations.filter((o) => o.hasJsonBody).length).toBeGreaterThan(20);
  });

  it("answers malformed JSON with 400", async () => {
    for (const op of operations.filter((o) => o.hasJsonBody)) {
      const res = await call(concrete(op.path, owner), {
        method: op.method,
        token: tokenFor(op, owner),
        raw: '{"oops": ',
        headers: { "Content-Type": "application/json", "If-Match": "*" },
      });
      const p = await expectProblem(res, 400).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
      expect(p.type, label(op)).toMatch(/malformed-json$/);
    }
  });

  it("answers a body of the wrong JSON type with 422 listing the problem", async () => {
    for (const op of operations.filter((o) => o.hasJsonBody)) {
      const res = await call(concrete(op.path, owner), {
        method: op.method,
        token: tokenFor(op, owner),
        body: [1, 2, 3],
        headers: { "If-Match": "*" },
      });
      const p = await expectProblem(res, 422).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
      expect(p.errors?.length, label(op)).toBeGreaterThan(0);
    }
  });

  it("answers a non-JSON media type with 415", async () => {
    for (const op of operations.filter((o) => o.hasJsonBody)) {
      const res = await call(concrete(op.path, owner), {
        method: op.method,
        token: tokenFor(op, owner),
        raw: "a=b",
        headers: { "Content-Type": "text/plain", "If-Match": "*" },
      });
      await expectProblem(res, 415).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
    }
  });

  it("answers an oversized body with 413 naming the limit", async () => {
    for (const op of operations.filter((o) => o.hasJsonBody)) {
      const res = await call(concrete(op.path, owner), {
        method: op.method,
        token: tokenFor(op, owner),
        raw: oversized,
        headers: { "Content-Type": "application/json", "If-Match": "*" },
      });
      const p = await expectProblem(res, 413).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
      expect(p.limit_bytes, label(op)).toBeGreaterThan(0);
    }
  });
});

describe("every path", () => {
  it("answers a method it does not document with 405 and an Allow header listing exactly the documented ones", async () => {
    const byPath = new Map<string, Set<string>>();
    for (const op of operations) byPath.set(op.path, (byPath.get(op.path) ?? new Set()).add(op.method));
    let checked = 0;
    for (const [path, methods] of byPath) {
      const allow = new Set(methods);
      if (allow.has("GET")) allow.add("HEAD");
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methods.has(m))) {
        // With a valid-looking JSON body, so no body rule can answer first.
        const body = method === "GET" ? undefined : {};
        const res = await call(concrete(path, owner), {
          method,
          token: owner.token,
          body,
          headers: { "If-Match": "*" },
        });
        await expectProblem(res, 405).catch((e) => Promise.reject(new Error(`${method} ${path}: ${e.message}`)));
        expect(res.headers.get("allow")?.split(", ").sort(), `${method} ${path}`).toEqual([...allow].sort());
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

/** What I-JSON (RFC 7493) forbids, as raw bytes, and the answer every JSON route must give. */
interface BadBody {
  what: string;
  raw: Uint8Array;
  contentType?: string;
  status: number;
  slug: string;
  path?: string;
}

const DEPTH_LIMIT = 64;
const bytes = (text: string) => new TextEncoder().encode(text);
const BAD_BODIES: BadBody[] = [
  {
    what: "invalid UTF-8",
    raw: new Uint8Array([...bytes('{"x":"'), 0xff, 0xfe, ...bytes('"}')]),
    status: 400,
    slug: "malformed-json",
  },
  {
    what: "UTF-8-encoded surrogate",
    raw: new Uint8Array([...bytes('{"x":"'), 0xed, 0xa0, 0x80, ...bytes('"}')]),
    status: 400,
    slug: "malformed-json",
  },
  {
    what: "a charset other than UTF-8",
    raw: new Uint8Array([...bytes('{"x":"'), 0xe9, ...bytes('"}')]),
    contentType: "application/json; charset=iso-8859-1",
    status: 415,
    slug: "unsupported-media-type",
  },
  { what: "a duplicate member name", raw: bytes('{"x":1,"x":2}'), status: 400, slug: "malformed-json", path: "$.x" },
  {
    what: "a duplicate name written with an escape",
    raw: bytes('{"y":[{"x":1,"\\u0078":2}]}'),
    status: 400,
    slug: "malformed-json",
    path: "$.y[0].x",
  },
  {
    what: "an integer beyond 2^53",
    raw: bytes('{"x":10000000000000001}'),
    status: 422,
    slug: "validation-failed",
    path: "$.x",
  },
  {
    what: "a number that overflows",
    raw: bytes('{"x":[1e400]}'),
    status: 422,
    slug: "validation-failed",
    path: "$.x[0]",
  },
  {
    what: "a number that underflows to 0",
    raw: bytes('{"x":1e-400}'),
    status: 422,
    slug: "validation-failed",
    path: "$.x",
  },
  {
    what: "a decimal a double rounds",
    raw: bytes('{"x":1.0000000000000001}'),
    status: 422,
    slug: "validation-failed",
    path: "$.x",
  },
  { what: "a lone surrogate", raw: bytes('{"x":"a\\ud800"}'), status: 422, slug: "validation-failed", path: "$.x" },
  {
    what: `nesting over ${DEPTH_LIMIT} levels`,
    raw: bytes(`{"x":${"[".repeat(DEPTH_LIMIT)}${"]".repeat(DEPTH_LIMIT)}}`),
    status: 422,
    slug: "validation-failed",
    path: "$.x" + "[0]".repeat(DEPTH_LIMIT - 1),
  },
];

describe("every route with a JSON body reads it as I-JSON (RFC 7493)", () => {
  for (const bad of BAD_BODIES) {
    it(`answers ${bad.what} with ${bad.status}${bad.path ? " naming its path" : ""}`, async () => {
      for (const op of operations.filter((o) => o.hasJsonBody)) {
        const headers = { "Content-Type": bad.contentType ?? "application/json", "If-Match": "*" };
        const res = await call(concrete(op.path, owner), {
          method: op.method,
          token: tokenFor(op, owner),
          raw: bad.raw,
          headers,
        });
        const p = await expectProblem(res, bad.status).catch((e) =>
          Promise.reject(new Error(`${label(op)}: ${e.message}`)),
        );
        expect(p.type, label(op)).toMatch(new RegExp(`/${bad.slug}$`));
        if (bad.path)
          expect(
            p.errors?.map((e) => e.path),
            label(op),
          ).toEqual([bad.path]);
      }
    });
  }

  it("accepts charset=utf-8 in any case as if no charset were given", async () => {
    for (const op of operations.filter((o) => o.hasJsonBody)) {
      const statuses = [];
      for (const contentType of [
        "application/json",
        "application/json; charset=UTF-8",
        'application/json;charset="utf-8"',
      ]) {
        const res = await call(concrete(op.path, owner), {
          method: op.method,
          token: tokenFor(op, owner),
          raw: '{"zz":1}',
          headers: { "Content-Type": contentType, "If-Match": "*" },
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(new Set(statuses).size, `${label(op)}: ${statuses}`).toBe(1);
      expect(statuses[0], label(op)).not.toBe(415);
    }
  });
});

/**
 * A valid body for each tenant route that takes both an id and a JSON body, so the
 * cross-tenant check reaches the lookup. A new route of that kind must be added here.
 */
const VALID_BODIES: Record<string, unknown> = {
  "PUT /api/v1/datasets/{id}": { description: "changed" },
  "POST /api/v1/datasets/{id}/records": { data: { text: "x" } },
  "POST /api/v1/datasets/{id}/imports": { format: "ndjson" },
  "POST /api/v1/datasets/{id}/exports": { format: "ndjson" },
  "POST /api/v1/datasets/{id}/jobs": { type: "pii-scan" },
  "POST /api/v1/datasets/{id}/records/batch": { records: [{ data: { text: "x" } }] },
  "PUT /api/v1/datasets/{id}/records/{recordId}": { data: { text: "changed" } },
  "PUT /api/v1/pii/recognizers/{id}": { name: "ticket2", entity: "TICKET_ID", pattern: "TCK-[0-9]{7}", score: 0.5 },
  "PATCH /api/v1/keys/{name}": { deletion_allowed: true },
  "POST /api/v1/hmac/{name}": { input: "aGVsbG8=", format: "base64" },
  "POST /api/v1/hmac/{name}/verify": { input: "aGVsbG8=", format: "base64", hmac: `ldv:v1:${"A".repeat(44)}` },
};

describe("every tenant route", () => {
  it("answers 401 without credentials", async () => {
    for (const op of operations.filter((o) => o.path.startsWith("/api/") && !o.keyless)) {
      const res = await call(concrete(op.path, owner), { method: op.method });
      await expectProblem(res, 401).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
    }
  });

  it("answers another tenant's ids with 404 and changes nothing (routes without a body)", async () => {
    const scoped = operations.filter((o) => !o.operator && !o.keyless && !o.hasJsonBody && /\{/.test(o.path));
    expect(scoped.length).toBeGreaterThan(8);
    for (const op of scoped) {
      // The owner's ids, the other tenant's key.
      const raw: { raw?: BodyInit; headers: Record<string, string> } = op.hasRawBody
        ? { raw: new Uint8Array(64), headers: { "Content-Type": "application/octet-stream" } }
        : { headers: { "If-Match": "*" } };
      const res = await call(concrete(op.path, owner), { method: op.method, token: other.token, ...raw });
      await expectProblem(res, 404).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
    }
    // Everything the owner has is still there and unchanged.
    await expectJson(await client(owner.token).api.v1.datasets[":id"].$get({ param: { id: owner.datasetId } }), 200);
    await expectJson(
      await client(owner.token).api.v1.datasets[":id"].records[":recordId"].$get({
        param: { id: owner.datasetId, recordId: owner.recordId },
      }),
      200,
    );
    await expectJson(
      await client(owner.token).api.v1.pii.recognizers[":id"].$get({ param: { id: owner.recognizerId } }),
      200,
    );
    const key = await expectJson(
      await client(owner.token).api.v1.keys[":name"].$get({ param: { name: owner.transitKey } }),
      200,
    );
    expect(key.latest_version).toBe(1);
    const job = await expectJson(
      await client(owner.token).api.v1.jobs[":id"].$get({ param: { id: owner.jobId } }),
      200,
    );
    expect(job.status).not.toBe("cancelled");
  });

  it("answers another tenant's ids with 404 and changes nothing (routes with a JSON body)", async () => {
    const scoped = operations.filter((o) => !o.operator && o.hasJsonBody && /\{/.test(o.path));
    expect(scoped.map(label).sort()).toEqual(Object.keys(VALID_BODIES).sort());
    for (const op of scoped) {
      const res = await call(concrete(op.path, owner), {
        method: op.method,
        token: other.token,
        body: VALID_BODIES[label(op)],
        headers: { "If-Match": "*" },
      });
      await expectProblem(res, 404).catch((e) => Promise.reject(new Error(`${label(op)}: ${e.message}`)));
    }
    const ds = await expectJson(
      await client(owner.token).api.v1.datasets[":id"].$get({ param: { id: owner.datasetId } }),
      200,
    );
    expect(ds).toMatchObject({ description: null, record_count: 1 });
    const rec = await expectJson(
      await client(owner.token).api.v1.datasets[":id"].records[":recordId"].$get({
        param: { id: owner.datasetId, recordId: owner.recordId },
      }),
      200,
    );
    expect(rec).toMatchObject({ version: 1, data: { text: "x" } });
    const recognizer = await expectJson(
      await client(owner.token).api.v1.pii.recognizers[":id"].$get({ param: { id: owner.recognizerId } }),
      200,
    );
    expect(recognizer.name).toBe("ticket");
    const key = await expectJson(
      await client(owner.token).api.v1.keys[":name"].$get({ param: { name: owner.transitKey } }),
      200,
    );
    expect(key.deletion_allowed).toBe(false);
  });
});
