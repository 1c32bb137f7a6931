/**
 * A run killed half-way (SIGKILL of the real process, `node build/src/endpoint/main.js`) loses
 * nothing and doubles nothing: the next start marks it interrupted and its run stores the rest.
 * The stand-in is rate-limited so the run is slow enough to be caught in the middle.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startDevhost, type RunningDevhost } from "../devhost/support/devhost";
import { subscribe } from "../endpoint/reconcile/subscribe";
import { publish } from "../../src/devhost/core/publish";
import { naturalKeyOf } from "../../src/contract/naturalKey";
import { INGEST_TOKEN, READ_TOKEN, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { until } from "./support/wait";

/** Nothing listens on the discard port: every delivery fails, and the subscription goes on probation. */
const PUBLIC_URL = "http://127.0.0.1:9/";
const PUSHES = 12;

let devhost: RunningDevhost;
let dir: string;
let endpoint: RunningEndpoint | undefined;

beforeAll(async () => {
  devhost = await startDevhost({ timeScale: 0.01 });
  dir = mkdtempSync(join(tmpdir(), "hookrelay-kill-"));
});
afterAll(async () => {
  await endpoint?.kill("SIGKILL");
  devhost.engine.close();
  await devhost.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the endpoint reconciling with the stand-in. */
async function startReconciling(): Promise<RunningEndpoint> {
  endpoint = await startEndpoint({
    db: `sqlite:${join(dir, "events.db")}`,
    dataDir: dir,
    env: { HOOKRELAY_ADO_URL: devhost.rootPath, HOOKRELAY_ADO_TOKEN: devhost.personalAccessToken, HOOKRELAY_PUBLIC_URL: PUBLIC_URL },
  });
  return endpoint;
}

type Stored = { id: string; origin: string; naturalKey: string | null };

async function storedEvents(url: string): Promise<Stored[]> {
  const response = await fetch(`${url}/api/events?channel=ci&limit=500`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
  return ((await response.json()) as { value: Stored[] }).value;
}

test("a run killed in the middle resumes on the next start with nothing lost or stored twice", async () => {
  const subscriptionId = randomUUID();
  subscribe(devhost.state, { id: subscriptionId, eventType: "git.push", url: `${PUBLIC_URL}hooks/ci`, token: INGEST_TOKEN });
  const keys: string[] = [];
  for (let i = 0; i < PUSHES; i++) {
    keys.push(naturalKeyOf(publish(devhost.state, devhost.engine, { eventType: "git.push" }).event)!);
    await devhost.engine.idle();
  }
  expect(devhost.state.subscription(subscriptionId)!.status).toBe(10);

  // Every other call waits a second: the run takes several seconds.
  devhost.rateLimiter.configure({ fraction: 0.5, retryAfterSeconds: 1 });
  const first = await startReconciling();
  let partial: Stored[] = [];
  await until("a first reconciled event", async () => (partial = await storedEvents(first.url)).length > 0);
  await first.kill("SIGKILL");
  expect(partial.length).toBeLessThan(PUSHES);
  const killed = new Database(join(dir, "events.db"), { readonly: true });
  expect(killed.prepare("SELECT result FROM reconcile_runs ORDER BY id").pluck().all()).toEqual(["running"]);
  killed.close();

  devhost.rateLimiter.configure({});
  const second = await startReconciling();
  let lastRun: { result: string } | null = null;
  await until("the next run's end", async () => {
    const response = await fetch(`${second.url}/api/reconciliation`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
    lastRun = ((await response.json()) as { lastRun: { result: string } | null }).lastRun;
    return lastRun !== null && lastRun.result !== "running";
  });
  expect(lastRun!.result).toBe("succeeded");
  const events = await storedEvents(second.url);
  expect(events.map((e) => e.naturalKey).sort()).toEqual([...keys].sort());
  expect(events.filter((e) => e.origin === "recovered")).toHaveLength(1);
  expect(events.filter((e) => e.origin === "rebuilt")).toHaveLength(PUSHES - 1);
  await second.kill("SIGTERM");
  const after = new Database(join(dir, "events.db"), { readonly: true });
  expect(after.prepare("SELECT result FROM reconcile_runs ORDER BY id").pluck().all()).toEqual(["interrupted", "succeeded"]);
  after.close();
});
