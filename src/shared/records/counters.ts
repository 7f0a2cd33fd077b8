/**
 * A dataset's record count and bytes: kept in the DatasetObject's meta table, adjusted in
 * each change's transaction, and copied (absolute values) to D1 `datasets` after it.
 */
import { and, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import { Coalescer } from "./coalesce";
import { metaGet, metaSet } from "./store";
import type { DatasetRef } from "./wire";

export interface Stats {
  recordCount: number;
  bytes: number;
}

export function stats(sql: SqlStorage): Stats {
  return { recordCount: metaGet<number>(sql, "record_count") ?? 0, bytes: metaGet<number>(sql, "bytes") ?? 0 };
}

/** Adjusts the counters kept beside the rows (counting rows would cost a scan per write). */
export function addStats(sql: SqlStorage, records: number, bytes: number): void {
  const s = stats(sql);
  metaSet(sql, "record_count", s.recordCount + records);
  metaSet(sql, "bytes", s.bytes + bytes);
}

/**
 * Copies the counters to D1. Writes run one after another and each reads the counters when
 * it starts, so the last one to land carries the newest values; a call arriving while one
 * is queued (not started) shares it.
 */
export class CounterSync {
  private readonly writes = new Coalescer(() => this.write());

  /** `target` is the dataset to write, or null when there is none (never written, or purged). */
  constructor(
    private readonly sql: SqlStorage,
    private readonly d1: D1Database,
    private readonly target: () => DatasetRef | null,
  ) {}

  /** Queues a D1 write of the current counters; rejects when that write fails. */
  sync(): Promise<void> {
    return this.writes.run();
  }

  /** Resolves once every write queued so far has landed or failed; never rejects. */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  private async write(): Promise<void> {
    const ref = this.target();
    if (!ref) return;
    const s = stats(this.sql);
    await db(this.d1)
      .update(schema.datasets)
      .set({ recordCount: s.recordCount, bytes: s.bytes })
      .where(and(eq(schema.datasets.id, ref.datasetId), eq(schema.datasets.tenantId, ref.tenantId)));
  }
}
