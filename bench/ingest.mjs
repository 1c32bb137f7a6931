/**
 * Ingest benchmark: the same load, in the same run, against
 *   (a) a bare node:http server that reads the body and answers 200 (the limit of this machine),
 *   (b) a minimal Express receiver (express.json + fs.appendFile),
 *   (c) the floor for a durable receiver (node:http, bearer check, JSON.parse, id/eventType check,
 *       group commit of each event-loop turn into SQLite WAL synchronous=FULL, primary key only),
 *   (d) Hook Relay on SQLite, (e) Hook Relay on PostgreSQL.
 * Every target gets a fresh process and store per run, so each peak-memory figure is that run's.
 * After each Hook Relay run the endpoint is SIGKILLed and its database read: every id that got
 * a 2xx must be there exactly once (the floor is checked the same way).
 *
 * Then FLOOR_ROUNDS rounds in which the floor, the store floor (the floor doing Hook Relay's required
 * storage work: servers/store-floor.mjs) and Hook Relay SQLite, all three running, take turns in
 * short slices at 4 KB and 64 connections; the median of the rounds' Hook Relay / floor ratios is
 * the last line printed: `ingest-vs-floor: X`.
 *
 * A fifth server, Fastify parsing JSON and storing nothing, is a reference: the framework's own
 * ceiling on this machine, so the report shows where the rest of the gap to (a) goes.
 *
 * BENCH_SECONDS (default 6) bounds each measured run; BENCH_SKIP_POSTGRES=1 leaves (d) out;
 * BENCH_RATIO_ONLY=1 runs only the 4 KB, 64-connection step; BENCH_FLOOR_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INGEST_TOKEN, startHookRelay } from "./lib/hookrelay.mjs";
import { runLoad } from "./lib/load.mjs";
import { payloadMix } from "./lib/payloads.mjs";
import { projectRoot } from "./lib/paths.mjs";
import { startPostgres } from "./lib/postgres.mjs";
import { startServer } from "./lib/process.mjs";
import { describeMachine, machine, table, writeSection } from "./lib/report.mjs";
import { checkExactlyOnce, storedCounts } from "./lib/stored.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WARMUP_SECONDS = 1;
const RATIO_SIZE = 4096;
const RATIO_CONNECTIONS = 64;
const LARGE_SIZE = 512000;
const FLOOR_ROUNDS = Number(process.env.BENCH_FLOOR_ROUNDS ?? 3);
/** Each target's load per floor round, in turns (see floorRounds). */
const SLICES = 4;
const SLICE_SECONDS = 2;
/** 4 KB at three concurrency levels, then the other sizes at 64 connections. */
const PLAN = [
  { size: 4096, connections: 1 },
  { size: 4096, connections: 16 },
  { size: 4096, connections: 64 },
  { size: 2048, connections: 64 },
  { size: 65536, connections: 64 },
  { size: LARGE_SIZE, connections: 64 },
];

const bench = join(projectRoot, "bench");
/** BENCH_RATIO_ONLY=1 runs just the step the ratio is read from. */
const steps = () => (process.env.BENCH_RATIO_ONLY === "1" ? PLAN.filter((s) => s.size === RATIO_SIZE && s.connections === RATIO_CONNECTIONS) : PLAN);

const startHookRelayOn = (workDir, db) => startHookRelay({ db, workDir });

const FLOOR = {
  name: "durable floor (node:http + SQLite)",
  durability: "WAL, synchronous=FULL: fsync per group commit before any 200; primary key only",
  db: (workDir) => `sqlite:${join(workDir, "floor.db")}`,
  start: (workDir, db) =>
    startServer({
      script: join(bench, "servers", "durable-floor.mjs"),
      workDir,
      readyStatus: 401,
      env: { HOOKRELAY_TOKENS: INGEST_TOKEN, DB_FILE: db.slice("sqlite:".length) },
    }),
};

/**
 * The durable floor doing Hook Relay's required storage work (store-floor.mjs): its checks, facts,
 * schema, indexes and compression, on node:http and one thread. Between the durable floor and this
 * lies what the issue requires be kept; between this and Hook Relay, Hook Relay's own overhead.
 */
const STORE_FLOOR = {
  name: "store floor (node:http + Hook Relay's store)",
  durability: "WAL, synchronous=FULL: fsync per group commit before any 200; Hook Relay's schema, indexes and compression",
  db: (workDir) => `sqlite:${join(workDir, "store-floor.db")}`,
  start: (workDir, db) =>
    startServer({
      script: join(bench, "servers", "store-floor.mjs"),
      workDir,
      readyPath: "/readyz",
      env: { HOOKRELAY_TOKENS: INGEST_TOKEN, HOOKRELAY_DB: db },
    }),
};

