/**
 * Query benchmark: 1,000,000 stored events (SQLite), then GET /api/events filtered by
 * repository + eventType and by pullRequestId, one request at a time, p50/p99 over REQUESTS
 * requests each with varying filter values. Target: p99 < 50 ms.
 *
 * The events are written through the store's own recordBatch (the path ingest uses, in large
 * batches) from the official samples in their smallest form, spread over REPOSITORIES
 * repositories, PULL_REQUESTS pull requests and 30 days, plus one rare repository that gets one
 * event in RARE_EVERY (the worst case for a filter the index cannot narrow). BENCH_EVENTS
 * overrides the count.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFacts } from "../build/src/contract/facts.js";
import { SqliteStore } from "../build/src/endpoint/store/sqlite.js";
import { READ_TOKEN, startHookRelay } from "./lib/hookrelay.mjs";
import { EVENT_TYPES, sampleOfSize } from "./lib/payloads.mjs";
import { describeMachine, machine, table, writeSection } from "./lib/report.mjs";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
/** A filter the indexes serve badly would otherwise take minutes: stop its pass after this. */
const MAX_SECONDS_PER_FILTER = 30;
const WARMUP_REQUESTS = 20;
const REPOSITORIES = 50;
const PULL_REQUESTS = 50_000;
const RARE_EVERY = 10_000;
const BATCH = 10_000;
const DAY_MS = 24 * 3600 * 1000;

/** Repository number REPOSITORIES is the rare one. */
const repositoryOf = (n) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  name: n === REPOSITORIES ? "repo-rare" : `repo-${n}`,
});

/** Per event type and repository: a body with slots for the event id and the pull request id. */
function templates() {
  const byKey = new Map();
  for (const eventType of EVENT_TYPES) {
    for (let r = 0; r <= REPOSITORIES; r++) {
      const event = sampleOfSize(eventType, 2048);
      const repository = { ...repositoryOf(r) };
      const pullRequest = eventType === "git.push" ? undefined : eventType.startsWith("ms.") ? event.resource.pullRequest : event.resource;
      if (pullRequest) {
        pullRequest.repository = { ...pullRequest.repository, ...repository };
        pullRequest.pullRequestId = 987654321;
      } else {
        event.resource.repository = { ...event.resource.repository, ...repository };
      }
      event.id = "EVENT-ID";
      const [head, tail] = JSON.stringify(event).split('"EVENT-ID"');
      const facts = extractFacts(event);
      byKey.set(`${eventType} ${r}`, { facts, head, tail, hasPullRequest: Boolean(pullRequest) });
    }
  }
  return byKey;
}

function delivery(byKey, n, start) {
  const eventType = EVENT_TYPES[n % EVENT_TYPES.length];
  const repository = n % RARE_EVERY === RARE_EVERY - 1 ? REPOSITORIES : Math.floor(n / EVENT_TYPES.length) % REPOSITORIES;
  const template = byKey.get(`${eventType} ${repository}`);
  const pullRequestId = 1 + (n * 7919) % PULL_REQUESTS;
  const id = randomUUID();
  let body = template.head + `"${id}"` + template.tail;
  if (template.hasPullRequest) body = body.replace("987654321", String(pullRequestId));
  return {
    channel: "",
    eventId: id,
    facts: { ...template.facts, pullRequestId: template.hasPullRequest ? pullRequestId : undefined },
    body,
    headers: { "content-type": "application/json" },
    receivedAt: start + Math.floor((n / EVENTS) * 30 * DAY_MS),
  };
}

