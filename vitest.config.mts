import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Fixed test-only secrets: a master key set with two versions (rotation is exercised)
// and an operator token. Never used outside the test runtime.
const TEST_MASTER_KEYS = [
  "1:" + Buffer.alloc(32, 1).toString("base64"),
  "2:" + Buffer.alloc(32, 2).toString("base64"),
].join(",");

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        // The test entry exports the API worker's fetch and the consumer's queue handler,
        // so a message sent on JOBS is delivered to the real consumer code.
        main: "./test/entry.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            MASTER_KEYS: TEST_MASTER_KEYS,
            OPERATOR_TOKEN: "test-operator-token-0123456789abcdef",
            AUTH_CACHE_TTL_SECONDS: "1",
            // The OpenAPI fuzz pass (test/fuzz): time budget in seconds, and a seed to replay a run.
            FUZZ_SECONDS: process.env.FUZZ_SECONDS ?? "30",
            FUZZ_SEED: process.env.FUZZ_SEED ?? "",
            // Failed chunks are retried at once in tests (production backs off from 2 s).
            JOB_RETRY_BASE_SECONDS: "0",
          },
          queueConsumers: {
            "llm-data-vault-jobs": {
              maxBatchSize: 10,
              maxBatchTimeout: 0.05,
              maxRetries: 3,
              deadLetterQueue: "llm-data-vault-jobs-dlq",
            },
            "llm-data-vault-jobs-dlq": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 3 },
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup.ts"],
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      // Request log lines are noise unless a test fails.
      silent: "passed-only",
    },
  };
});
