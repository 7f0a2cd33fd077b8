import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Benchmarks inside workerd (bench/*.bench.ts). workerd's clock is coarse (whole ms,
// advancing on I/O), so read hz and throughput over many iterations, not per-iteration
// percentiles. Pure CPU code is benched under Node too (vitest.bench.node.config.mts).
const TEST_MASTER_KEYS = "1:" + Buffer.alloc(32, 1).toString("base64");

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./test/entry.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("migrations"),
          MASTER_KEYS: TEST_MASTER_KEYS,
          OPERATOR_TOKEN: "bench-operator-token-0123456789abcdef",
        },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/setup.ts"],
    // vitest 5 runs benchmarks as tests using the `bench` fixture, in a benchmark project with a
    // 60 s test timeout; a group of benches with their time budgets can exceed it on a busy machine.
    testTimeout: 600_000,
    benchmark: { include: ["bench/*.bench.ts"] },
  },
}));
