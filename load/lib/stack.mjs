// The load target: checks it is on this machine, finds it answering, or starts the local stack.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";

/** Only loopback targets: load tests never leave this machine. */
export function assertLoopback(base) {
  const url = new URL(base);
  if (url.protocol !== "http:") throw new Error(`target ${base}: only http:// is supported`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
  if (!loopback)
    throw new Error(
      `target ${base} is not a loopback address (127.0.0.0/8, localhost, [::1]); refusing to send load there`,
    );
  return url.origin;
}

/** True when GET /healthz answers 2xx within a second. */
export async function isHealthy(base) {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

let activeStop = null;

/** Stops a stack startStack() spawned, even one still starting (for Ctrl-C); a no-op otherwise. */
export async function stopStartedStack() {
  if (activeStop) await activeStop();
}

/**
 * Spawns `node scripts/start.mjs` (migrations, then wrangler dev), or another `script`, on the target's port with
 * its output in `logFile`, and waits for /healthz. `persistTo` is the local state folder (default: `npm start`'s
 * `.wrangler/state`). Returns a stop() that ends the process group it started.
 */
export async function startStack({
  root,
  base,
  logFile,
  timeoutMs = 180_000,
  log,
  persistTo,
  script = "scripts/start.mjs",
}) {
  const url = new URL(base);
  mkdirSync(join(logFile, ".."), { recursive: true });
  const out = createWriteStream(logFile);
  await new Promise((r) => out.on("open", r));
  // Its own process group, so stop() reaches wrangler and workerd too, and only them.
  const child = spawn(process.execPath, [script], {
    cwd: root,
    // WRANGLER_LOG=warn drops wrangler's two log lines per request (its own and the worker's request
    // log), which would otherwise cost the shared cores more than some of the requests measured.
    env: {
      WRANGLER_LOG: "warn",
      ...process.env,
      PORT: url.port || "80",
      HOST: url.hostname.replace(/^\[|\]$/g, ""),
      ...(persistTo ? { PERSIST_TO: persistTo } : {}),
    },
    stdio: ["ignore", out, out],
    detached: true,
  });
  let exited = false;
  child.on("exit", () => (exited = true));
  activeStop = () => stop();
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    const ok = await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (!ok) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
    out.end();
    activeStop = null;
  };
  const deadline = Date.now() + timeoutMs;
  let lastNote = Date.now();
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the local stack exited before answering /healthz; see ${logFile}`);
    if (await isHealthy(base)) return { stop, pid: child.pid };
    if (Date.now() - lastNote > 15_000) {
      lastNote = Date.now();
      log(`  still waiting for ${base}/healthz ...`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the local stack did not answer ${base}/healthz within ${timeoutMs / 1000} s; see ${logFile}`);
}

let ticksPerSecond;

/**
 * CPU seconds (user + system) used so far by the live processes of process group `pgid`: the
 * stack the runner started (node, wrangler, workerd). Null where /proc is not there.
 */
export function groupCpuSeconds(pgid) {
  try {
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      // Fields after the parenthesised command name: state ppid pgrp ... utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks / ticksPerSecond;
  } catch {
    return null;
  }
}
