// Runs one scenario's iterations on a ramping number of virtual users (k6's ramping-vus executor).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Number of VUs the stages ask for `t` ms after the start, ramping linearly from `startVUs`. */
export function targetVUs(stages, t, startVUs = 0) {
  let from = startVUs;
  let at = 0;
  for (const s of stages) {
    if (t < at + s.ms) return Math.round(from + ((s.target - from) * (t - at)) / s.ms);
    at += s.ms;
    from = s.target;
  }
  return 0;
}

/** Parses "30s", "2m", "1h", "500ms" into milliseconds. */
export function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(text).trim());
  if (!m) throw new Error(`bad duration '${text}' (use e.g. 500ms, 30s, 2m, 1h)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
}

/**
 * Runs `iteration(vu)` in a loop on each live VU, adding and retiring VUs every 100 ms to follow
 * the stages. A retired VU finishes its current iteration first. When the stages end no new
 * iteration starts; those still running get `gracefulStopMs`, then `abort()` cuts them off,
 * so a run never outlasts its stages by more than that.
 *
 * @param {{ stages: {duration: string, target: number}[], thinkTimeMs: number, gracefulStopMs: number,
 *           iteration: (vu: {id: number, iter: number}) => Promise<void>, abort: () => void,
 *           onError: (err: unknown) => void, onTick?: (state: object) => void }} opts
 */
export async function runStages({ stages, thinkTimeMs, gracefulStopMs, iteration, abort, onError, onTick }) {
  const plan = stages.map((s) => ({ ms: parseDuration(s.duration), target: s.target }));
  const totalMs = plan.reduce((a, s) => a + s.ms, 0);
  const started = performance.now();
  let ending = false;
  let iterations = 0;
  let maxLive = 0;
  /** Live VUs by id; ids are reused so that id < peak VUs (scenarios key per-VU state on it). */
  const live = new Map();
  const running = new Set();

  const spawn = () => {
    let id = 1;
    while (live.has(id)) id++;
    const vu = { id, iter: 0, retiring: false };
    const loop = (async () => {
      while (!ending && !vu.retiring) {
        try {
          await iteration(vu);
        } catch (err) {
          if (!ending) onError(err);
        }
        iterations++;
        vu.iter++;
        if (thinkTimeMs > 0 && !ending && !vu.retiring) await sleep(thinkTimeMs);
      }
    })().finally(() => {
      live.delete(id);
      running.delete(loop);
    });
    live.set(id, vu);
    running.add(loop);
  };

  let lastTick = 0;
  for (;;) {
    const t = performance.now() - started;
    if (t >= totalMs) break;
    const want = targetVUs(plan, t);
    const active = [...live.values()].filter((v) => !v.retiring);
    for (let i = active.length; i < want; i++) spawn();
    // Retire the newest VUs first, as k6 does on ramp-down.
    for (let i = active.length - 1; i >= want; i--) active[i].retiring = true;
    maxLive = Math.max(maxLive, live.size);
    if (onTick && t - lastTick >= 5000) {
      lastTick = t;
      onTick({ elapsedMs: t, totalMs, vus: live.size, iterations });
    }
    await sleep(100);
  }

  ending = true;
  const drained = await Promise.race([Promise.allSettled([...running]).then(() => true), sleep(gracefulStopMs).then(() => false)]);
  const interrupted = drained ? 0 : running.size;
  if (!drained) {
    abort();
    await Promise.race([Promise.allSettled([...running]), sleep(2000)]);
  }
  return { durationMs: performance.now() - started, iterations, interrupted, maxVUs: maxLive };
}