/** Stores EVENTS events; returns how long it took and the bytes of their bodies as received. */
async function generate(filename) {
  const store = new SqliteStore({ filename, synchronous: "NORMAL" });
  const byKey = templates();
  const start = Date.now() - 30 * DAY_MS;
  const began = Date.now();
  let rawBytes = 0;
  for (let n = 0; n < EVENTS; n += BATCH) {
    const batch = [];
    for (let i = n; i < Math.min(n + BATCH, EVENTS); i++) batch.push(delivery(byKey, i, start));
    for (const d of batch) rawBytes += Buffer.byteLength(d.body);
    await store.recordBatch(batch);
    if ((n / BATCH) % 10 === 0) process.stdout.write(`\r${n + batch.length} events stored`);
  }
  await store.close();
  const seconds = (Date.now() - began) / 1000;
  console.log(`\r${EVENTS} events stored in ${seconds.toFixed(0)} s (${(EVENTS / seconds).toFixed(0)}/s)`);
  return { seconds, rawBytes };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One request at a time; returns latency percentiles in ms and the mean page size. */
async function measure(url, queryFor, requests) {
  const latencies = [];
  let rows = 0;
  const deadline = Date.now() + MAX_SECONDS_PER_FILTER * 1000;
  for (let i = 0; i < requests && Date.now() < deadline; i++) {
    const began = performance.now();
    const response = await fetch(`${url}/api/events?${queryFor(i)}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    const page = await response.json();
    latencies.push(performance.now() - began);
    if (response.status !== 200) throw new Error(`GET /api/events?${queryFor(i)} answered ${response.status}: ${JSON.stringify(page)}`);
    rows += page.value.length;
  }
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  return { count, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1), meanRows: rows / count };
}

async function main() {
  const where = machine();
  console.log(`Hook Relay query benchmark — ${describeMachine(where)}`);
  const workDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-query-"));
  const filename = join(workDir, "hookrelay.db");
  try {
    const { seconds: generationSeconds, rawBytes } = await generate(filename);
    // Closing the store checkpointed the WAL into the file: its size is all the store keeps.
    const fileBytes = statSync(filename).size;
    const sizeMiB = fileBytes / 2 ** 20;
    const storageVsRaw = (fileBytes / rawBytes).toFixed(2);
    console.log(`${(fileBytes / EVENTS).toFixed(0)} bytes on disk per event, ${(rawBytes / EVENTS).toFixed(0)} raw body bytes per event`);
    console.log(`storage-vs-raw: ${storageVsRaw}`);
    const server = await startHookRelay({ db: `sqlite:${filename}`, workDir, env: { HOOKRELAY_LOG_LEVEL: "warn" } });
    const cases = [
      {
        name: "repository + eventType",
        queryFor: (i) => `repository=repo-${i % REPOSITORIES}&eventType=${EVENT_TYPES[(i * 3) % EVENT_TYPES.length]}`,
      },
      {
        name: "repository id + eventType",
        queryFor: (i) => `repository=${repositoryOf(i % REPOSITORIES).id}&eventType=${EVENT_TYPES[(i * 3) % EVENT_TYPES.length]}`,
      },
      {
        name: "rare repository + eventType",
        queryFor: (i) => `repository=repo-rare&eventType=${EVENT_TYPES[i % EVENT_TYPES.length]}`,
      },
      { name: "pullRequestId", queryFor: (i) => `pullRequestId=${1 + ((i * 104729) % PULL_REQUESTS)}` },
      { name: "no filter (newest page)", queryFor: () => "" },
      // Not targets: actor and projectId have no index (it would slow every insert), so a value with no events scans the table.
      { name: "actor with no events (unindexed, full scan)", queryFor: () => "actor=nobody%40example.com", target: false },
      { name: "projectId with no events (unindexed, full scan)", queryFor: () => "projectId=00000000-0000-0000-0000-000000000000", target: false },
    ];
    const rows = [];
    try {
      for (const c of cases) {
        await measure(server.url, c.queryFor, WARMUP_REQUESTS); // page cache and prepared statements
        const r = await measure(server.url, c.queryFor, REQUESTS);
        const row = [c.name, String(r.count), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), r.meanRows.toFixed(1), c.target === false ? "not a target" : r.p99 < 50 ? "yes" : "NO"];
        rows.push(row);
        console.log(row.join("\t"));
      }
    } finally {
      await server.stop();
    }
    writeSection(
      "query",
      `## Query (npm run bench:query)\n\n${describeMachine(where)}.\n\n` +
        `${EVENTS.toLocaleString("en")} events in SQLite (${sizeMiB.toFixed(0)} MiB, generated through the store's recordBatch in ` +
        `${generationSeconds.toFixed(0)} s): the five official samples in their smallest form, ${REPOSITORIES} repositories, ` +
        `${PULL_REQUESTS.toLocaleString("en")} pull requests, 30 days; "repo-rare" gets one event in ${RARE_EVERY.toLocaleString("en")}. ${REQUESTS} GET /api/events per filter, one at a time, ` +
        `varying the values, after ${WARMUP_REQUESTS} warm-up requests, each pass capped at ${MAX_SECONDS_PER_FILTER} s; default page size (50).\n\n` +
        table(["filter", "requests", "p50 ms", "p99 ms", "max ms", "rows per page", "p99 < 50 ms"], rows) +
        `\n\n${(fileBytes / EVENTS).toFixed(0)} bytes on disk per event against ${(rawBytes / EVENTS).toFixed(0)} bytes of body as received ` +
        `(file size after the store closed, WAL checkpointed; indexes, facts and headers included).\n\n` +
        `**storage-vs-raw: ${storageVsRaw}**`,
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
