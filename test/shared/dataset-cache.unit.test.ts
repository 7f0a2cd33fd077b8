import { describe, expect, it } from "vitest";
import {
  datasetCacheTtlMs,
  evictDataset,
  getCachedDataset,
  markCountersStale,
  putCachedDataset,
} from "../../src/shared/datasets/cache";

describe("dataset cache entries", () => {
  it("live for their TTL, keyed by tenant and id", () => {
    putCachedDataset("tnt_a", "ds_1", { v: 1 }, 5000, 1_000);
    expect(getCachedDataset("tnt_a", "ds_1", false, 5_999)).toEqual({ v: 1 });
    expect(getCachedDataset("tnt_a", "ds_1", false, 6_000)).toBeUndefined();
    expect(getCachedDataset("tnt_b", "ds_1", false, 2_000)).toBeUndefined();
  });

  it("are not stored with a TTL of 0, and go on eviction", () => {
    putCachedDataset("tnt_a", "ds_2", { v: 1 }, 0, 1_000);
    expect(getCachedDataset("tnt_a", "ds_2", false, 1_000)).toBeUndefined();
    putCachedDataset("tnt_a", "ds_2", { v: 2 }, 5000, 1_000);
    evictDataset("tnt_a", "ds_2");
    expect(getCachedDataset("tnt_a", "ds_2", false, 1_000)).toBeUndefined();
  });

  it("with stale counters still serve record routes but not a read that shows the counters", () => {
    putCachedDataset("tnt_a", "ds_3", { v: 1 }, 5000, 1_000);
    markCountersStale("tnt_a", "ds_3");
    expect(getCachedDataset("tnt_a", "ds_3", false, 1_000)).toEqual({ v: 1 });
    expect(getCachedDataset("tnt_a", "ds_3", true, 1_000)).toBeUndefined();
  });

  it("take DATASET_CACHE_TTL_SECONDS: 5 s by default, capped at 60, 0 turns the cache off", () => {
    const DB = {} as D1Database;
    expect(datasetCacheTtlMs({ DB })).toBe(5_000);
    expect(datasetCacheTtlMs({ DB, DATASET_CACHE_TTL_SECONDS: "3600" })).toBe(60_000);
    expect(datasetCacheTtlMs({ DB, DATASET_CACHE_TTL_SECONDS: "0" })).toBe(0);
  });
});
