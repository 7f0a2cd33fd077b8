import { defineConfig } from "vitest/config";

// Pure CPU benchmarks under Node (bench/node/*.bench.ts), where timers are precise.
export default defineConfig({
  test: {
    environment: "node",
    // vitest 5 runs benchmarks as tests using the `bench` fixture, in a benchmark project with a
    // 60 s test timeout; a group of benches with their time budgets can exceed it on a busy machine.
    testTimeout: 600_000,
    benchmark: { include: ["bench/node/*.bench.ts"] },
  },
});