const HOOK_RELAY_SQLITE = {
  name: "Hook Relay SQLite",
  durability: "WAL, synchronous=FULL: fsync per group commit before any 2xx",
  db: (workDir) => `sqlite:${join(workDir, "hookrelay.db")}`,
  start: startHookRelayOn,
};

/**
 * Hook Relay with V8's young generation held at 2 × 2 MiB (README, "Receiving"), only where it
 * matters: V8 otherwise grows it to 2 × 16 MiB under load, a sixth of the peak at 500 KB.
 */
const SMALL_YOUNG_GENERATION_FLAG = "--max-semi-space-size=2";
const HOOK_RELAY_SQLITE_SMALL_YOUNG = {
  ...HOOK_RELAY_SQLITE,
  name: `Hook Relay SQLite, ${SMALL_YOUNG_GENERATION_FLAG}`,
  start: (workDir, db) => startHookRelay({ db, workDir, nodeFlags: [SMALL_YOUNG_GENERATION_FLAG] }),
  sizes: [65536, LARGE_SIZE],
};

function targets(postgres) {
  const list = [
    {
      name: "bare node:http",
      durability: "none (body discarded)",
      start: (workDir) => startServer({ script: join(bench, "servers", "bare.mjs"), workDir }),
    },
    {
      name: "express + appendFile",
      durability: "OS page cache (appendFile, no fsync)",
      start: (workDir) =>
        startServer({
          script: join(bench, "servers", "express.mjs"),
          workDir,
          readyStatus: 404,
          env: { EVENTS_FILE: join(workDir, "events.jsonl") },
        }),
    },
    {
      name: "fastify + JSON.parse (reference)",
      durability: "none (nothing stored): the framework's own ceiling",
      start: (workDir) =>
        startServer({
          script: join(bench, "servers", "fastify-floor.mjs"),
          workDir,
          readyStatus: 401,
          env: { HOOKRELAY_TOKENS: INGEST_TOKEN },
        }),
    },
    FLOOR,
    HOOK_RELAY_SQLITE,
    HOOK_RELAY_SQLITE_SMALL_YOUNG,
  ];
  if (postgres) {
    list.push({
      name: "Hook Relay PostgreSQL",
      durability: `${postgres.durability}: WAL flushed at each group commit before any 2xx`,
      db: () => postgres.url,
      start: startHookRelayOn,
      resetPostgres: true,
    });
  }
  return list;
}

