// A schema-driven fuzz pass over GET /openapi.json, in the spirit of schemathesis: for every
// operation of the document it sends requests generated from the document (valid ones and
// mutated ones) through the real worker, and checks each answer against the document.
// Pass condition: no 5xx, no undocumented status, no response that breaks its schema or
// media type. Bounded in time: FUZZ_SECONDS (default 30) and FUZZ_SEED to replay, e.g.
//   FUZZ_SECONDS=600 npx vitest run test/fuzz
import { Validator } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createDataset, newTenant } from "../helpers/api";
import { createRecognizer } from "../pii/helpers";
import { postRecord } from "../records/helpers";
import { createTransitKey } from "../transit/helpers";
import { client, expectJson } from "../helpers/client";
import { invalid, valid, type JsonSchema, type OpenApiDocument } from "./schema-arbitrary";

const BUDGET_SECONDS = Number(env.FUZZ_SECONDS ?? "30") || 30;
const SEED = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Date.now() % 2 ** 31;

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: { mediaType: string; schema: JsonSchema };
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  operator: boolean;
}

interface Fixture {
  token: string;
  ids: Record<string, string>;
}

/** Real resources for path parameters, so requests reach past the 404s. */
async function fixture(): Promise<Fixture> {
  const { token } = await newTenant();
  const victim = await newTenant();
  const ds = await createDataset(token, { schema: { type: "object" } });
  const rec = await postRecord(token, ds.id, { text: "x" });
  const job = await expectJson(
    await client(token).api.v1.datasets[":id"]["validation-report"].$post({ param: { id: ds.id } }),
    202,
  );
  const recognizer = await createRecognizer(token, {
    name: `r${crypto.randomUUID().slice(0, 8)}`,
    entity: "TICKET_ID",
    pattern: "TCK-[0-9]{6}",
    score: 0.8,
  });
  const transitKey = `k-${crypto.randomUUID().slice(0, 8)}`;
  const hmacKey = `h-${crypto.randomUUID().slice(0, 8)}`;
  await createTransitKey(token, { name: transitKey, type: "aes256-gcm" });
  await createTransitKey(token, { name: hmacKey, type: "hmac-sha256" });
  return {
    token,
    ids: {
      "/api/v1/tenants/{id}": victim.tenant.id,
      "/api/v1/datasets/{id}": ds.id,
      "/api/v1/jobs/{id}": job.job_id,
      "/api/v1/pii/recognizers/{id}": recognizer.id,
      "/api/v1/hmac/{name}": hmacKey,
      "{name}": transitKey,
      "{keyId}": victim.key.id,
      "{recordId}": rec.id,
    },
  };
}

/** The fixture's value for a path parameter of `path`, if it has one. */
function fixtureValue(f: Fixture, path: string, name: string): string | undefined {
  for (const [prefix, id] of Object.entries(f.ids)) {
    if (prefix.startsWith("/") && name === "id" && path.startsWith(prefix)) return id;
    if (prefix.startsWith("/") && name === "name" && path.startsWith(prefix)) return id;
  }
  return f.ids[`{${name}}`];
}

/** A response schema validator per schema, with components reachable as $defs. */
function validators(doc: OpenApiDocument) {
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/'));
  const cache = new Map<JsonSchema, Validator>();
  return (schema: JsonSchema) => {
    let v = cache.get(schema);
    if (!v) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/'));
      const root = typeof rewritten === "boolean" ? rewritten : { ...rewritten, $defs: structuredClone(defs) };
      v = new Validator(root, "2020-12", false);
      cache.set(schema, v);
    }
    return v;
  };
}

interface Request {
  op: Operation;
  kind: "valid" | "invalid" | "none";
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
}

function requestArb(doc: OpenApiDocument, f: () => Fixture, op: Operation): fc.Arbitrary<Request> {
  const param = (p: Parameter) => {
    const fromDoc = valid(doc, p.schema);
    if (p.in !== "path") return fromDoc;
    const real = fixtureValue(f(), op.path, p.name);
    return real === undefined
      ? fromDoc
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant(real).map(() => fixtureValue(f(), op.path, p.name)) },
          { weight: 1, arbitrary: fromDoc },
        );
  };
  const group = (where: Parameter["in"]) => {
    const ps = op.parameters.filter((p) => p.in === where);
    return fc.record(Object.fromEntries(ps.map((p) => [p.name, param(p)])), {
      requiredKeys: ps.filter((p) => p.required).map((p) => p.name),
    });
  };
  const body: fc.Arbitrary<{ kind: Request["kind"]; body?: unknown }> = !op.body
    ? fc.constant({ kind: "none" as const })
    : op.body.mediaType === "application/json"
      ? fc.oneof(
          { weight: 3, arbitrary: valid(doc, op.body.schema).map((b) => ({ kind: "valid" as const, body: b })) },
          { weight: 1, arbitrary: invalid(doc, op.body.schema).map((b) => ({ kind: "invalid" as const, body: b })) },
        )
      : fc.uint8Array({ maxLength: 256 }).map((b) => ({ kind: "valid" as const, body: b }));
  return fc
    .record({ params: group("path"), query: group("query"), headers: group("header"), body })
    .map(({ params, query, headers, body: b }) => ({
      op,
      kind: b.kind,
      params,
      query,
      // A client cannot send a field value with NUL, CR or LF, or with white space at its ends
      // (Fetch: "Invalid header value"), so the generator keeps to values HTTP can carry.
      headers: Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [
          k,
          String(v)
            .replace(/[\0\r\n]/g, "")
            .trim(),
        ]),
      ),
      body: b.body,
    }));
}

