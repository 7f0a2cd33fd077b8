// The project's scripts run on the Node pinned as a devDependency (`node` package →
// node_modules/.bin/node). npm scripts already put it first in PATH; a script started by
// hand with an older system Node re-runs itself on the pinned one, so wrangler (Node >= 22.12)
// and the tests always see the same runtime.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const pinnedNode = join(root, "node_modules", "node", "bin", "node");
const binDir = join(root, "node_modules", ".bin");

/** The environment for child tools: node_modules/.bin first, so `#!/usr/bin/env node` finds the pinned Node. */
export function pinnedEnv(env = process.env) {
  return { ...env, PATH: [binDir, env.PATH].filter(Boolean).join(delimiter) };
}

/** Re-executes the calling script on the pinned Node when the current one is older than 22. */
export function ensurePinnedNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22 || !existsSync(pinnedNode)) return;
  const r = spawnSync(pinnedNode, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: pinnedEnv(),
  });
  process.exit(r.status ?? 1);
}
