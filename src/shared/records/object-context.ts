/** What the store modules of a DatasetObject share: its storage, bindings and per-object helpers. */
import type { AfterCommit } from "./after-commit";
import type { CounterSync } from "./counters";
import type { DekCache } from "./dek-cache";
import type { DatasetSearch } from "../search/dataset-search";

export type DatasetObjectEnv = Pick<Env, "DB" | "BLOBS" | "MASTER_KEYS" | "AUDIT_LOG">;

export interface DatasetObjectContext {
  storage: DurableObjectStorage;
  env: DatasetObjectEnv;
  /** The dataset's DEKs, unwrapped once per object lifetime. */
  keys: DekCache;
  counters: CounterSync;
  /** Forwards audit events and copies counters after a committed change. */
  afterCommit: AfterCommit;
  /** The blind search index (src/shared/search): written in the same transaction as each record change. */
  search: DatasetSearch;
}
