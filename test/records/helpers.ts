/** Helpers for the records tests: writing records through the API and looking inside the objects. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { client, expectJson } from "../helpers/client";

export const recordsPath = (datasetId: string) => `/api/v1/datasets/${datasetId}/records`;

/** The typed records routes (`/datasets/{id}/records…`), as the holder of `token`. */
export const recordsApi = (token: string, headers: Record<string, string> = {}) =>
  client(token, headers).api.v1.datasets[":id"].records;

/** GET one record; fails unless 200. The response is returned too, for its headers. */
export async function getRecord(token: string, datasetId: string, recordId: string) {
  const res = await recordsApi(token)[":recordId"].$get({ param: { id: datasetId, recordId } });
  return { body: await expectJson(res, 200), res };
}

/** GET a page of records (`limit`, `cursor` as in the query string); fails unless 200. */
export async function listRecords(token: string, datasetId: string, query: { limit?: string; cursor?: string } = {}) {
  return expectJson(await recordsApi(token).$get({ param: { id: datasetId }, query }), 200);
}

/** PUT a record's data with the given If-Match; fails unless 200. The response is returned too, for its headers. */
export async function replaceRecord(
  token: string,
  datasetId: string,
  recordId: string,
  data: Record<string, unknown>,
  ifMatch: string,
) {
  const res = await recordsApi(token)[":recordId"].$put({
    param: { id: datasetId, recordId },
    header: { "if-match": ifMatch },
    json: { data },
  });
  return { body: await expectJson(res, 200), res };
}

export async function postRecord(
  token: string,
  datasetId: string,
  data: unknown,
  headers: Record<string, string> = {},
) {
  const records = client(token, headers).api.v1.datasets[":id"].records;
  return expectJson(
    await records.$post({ param: { id: datasetId }, header: {}, json: { data: data as Record<string, unknown> } }),
    201,
  );
}

export async function postBatch(
  token: string,
  datasetId: string,
  data: unknown[],
  headers: Record<string, string> = {},
) {
  const batch = client(token, headers).api.v1.datasets[":id"].records.batch;
  const json = { records: data.map((d) => ({ data: d as Record<string, unknown> })) };
  return (await expectJson(await batch.$post({ param: { id: datasetId }, header: {}, json }), 201)).items;
}

export function datasetStub(tenantId: string, datasetId: string) {
  return env.DATASET.get(env.DATASET.idFromName(`${tenantId}:${datasetId}`));
}

/** Runs SQL inside a dataset's object (to read or tamper with its rows). */
export function inObject<T>(
  tenantId: string,
  datasetId: string,
  fn: (sql: SqlStorage, state: DurableObjectState) => T | Promise<T>,
): Promise<T> {
  return runInDurableObject(datasetStub(tenantId, datasetId), (_instance, state) => fn(state.storage.sql, state));
}

export interface RawRow {
  seq: number;
  id: string;
  version: number;
  key_version: number;
  size: number;
  sha256: string;
  ciphertext: ArrayBuffer | null;
  blob_key: string | null;
}

export function rawRow(tenantId: string, datasetId: string, recordId: string): Promise<RawRow> {
  return inObject(
    tenantId,
    datasetId,
    (sql) => sql.exec("SELECT * FROM records WHERE id = ?", recordId).one() as unknown as RawRow,
  );
}

/** The dataset's D1 counters. */
export async function datasetCounters(datasetId: string) {
  return env.DB.prepare("SELECT record_count, bytes FROM datasets WHERE id = ?")
    .bind(datasetId)
    .first<{ record_count: number; bytes: number }>();
}

/** Audit events of a tenant, read from its AuditLogObject's chain. */
export async function auditEvents(tenantId: string) {
  const stub = env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(`tenant:${tenantId}`));
  return runInDurableObject(stub, (_i, state) =>
    state.storage.sql
      .exec<{ seq: number; action: string; resource: string; details: string; outcome: string; actor: string }>(
        "SELECT seq, action, resource, details, outcome, actor FROM audit_events ORDER BY seq",
      )
      .toArray()
      .map((r) => ({
        ...r,
        resource: JSON.parse(r.resource) as Record<string, string>,
        details: JSON.parse(r.details) as Record<string, unknown>,
      })),
  );
}

export const utf8Bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/** Polls GET …/validation-report every 50 ms until the dataset's report is complete (10 s at most); returns it. */
export async function waitForReport(token: string, datasetId: string) {
  for (let i = 0; i < 200; i++) {
    const report = client(token).api.v1.datasets[":id"]["validation-report"];
    const res = await report.$get({ param: { id: datasetId }, query: {} });
    if (res.status === 200) {
      const body = await expectJson(res, 200);
      if (body.status === "complete") return body;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the validation report did not complete");
}
