import { describe, expect, it } from "vitest";
import { cacheUntilRejected, getOrLoad, makeRoom } from "../../src/shared/promise-cache";

describe("promise cache", () => {
  it("shares one pending load between callers", async () => {
    const cache = new Map<string, Promise<number>>();
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = [getOrLoad(cache, "k", load), getOrLoad(cache, "k", load)];
    expect(a).toBe(b);
    expect(await a).toBe(1);
    expect(await getOrLoad(cache, "k", load)).toBe(1);
    expect(loads).toBe(1);
  });

  it("forgets a load that rejects, so the next caller tries again", async () => {
    const cache = new Map<string, Promise<number>>();
    await expect(getOrLoad(cache, "k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(cache.has("k")).toBe(false);
    expect(await getOrLoad(cache, "k", async () => 7)).toBe(7);
  });

  it("leaves a newer entry under the same key alone when an older one rejects", async () => {
    const cache = new Map<string, { p: Promise<number> }>();
    let fail!: (e: Error) => void;
    const older = new Promise<number>((_, reject) => (fail = reject));
    cacheUntilRejected(cache, "k", { p: older }, older).catch(() => undefined);
    const newer = { p: Promise.resolve(2) };
    cacheUntilRejected(cache, "k", newer, newer.p);
    fail(new Error("late"));
    await older.catch(() => undefined);
    await Promise.resolve();
    expect(cache.get("k")).toBe(newer);
  });

  it("drops the oldest entry only when a new key would overflow the cache", async () => {
    const cache = new Map<string, Promise<string>>();
    for (const k of ["a", "b", "c"]) await getOrLoad(cache, k, async () => k, 3);
    makeRoom(cache, "b", 3);
    expect([...cache.keys()]).toEqual(["a", "b", "c"]);
    await getOrLoad(cache, "d", async () => "d", 3);
    expect([...cache.keys()]).toEqual(["b", "c", "d"]);
  });
});
