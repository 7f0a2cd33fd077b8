#!/usr/bin/env node
// The API worker served by Miniflare directly on $HOST:$PORT, without `wrangler dev` and its
// proxy worker in front: for measuring the app rather than the dev proxy (npm run load --
// --compare --direct). Same bundle as a deploy (wrangler deploy --dry-run), same bindings
// (wrangler's own unstable_getMiniflareWorkerOptions reads wrangler.toml and .dev.vars), its
// own local state with the D1 migrations applied: .wrangler/direct-state, or $STATE_DIR (e.g. a
// tmpfs such as /dev/shm, so that writes measure the app rather than this machine's fsync).
// The queue consumer is not run: the endpoints measured do not enqueue.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const persist = process.env.STATE_DIR ?? join(root, ".wrangler", "direct-state");
const outdir = join(root, "dist", "direct-api");
const run = (args) => {
  const r = spawnSync(wrangler, args, { cwd: root, stdio: "inherit", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(["deploy", "--dry-run", "--outdir", outdir, "-c", "wrangler.toml"]);
run(["d1", "migrations", "apply", "DB", "--local", "-c", "wrangler.toml", "--persist-to", persist]);

// modulesRules: Miniflare 5 refuses them, and the bundle is one file, so they have nothing to match.
const { workerOptions: wranglerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
const { modulesRules: _unused, ...workerOptions } = wranglerOptions;
// Miniflare 5 takes a new option shape; wrangler's worker options are still the v4 one, which
// convertV4MiniflareOptions translates (as wrangler itself does). State under <persist>/v3, as
// `wrangler d1 migrations apply --persist-to <persist>` lays it out.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 8807),
    resourcePersistencePath: join(persist, "v3"),
    workers: [
      {
        ...workerOptions,
        // Server-Timing phases on every response: where a request's time goes.
        bindings: { ...workerOptions.bindings, SERVER_TIMING: "1" },
        name: "llm-data-vault-api",
        modules: true,
        scriptPath: join(outdir, "index.js"),
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`llm-data-vault API on Miniflare directly (no dev proxy): ${url}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => mf.dispose().finally(() => process.exit(0)));
