// Load profiles: how many VUs, for how long, with what think time between iterations.

/**
 * quick: about a minute per scenario with a few VUs, sized for a 2-core machine that also runs
 * the server. seed: the seed baseline's stages (2 m ramp to 50, 10 m at 100, 2 m down) and its
 * `sleep(1)` think time; about 14 minutes per scenario.
 */
export const PROFILES = {
  quick: {
    describe: "~50 s per scenario: 10 s ramp up, 35 s steady, 5 s ramp down; modest VUs for 2 cores",
    build: ({ vus = 10, thinkTime = "100ms" } = {}) => ({
      stages: [
        { duration: "10s", target: vus },
        { duration: "35s", target: vus },
        { duration: "5s", target: 0 },
      ],
      thinkTime,
      gracefulStop: "10s",
    }),
  },
  seed: {
    describe: "the seed baseline's stages: 2 m ramp to 50 VUs, 10 m at 100, 2 m ramp down; 1 s think time",
    build: () => ({
      stages: [
        { duration: "2m", target: 50 },
        { duration: "10m", target: 100 },
        { duration: "2m", target: 0 },
      ],
      thinkTime: "1s",
      gracefulStop: "30s",
    }),
  },
};

/**
 * The stages for `profile`, with the scenario's own settings for that profile (e.g. quick VUs).
 * `override.vus` and `override.duration` replace the stages with that many VUs for that long.
 */
export function planFor(profile, scenario, override = {}) {
  const p = PROFILES[profile];
  if (!p) throw new Error(`unknown profile '${profile}' (known: ${Object.keys(PROFILES).join(", ")})`);
  const plan = p.build(scenario.profiles?.[profile]);
  if (override.vus !== undefined) {
    // A zero-length stage jumps straight to the target, as k6's constant-vus executor starts.
    plan.stages = [
      { duration: "0s", target: Number(override.vus) },
      { duration: override.duration, target: Number(override.vus) },
    ];
  }
  return plan;
}
