// Formats the vitest JSON report (`--reporter=json --outputFile=<path>`) of bench/transit.bench.ts
// as the markdown table in BENCHMARKS.md: MB/s of each transit operation next to the echo handler.
// Usage: node bench/transit-table.mjs results.json
// req/s is 1000 / mean latency (ms), the hz of vitest 4; vitest 5's hz column is the mean of the
// per-iteration rates, which a coarse clock inflates, so it is not used here.
import { readFileSync } from "node:fs";

const results = JSON.parse(readFileSync(process.argv[2], "utf8"));
const bytes = (name) => {
  const m = /([\d.]+) (KB|MB)/.exec(name);
  return m ? Number(m[1]) * (m[2] === "KB" ? 1e3 : 1e6) : 0;
};
const groups = results.testResults.flatMap((file) =>
  file.assertionResults.map((test) => ({
    title: test.title,
    rows: (test.benchmarks ?? [])
      .flatMap((b) => b.tasks)
      .map((t) => ({
        name: t.name,
        hz: 1000 / t.latency.mean,
        mean: t.latency.mean,
        median: t.latency.p50,
      })),
  })),
);
for (const { title, rows } of groups) {
  if (!rows.some((b) => b.name.startsWith("echo"))) {
    for (const b of rows) console.log(`${title}: ${b.name} ${b.hz.toFixed(0)} req/s, mean ${b.mean.toFixed(2)} ms\n`);
    continue;
  }
  console.log(`**${title}**\n`);
  console.log("| size | transit req/s | transit MB/s | mean ms | median ms | echo MB/s | transit / echo |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const b of rows.filter((x) => !x.name.startsWith("echo"))) {
    const size = b.name.replace(/^\w+ /, "");
    const echo = rows.find((x) => x.name === `echo ${size}`);
    const mbs = (hz) => (hz * bytes(b.name)) / 1e6;
    const ratio = echo ? ((100 * mbs(b.hz)) / mbs(echo.hz)).toFixed(1) + " %" : "";
    console.log(
      `| ${size} | ${b.hz.toFixed(1)} | ${mbs(b.hz).toFixed(1)} | ${b.mean.toFixed(1)} | ${b.median.toFixed(1)} | ${echo ? mbs(echo.hz).toFixed(0) : ""} | ${ratio} |`,
    );
  }
  console.log("");
}
