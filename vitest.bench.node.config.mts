import { defineConfig } from "vitest/config";

// Pure CPU benchmarks under Node (bench/node/*.bench.ts), where timers are precise.
export default defineConfig({
  test: {
    environment: "node",
    benchmark: { include: ["bench/node/*.bench.ts"] },
  },
});
