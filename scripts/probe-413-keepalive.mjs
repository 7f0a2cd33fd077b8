#!/usr/bin/env node
// Shows where the 503 "Your worker restarted mid-request" after a chunked 413 comes from
// (README, "Known local-dev artefacts"). Sends, on ONE keep-alive connection: a chunked
// body over the 1 MiB JSON limit, then a small POST, then another; and the same with a
// Content-Length body. Nothing is created: the small POSTs are `{}` to /api/v1/tenants (422).
//   node scripts/probe-413-keepalive.mjs http://127.0.0.1:8787            # through wrangler's proxy
//   node scripts/probe-413-keepalive.mjs http://127.0.0.1:<workerd port>  # straight to the user worker
import http from "node:http";
import { readFileSync } from "node:fs";

const base = new URL(process.argv[2] ?? "http://127.0.0.1:8787");
const token = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))[1].trim();
const big = JSON.stringify({ name: "x".repeat(2_000_000) });

function post(agent, body, chunked) {
  return new Promise((resolve) => {
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    if (chunked) headers["Transfer-Encoding"] = "chunked";
    else headers["Content-Length"] = Buffer.byteLength(body);
    const req = http.request(
      { host: base.hostname, port: base.port, path: "/api/v1/tenants", method: "POST", agent, headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve(`${res.statusCode}${req.reusedSocket ? " (reused connection)" : ""}`));
      },
    );
    req.on("error", (e) => resolve(`${e.code ?? e.message}${req.reusedSocket ? " (reused connection)" : ""}`));
    if (chunked) for (let i = 0; i < body.length; i += 65536) req.write(body.slice(i, i + 65536));
    req.end(chunked ? undefined : body);
  });
}

for (const chunked of [true, false]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const over = await post(agent, big, chunked);
  const next = await post(agent, "{}", false);
  const after = await post(agent, "{}", false);
  console.log(
    `${chunked ? "chunked       " : "Content-Length"} over the limit: ${over}; next POST: ${next}; then: ${after}`,
  );
  agent.destroy();
}
