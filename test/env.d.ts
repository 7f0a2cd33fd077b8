// Test-only bindings (vitest.config.mts). `wrangler types` no longer makes the global `Env`
// extend `Cloudflare.Env`, so both are augmented: objects are typed `DurableObject<Env>` and the
// pool's helpers expect `Cloudflare.Env`.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
interface Env {
  TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
}
