/**
 * Where the CPU of one delivery goes, per thread: the durable floor, the store floor and Hook Relay
 * SQLite at 4 KB and 64 connections, BENCH_ROUNDS (default 2) interleaved rounds. From each server
 * process's /proc/<pid>/task/<tid>/stat around a measured run: user and system CPU µs per 2xx on
 * the main thread, on the busiest other thread (Hook Relay's SQLite writer thread) and on the rest
 * (V8's helper threads: concurrent and parallel GC, background compilation), and the load
 * generator's own (this process). Run `npm run build:node` first.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INGEST_TOKEN, startHookRelay } from "./lib/hookrelay.mjs";
import { runLoad } from "./lib/load.mjs";
import { payloadMix } from "./lib/payloads.mjs";
import { projectRoot } from "./lib/paths.mjs";
import { startServer } from "./lib/process.mjs";
import { describeMachine, machine } from "./lib/report.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const USER_HZ = 100;
const servers = join(projectRoot, "bench", "servers");

const TARGETS = [
  {
    name: "durable floor",
    start: (workDir) =>
      startServer({ script: join(servers, "durable-floor.mjs"), workDir, readyStatus: 401, env: { HOOKRELAY_TOKENS: INGEST_TOKEN, DB_FILE: join(workDir, "floor.db") } }),
  },
  {
    name: "store floor",
    start: (workDir) =>
      startServer({ script: join(servers, "store-floor.mjs"), workDir, readyPath: "/readyz", env: { HOOKRELAY_TOKENS: INGEST_TOKEN, HOOKRELAY_DB: `sqlite:${join(workDir, "store.db")}` } }),
  },
  { name: "Hook Relay SQLite", start: (workDir) => startHookRelay({ db: `sqlite:${join(workDir, "hookrelay.db")}`, workDir }) },
];

/** CPU milliseconds (user, system) per thread of a live process. */
function threadTimes(pid) {
  const times = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    times.set(tid, { user: (Number(fields[11]) * 1000) / USER_HZ, system: (Number(fields[12]) * 1000) / USER_HZ });
  }
  return times;
}

async function measure(target) {
  const workDir = mkdtempSync(join(tmpdir(), "hookrelay-threads-"));
  try {
    const server = await target.start(workDir);
    try {
      const load = { url: `${server.url}/hooks`, token: INGEST_TOKEN, connections: 64, mix: payloadMix(4096) };
      await runLoad({ ...load, seconds: 1 });
      const before = threadTimes(server.pid);
      const generatorBefore = process.cpuUsage();
      const result = await runLoad({ ...load, seconds: SECONDS });
      const after = threadTimes(server.pid);
      const generator = process.cpuUsage(generatorBefore);
      const perRequest = (ms) => (ms * 1000) / Math.max(1, result.ok);
      const used = [...after].map(([tid, t]) => {
        const b = before.get(tid) ?? { user: 0, system: 0 };
        return { tid, user: perRequest(t.user - b.user), system: perRequest(t.system - b.system) };
      });
      const main = used.find((t) => t.tid === String(server.pid));
      const others = used.filter((t) => t !== main).sort((a, b) => b.user + b.system - (a.user + a.system));
      const rest = others.slice(1).reduce((sum, t) => ({ user: sum.user + t.user, system: sum.system + t.system }), { user: 0, system: 0 });
      return { rps: result.rps, main, busiest: others[0] ?? { user: 0, system: 0 }, rest, generator: (generator.user + generator.system) / Math.max(1, result.ok) };
    } finally {
      await server.stop("SIGKILL");
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const µs = (t) => `${(t.user + t.system).toFixed(0)} (${t.system.toFixed(0)} sys)`;
console.log(`Per-thread CPU per 2xx — ${describeMachine(machine())}`);
console.log(`4 KB, 64 connections, ${SECONDS} s per run after 1 s warm-up; µs per 2xx, user+system (system)\n`);
console.log(["round", "target", "2xx/s", "main thread", "busiest other thread", "other threads", "total", "load generator"].join("\t"));
for (let round = 0; round < ROUNDS; round++) {
  const order = [...TARGETS.slice(round % TARGETS.length), ...TARGETS.slice(0, round % TARGETS.length)];
  for (const target of order) {
    const r = await measure(target);
    const total = r.main.user + r.main.system + r.busiest.user + r.busiest.system + r.rest.user + r.rest.system;
    console.log([round + 1, target.name, r.rps.toFixed(0), µs(r.main), µs(r.busiest), µs(r.rest), total.toFixed(0), r.generator.toFixed(0)].join("\t"));
  }
}