function send(req: Request, f: Fixture): Promise<Response> {
  let path = req.op.path;
  for (const [name, value] of Object.entries(req.params))
    path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
  const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]) => [k, String(v)])).toString();
  const headers: Record<string, string> = { ...req.headers };
  let raw: BodyInit | undefined;
  if (req.op.body && req.body !== undefined) {
    headers["Content-Type"] = req.op.body.mediaType;
    raw = req.body instanceof Uint8Array ? req.body : JSON.stringify(req.body);
  }
  return call(path + (qs ? `?${qs}` : ""), {
    method: req.op.method,
    token: req.op.operator ? env.OPERATOR_TOKEN : f.token,
    raw,
    headers,
  });
}

/** What is wrong with a response, by the document; empty when it conforms. */
async function nonConformance(
  op: Operation,
  res: Response,
  validatorOf: (s: JsonSchema) => Validator,
): Promise<string[]> {
  const text = await res.text();
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`server error ${res.status}: ${text.slice(0, 300)}`);
  const spec = op.responses[String(res.status)] ?? op.responses.default;
  if (!spec) return [...problems, `status ${res.status} is not documented: ${text.slice(0, 300)}`];
  if (!spec.content || text === "") return problems;
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0].trim();
  const media = spec.content[mediaType];
  if (!media)
    return [
      ...problems,
      `content-type ${mediaType} is not documented for ${res.status} (${Object.keys(spec.content)})`,
    ];
  if (!/^application\/(?:[\w.-]+\+)?json$/.test(mediaType) || media.schema === undefined) return problems;
  const result = validatorOf(media.schema).validate(JSON.parse(text));
  if (!result.valid) {
    const errors = result.errors.filter((e) => !/does not match|did not match/.test(e.error)).slice(0, 3);
    problems.push(
      `response ${res.status} breaks its schema: ${JSON.stringify(errors.length ? errors : result.errors.slice(0, 3))} in ${text.slice(0, 300)}`,
    );
  }
  return problems;
}

let doc: OpenApiDocument;
let operations: Operation[];

beforeAll(async () => {
  doc = (await (await call("/openapi.json")).json()) as OpenApiDocument;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): Operation => {
      const content = op.requestBody?.content as Record<string, { schema: JsonSchema }> | undefined;
      const mediaType = content ? Object.keys(content)[0] : undefined;
      return {
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []) as Parameter[],
        body: mediaType ? { mediaType, schema: content![mediaType].schema } : undefined,
        responses: op.responses,
        operator: (op.security ?? []).some((s: Record<string, unknown>) => "operatorToken" in s),
      };
    }),
  );
});

describe("schema-driven fuzzing of /openapi.json", () => {
  it(
    "no 5xx, no undocumented status, every response matches its documented media type and schema",
    async () => {
      let current = await fixture();
      let sent = 0;
      const failures: string[] = [];
      const refusedValid = new Map<string, string>();
      const statuses = new Map<string, number>();
      const validatorOf = validators(doc);
      const arb = fc.constantFrom(...operations).chain((op) => requestArb(doc, () => current, op));
      await fc.assert(
        fc.asyncProperty(arb, async (req) => {
          // Destructive calls (DELETE, suspend) eat the fixture; renew it now and then.
          if (++sent % 150 === 0) current = await fixture();
          const res = await send(req, current);
          const label = `${req.op.method} ${req.op.path}`;
          statuses.set(`${label} ${res.status}`, (statuses.get(`${label} ${res.status}`) ?? 0) + 1);
          for (const p of await nonConformance(req.op, res.clone(), validatorOf)) {
            if (failures.length < 50)
              failures.push(
                `${label} [${req.kind}] ${JSON.stringify({ params: req.params, query: req.query, headers: req.headers, body: req.body }).slice(0, 400)}\n  → ${p}`,
              );
          }
          if (req.kind === "valid" && res.status === 422 && !refusedValid.has(label))
            refusedValid.set(label, (await res.text()).slice(0, 300));
          else await res.body?.cancel();
        }),
        {
          seed: SEED,
          numRuns: 1_000_000,
          interruptAfterTimeLimit: BUDGET_SECONDS * 1000,
          markInterruptAsFailure: false,
          endOnFailure: true,
        },
      );
      console.log(`fuzz: seed ${SEED}, ${sent} requests in ${BUDGET_SECONDS}s over ${operations.length} operations`);
      if (refusedValid.size)
        console.log(
          `fuzz: bodies valid by the document but refused (first per route):\n${[...refusedValid].map(([k, v]) => `  ${k}: ${v}`).join("\n")}`,
        );
      expect(sent).toBeGreaterThan(operations.length);
      expect(failures, `seed ${SEED}`).toEqual([]);
    },
    (BUDGET_SECONDS + 120) * 1000,
  );
});
