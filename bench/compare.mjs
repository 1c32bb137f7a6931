/**
 * Ingest A/B: Hook Relay on SQLite from several builds, in interleaved rounds (A B C, B C A, …) at
 * one load step, so that a slower build is told apart from a busier minute. Each run is a fresh
 * process and store, as in bench:ingest, and every 2xx is checked in the database after a SIGKILL.
 *
 * BENCH_BUILDS lists the builds as name=path/to/build/src/endpoint/main.js, comma-separated; the
 * first is the base the others are compared with. Make a build of another commit with
 *   git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.node.json)
 * BENCH_ROUNDS (default 3), BENCH_SECONDS (default 6), BENCH_SIZE (default 4096), BENCH_CONNECTIONS (default 64).
 * Prints medians per build; the last line is `vs-base: <name> <2xx/s ratio> …`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INGEST_TOKEN, READ_TOKEN } from "./lib/hookrelay.mjs";
import { runLoad } from "./lib/load.mjs";
import { payloadMix } from "./lib/payloads.mjs";
import { endpointMain } from "./lib/paths.mjs";
import { startServer } from "./lib/process.mjs";
import { describeMachine, machine } from "./lib/report.mjs";
import { checkExactlyOnce, storedCounts } from "./lib/stored.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const SIZE = Number(process.env.BENCH_SIZE ?? 4096);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_SECONDS = 1;

const builds = (process.env.BENCH_BUILDS ?? `this=${endpointMain}`).split(",").map((entry) => {
  const [name, script] = entry.split("=");
  return { name, script };
});

async function run(build) {
  const workDir = mkdtempSync(join(tmpdir(), "hookrelay-compare-"));
  const db = `sqlite:${join(workDir, "hookrelay.db")}`;
  try {
    const server = await startServer({
      script: build.script,
      workDir,
      readyPath: "/readyz",
      env: { HOOKRELAY_DB: db, HOOKRELAY_DATA_DIR: workDir, HOOKRELAY_TOKENS: INGEST_TOKEN, HOOKRELAY_READ_TOKENS: READ_TOKEN },
    });
    try {
      const load = { url: `${server.url}/hooks`, token: INGEST_TOKEN, connections: CONNECTIONS, mix: payloadMix(SIZE) };
      const warmup = await runLoad({ ...load, seconds: WARMUP_SECONDS });
      const cpuBefore = server.cpuMs();
      const result = await runLoad({ ...load, seconds: SECONDS });
      const cpuUs = ((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, result.ok);
      await server.stop("SIGKILL");
      const { missing, duplicated } = checkExactlyOnce([...warmup.acknowledged, ...result.acknowledged], await storedCounts(db));
      if (missing.length + duplicated.length > 0) throw new Error(`${build.name}: ${missing.length} acknowledged events missing, ${duplicated.length} stored twice`);
      return { rps: result.rps, cpuUs };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`Hook Relay ingest A/B — ${describeMachine(machine())}`);
console.log(`${ROUNDS} interleaved rounds, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up, ${SIZE} B bodies, ${CONNECTIONS} connections\n`);
const results = new Map(builds.map((build) => [build.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts at another build, so none always runs first or last.
  const order = builds.map((_, i) => builds[(i + round) % builds.length]);
  for (const build of order) {
    const r = await run(build);
    results.get(build.name).push(r);
    console.log(`round ${round + 1}\t${build.name}\t${r.rps.toFixed(0)} 2xx/s\t${r.cpuUs.toFixed(0)} µs CPU per 2xx`);
  }
}
const base = results.get(builds[0].name);
const summary = builds.map(({ name }) => {
  const runs = results.get(name);
  const rps = median(runs.map((r) => r.rps));
  const cpu = median(runs.map((r) => r.cpuUs));
  return { name, rps, cpu, vsBase: rps / median(base.map((r) => r.rps)), cpuVsBase: cpu / median(base.map((r) => r.cpuUs)) };
});
console.log("\nbuild\tmedian 2xx/s\tmedian µs CPU per 2xx\t2xx/s vs base\tCPU vs base");
for (const s of summary) console.log(`${s.name}\t${s.rps.toFixed(0)}\t${s.cpu.toFixed(0)}\t${s.vsBase.toFixed(3)}\t${s.cpuVsBase.toFixed(3)}`);
console.log(`vs-base: ${summary.slice(1).map((s) => `${s.name} ${s.vsBase.toFixed(3)}`).join(" ")}`);
