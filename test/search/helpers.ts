/** Helpers for the search tests: searchable datasets, searching, waiting for rebuild jobs, reading the index. */
import { createDataset } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { inObject } from "../records/helpers";

export async function searchableDataset(
  token: string,
  search: Record<string, unknown> = { enabled: true },
  extra: Record<string, unknown> = {},
) {
  return createDataset(token, { search, ...extra });
}

export function searchPath(q: string, params: Record<string, string | number> = {}) {
  const qs = new URLSearchParams({ q, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  return `/api/v1/search?${qs}`;
}

export interface Hit {
  dataset_id: string;
  id: string;
  seq: number;
  version: number;
  score: number;
  snippet: { path: string; text: string; highlights: { start: number; end: number }[] } | null;
  data: Record<string, unknown>;
}

export async function search(token: string, q: string, params: Record<string, string | number> = {}) {
  const query = { q, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) };
  const page = await expectJson(await client(token).api.v1.search.$get({ query }), 200);
  return page as { items: Hit[]; next_cursor: string | null };
}

/** Ids of the records a query finds in one dataset (all pages). */
export async function ids(token: string, datasetId: string, q: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await search(token, q, { dataset_id: datasetId, limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out.sort();
}

export async function waitForJob(token: string, jobId: string) {
  for (let i = 0; i < 200; i++) {
    const body = await expectJson(await client(token).api.v1.jobs[":id"].$get({ param: { id: jobId } }), 200);
    if (body.status !== "queued" && body.status !== "running")
      return body as { status: string; progress: Record<string, number>; kind: string };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** The newest job of a kind for a dataset. */
export async function latestJob(token: string, datasetId: string, kind = "search.rebuild") {
  const page = await expectJson(await client(token).api.v1.jobs.$get({ query: { limit: "100" } }), 200);
  return page.items.find((j) => j.kind === kind && j.dataset_id === datasetId);
}

export interface SlotInfo {
  slot: number;
  state: string;
  job_id: string | null;
  key_version: number;
  through_seq: number;
}

export function slots(tenantId: string, datasetId: string): Promise<SlotInfo[]> {
  return inObject(
    tenantId,
    datasetId,
    (sql) =>
      sql
        .exec("SELECT slot, state, job_id, key_version, through_seq FROM search_slots ORDER BY slot")
        .toArray() as unknown as SlotInfo[],
  );
}

/** Every term FTS5 holds for a slot (through an fts5vocab table made and dropped for the look). */
export function indexTerms(tenantId: string, datasetId: string, slot: number): Promise<string[]> {
  return inObject(tenantId, datasetId, (sql) => {
    sql.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp_vocab_${slot} USING fts5vocab(search_fts_${slot}, 'row')`);
    const terms = sql
      .exec<{ term: string }>(`SELECT term FROM temp_vocab_${slot}`)
      .toArray()
      .map((r) => r.term);
    sql.exec(`DROP TABLE temp_vocab_${slot}`);
    return terms;
  });
}

const decoder = new TextDecoder("latin1");

/** Every value of every table of a dataset's object, as text (blobs decoded byte for byte). */
export function dumpObject(tenantId: string, datasetId: string): Promise<{ tables: string[]; text: string }> {
  return inObject(tenantId, datasetId, (sql) => {
    const tables = sql
      // workerd's own tables (_cf_*) are not readable by the object, and hold nothing of ours.
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
      )
      .toArray()
      .map((r) => r.name);
    const parts: string[] = [];
    for (const t of tables) {
      for (const row of sql.exec(`SELECT * FROM "${t}"`).toArray()) {
        for (const v of Object.values(row)) {
          if (v instanceof ArrayBuffer) parts.push(decoder.decode(new Uint8Array(v)));
          else if (v !== null) parts.push(String(v));
        }
      }
    }
    return { tables, text: parts.join("\n").toLowerCase() };
  });
}