async function measure(target, step, postgres) {
  const workDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-"));
  try {
    if (target.resetPostgres) await postgres.reset();
    const db = target.db?.(workDir);
    const server = await target.start(workDir, db);
    try {
      const result = await loadServer(server, step);
      if (!db) return { ...result, durable: "n/a" };
      // Killed, not stopped: what is in the database now is what a crash would have left.
      await server.stop("SIGKILL");
      const durable = await storedOnce(result.acknowledged, db);
      return { ...result, durable };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** "yes" if every acknowledged id is in `db` exactly once (read after a SIGKILL), else what is wrong. */
async function storedOnce(acknowledged, db) {
  const { missing, duplicated } = checkExactlyOnce(acknowledged, await storedCounts(db));
  return missing.length === 0 && duplicated.length === 0 ? "yes" : `NO: ${missing.length} missing, ${duplicated.length} twice`;
}

/** Warm-up, then the measured run, with the server's CPU time and peak memory. */
async function loadServer(server, step) {
  const mix = payloadMix(step.size);
  const bytes = mix.templates.reduce((sum, t) => sum + t.bytes, 0) / mix.templates.length;
  const load = { url: `${server.url}/hooks`, token: INGEST_TOKEN, connections: step.connections, mix };
  const warmup = await runLoad({ ...load, seconds: WARMUP_SECONDS });
  const cpuBefore = server.cpuMs();
  const result = await runLoad({ ...load, seconds: SECONDS });
  return {
    ...result,
    bytes,
    acknowledged: [...warmup.acknowledged, ...result.acknowledged],
    cpuUsPerRequest: ((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, result.ok),
    peakRssMiB: (server.peakRssKb() ?? 0) / 1024,
  };
}

const fmt = (n, digits = 0) => n.toFixed(digits);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Floor, store floor and Hook Relay SQLite side by side. A round starts a fresh process and store of
 * each and warms each up; then they take turns, SLICES times SLICE_SECONDS each, the first one
 * changing every slice. So all three see the same minutes of a machine whose speed drifts (one 6 s
 * run after another gave single-round ratios of 0.70 to 1.07 for the same build), and a round's
 * ratio is Hook Relay's 2xx over the floor's, summed over its slices.
 */
async function floorRounds() {
  const rounds = [];
  for (let round = 1; round <= FLOOR_ROUNDS; round++) {
    const [floor, storeFloor, hookRelay] = await sideBySide([FLOOR, STORE_FLOOR, HOOK_RELAY_SQLITE], round);
    const ratio = hookRelay.rps / Math.max(1, floor.rps);
    const storeRatio = storeFloor.rps / Math.max(1, floor.rps);
    rounds.push({ floor, storeFloor, hookRelay, ratio, storeRatio });
    const described = (name, r) => `${name} ${fmt(r.rps)} 2xx/s (${fmt(r.cpuUsPerRequest)} µs CPU)`;
    console.log(`round ${round}: ${described("floor", floor)}, ${described("store floor", storeFloor)}, ${described("Hook Relay", hookRelay)}, ratios ${storeRatio.toFixed(3)} / ${ratio.toFixed(3)}`);
  }
  return rounds;
}

/**
 * One round: `list`'s targets all running, in turns at 4 KB × 64 connections. For each, its 2xx/s,
 * CPU per 2xx and whether every 2xx was stored exactly once after a SIGKILL.
 */
async function sideBySide(list, round) {
  const load = (entry) => ({ url: `${entry.server.url}/hooks`, token: INGEST_TOKEN, connections: RATIO_CONNECTIONS, mix: payloadMix(RATIO_SIZE) });
  const running = [];
  try {
    for (const target of list) {
      const workDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-"));
      const entry = { workDir, db: target.db(workDir), ok: 0, cpuMs: 0, acknowledged: [] };
      running.push(entry);
      entry.server = await target.start(workDir, entry.db);
    }
    for (const entry of running) entry.acknowledged.push(...(await runLoad({ ...load(entry), seconds: WARMUP_SECONDS })).acknowledged);
    for (let slice = 0; slice < SLICES; slice++) {
      const first = (round + slice) % running.length;
      for (const entry of [...running.slice(first), ...running.slice(0, first)]) {
        const cpuBefore = entry.server.cpuMs();
        const result = await runLoad({ ...load(entry), seconds: SLICE_SECONDS });
        entry.cpuMs += entry.server.cpuMs() - cpuBefore;
        entry.ok += result.ok;
        entry.acknowledged.push(...result.acknowledged);
      }
    }
    const results = [];
    for (const entry of running) {
      await entry.server.stop("SIGKILL");
      const durable = await storedOnce(entry.acknowledged, entry.db);
      results.push({ rps: entry.ok / (SLICES * SLICE_SECONDS), cpuUsPerRequest: (entry.cpuMs * 1000) / Math.max(1, entry.ok), durable });
    }
    return results;
  } finally {
    for (const entry of running) {
      await entry.server?.stop();
      rmSync(entry.workDir, { recursive: true, force: true });
    }
  }
}

function floorSection(rounds) {
  const header = [
    "round", "floor 2xx/s", "floor CPU µs per 2xx", "store floor 2xx/s", "store floor CPU µs per 2xx", "Hook Relay 2xx/s",
    "Hook Relay CPU µs per 2xx", "store floor / floor", "Hook Relay / floor", "every 2xx stored once (floor / store floor / Hook Relay)",
  ];
  const rows = rounds.map((r, i) => [
    String(i + 1),
    fmt(r.floor.rps),
    fmt(r.floor.cpuUsPerRequest),
    fmt(r.storeFloor.rps),
    fmt(r.storeFloor.cpuUsPerRequest),
    fmt(r.hookRelay.rps),
    fmt(r.hookRelay.cpuUsPerRequest),
    r.storeRatio.toFixed(3),
    r.ratio.toFixed(3),
    `${r.floor.durable} / ${r.storeFloor.durable} / ${r.hookRelay.durable}`,
  ]);
  return (
    `### Against the durable floor (4 KB, ${RATIO_CONNECTIONS} connections, ${rounds.length} rounds of ${SLICES} × ${SLICE_SECONDS} s turns)\n\n${table(header, rows)}\n\n` +
    `store-floor-vs-floor (median): ${median(rounds.map((r) => r.storeRatio)).toFixed(3)}\n\n` +
    `**ingest-vs-floor (median of the rounds' ratios): ${median(rounds.map((r) => r.ratio)).toFixed(3)}**`
  );
}

/** Peak RSS at 500 KB × 64 connections against the bound: the bare server's plus 3 × the bytes in flight. */
function memorySection(peaks) {
  const bare = peaks.get("bare node:http");
  const hookRelay = peaks.get(HOOK_RELAY_SQLITE.name);
  const smallYoung = peaks.get(HOOK_RELAY_SQLITE_SMALL_YOUNG.name);
  if (bare === undefined || hookRelay === undefined) return "";
  const inFlightMiB = (LARGE_SIZE * RATIO_CONNECTIONS) / 2 ** 20;
  const bound = bare + 3 * inFlightMiB;
  const against = (peak) => `${fmt(peak)} MiB, ${peak <= bound ? "within" : "over"}`;
  return (
    `\n\nPeak RSS at 500 KB × ${RATIO_CONNECTIONS} connections against a bound of ${fmt(bound)} MiB ` +
    `(bare ${fmt(bare)} MiB + 3 × ${fmt(inFlightMiB)} MiB in flight): Hook Relay SQLite ${against(hookRelay)}` +
    (smallYoung === undefined ? "." : `; with ${SMALL_YOUNG_GENERATION_FLAG} ${against(smallYoung)}.`)
  );
}

async function main() {
  const where = machine();
  console.log(`Hook Relay ingest benchmark — ${describeMachine(where)}`);
  console.log(`${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, loopback, autocannon in this process\n`);
  const postgres = process.env.BENCH_SKIP_POSTGRES === "1" ? undefined : await startPostgres();
  const rows = [];
  let ratio;
  let cpuRatio;
  /** Peak RSS per target at 500 KB × 64 connections. */
  const largePeaks = new Map();
  try {
    const list = targets(postgres);
    for (const step of steps()) {
      const bare = { rps: 0, cpu: 0 };
      for (const target of list) {
        if (target.sizes && !target.sizes.includes(step.size)) continue;
        const r = await measure(target, step, postgres);
        if (target === list[0]) Object.assign(bare, { rps: r.rps, cpu: r.cpuUsPerRequest });
        const vsBare = bare.rps > 0 ? r.rps / bare.rps : 0;
        if (step.size === LARGE_SIZE && step.connections === RATIO_CONNECTIONS) largePeaks.set(target.name, r.peakRssMiB);
        if (target.name === "Hook Relay SQLite" && step.size === RATIO_SIZE && step.connections === RATIO_CONNECTIONS) {
          ratio = vsBare;
          cpuRatio = bare.cpu / r.cpuUsPerRequest;
        }
        const row = [
          target.name,
          `${fmt(r.bytes / 1024, 1)} KB`,
          String(step.connections),
          fmt(r.rps),
          fmt(vsBare, 2),
          String(r.p50),
          String(r.p99),
          fmt(r.peakRssMiB),
          fmt(r.cpuUsPerRequest),
          String(r.non2xx + r.errors + r.timeouts),
          r.durable,
        ];
        rows.push(row);
        console.log(row.join("\t"));
      }
    }
  } finally {
    await postgres?.stop();
  }
  const rounds = await floorRounds();
  const header = ["target", "payload", "connections", "2xx/s", "vs bare", "p50 ms", "p99 ms", "peak RSS MiB", "server CPU µs per 2xx", "non-2xx+errors", "every 2xx stored once"];
  const durability = targets(postgres).map((t) => `- **${t.name}**: ${t.durability}`).join("\n");
  writeSection(
    "ingest",
    `## Ingest (npm run bench:ingest)\n\n${describeMachine(where)}.\n\n` +
      `Each row: a fresh server process and store, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s of autocannon on loopback ` +
      `(same process as the orchestrator, so it shares the CPU with the server). Payloads: the five official samples in turn, ` +
      `fresh UUID ids, padded (or trimmed of their optional messages) to the size class; "payload" is the mean size. ` +
      `"vs bare" is the 2xx/s ratio to the bare node:http server in the same step. "server CPU µs per 2xx" is the ` +
      `server process's user+system CPU time during the measured run divided by its 2xx answers (PostgreSQL's own ` +
      `processes not included): it depends much less on what else the machine is doing than 2xx/s does.\n\n` +
      `Durability per target:\n${durability}\n\n${table(header, rows)}\n\n` +
      `**ingest-ratio (Hook Relay SQLite / bare node:http, 4 KB, 64 connections): ${ratio === undefined ? "n/a" : ratio.toFixed(3)}**\n\n` +
      `CPU-cost ratio in the same step (bare CPU per 2xx / Hook Relay SQLite CPU per 2xx): ${cpuRatio === undefined ? "n/a" : cpuRatio.toFixed(3)}` +
      memorySection(largePeaks) +
      `\n\n${floorSection(rounds)}`,
  );
  console.log(`\nWritten to bench/RESULTS.md`);
  console.log(`ingest-ratio: ${ratio === undefined ? "NaN" : ratio.toFixed(3)}`);
  console.log(`store-floor-vs-floor: ${median(rounds.map((r) => r.storeRatio)).toFixed(3)}`);
  console.log(`ingest-vs-floor: ${median(rounds.map((r) => r.ratio)).toFixed(3)}`);
}

await main();
