/**
 * A run killed half-way (SIGKILL of the real process, `node build/src/endpoint/main.js`) loses
 * nothing and doubles nothing: the next start marks it interrupted and its run stores the rest.
 * The stand-in is rate-limited so the run is slow enough to be caught in the middle.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { startDevhost, type RunningDevhost } from "../../devhost/support/devhost";
import { publish } from "../../../src/devhost/core/publish";
import { naturalKeyOf } from "../../../src/contract/naturalKey";
import { subscribe } from "./subscribe";

const MAIN = resolve(__dirname, "../../../build/src/endpoint/main.js");
const INGEST = "kill-test-ingest-token-0123456789";
const READ = "kill-test-read-token-0123456789ab";
/** Nothing listens on the discard port: every delivery fails, and the subscription goes on probation. */
const PUBLIC_URL = "http://127.0.0.1:9/";
const PUSHES = 12;

let devhost: RunningDevhost;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  devhost = await startDevhost({ timeScale: 0.01 });
  dir = mkdtempSync(join(tmpdir(), "hookrelay-kill-"));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  devhost.engine.close();
  await devhost.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the endpoint reconciling with the stand-in; resolves with its URL once it listens. */
function startEndpoint(): Promise<string> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build:node\` before these tests.`);
  const started = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      HOOKRELAY_LOG_LEVEL: "warn",
      HOOKRELAY_DB: `sqlite:${join(dir, "events.db")}`,
      HOOKRELAY_TOKENS: INGEST,
      HOOKRELAY_READ_TOKENS: READ,
      HOOKRELAY_ADO_URL: devhost.rootPath,
      HOOKRELAY_ADO_TOKEN: devhost.personalAccessToken,
      HOOKRELAY_PUBLIC_URL: PUBLIC_URL,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = started;
  let output = "";
  return new Promise((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) resolveUrl(listening[1]);
    };
    started.stdout!.on("data", onData);
    started.stderr!.on("data", onData);
    started.on("exit", (code) => reject(new Error(`endpoint exited (${code}):\n${output}`)));
  });
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setImmediate(resolveWait));
  }
}

async function storedEvents(url: string): Promise<{ id: string; origin: string; naturalKey: string | null }[]> {
  const response = await fetch(`${url}/api/events?channel=ci&limit=500`, { headers: { Authorization: `Bearer ${READ}` } });
  return ((await response.json()) as { value: { id: string; origin: string; naturalKey: string | null }[] }).value;
}

test("a run killed in the middle resumes on the next start with nothing lost or stored twice", async () => {
  const subscriptionId = randomUUID();
  subscribe(devhost.state, { id: subscriptionId, eventType: "git.push", url: `${PUBLIC_URL}hooks/ci`, token: INGEST });
  const keys: string[] = [];
  for (let i = 0; i < PUSHES; i++) {
    keys.push(naturalKeyOf(publish(devhost.state, devhost.engine, { eventType: "git.push" }).event)!);
    await devhost.engine.idle();
  }
  expect(devhost.state.subscription(subscriptionId)!.status).toBe(10);

  // Every other call waits a second: the run takes several seconds.
  devhost.rateLimiter.configure({ fraction: 0.5, retryAfterSeconds: 1 });
  const first = await startEndpoint();
  const partial = await until("a first reconciled event", async () => {
    const events = await storedEvents(first);
    return events.length > 0 ? events : undefined;
  });
  child!.kill("SIGKILL");
  await new Promise((resolveExit) => child!.once("exit", resolveExit));
  expect(partial.length).toBeLessThan(PUSHES);
  const killed = new Database(join(dir, "events.db"), { readonly: true });
  expect(killed.prepare("SELECT result FROM reconcile_runs ORDER BY id").pluck().all()).toEqual(["running"]);
  killed.close();

  devhost.rateLimiter.configure({});
  const second = await startEndpoint();
  const status = await until("the next run's end", async () => {
    const response = await fetch(`${second}/api/reconciliation`, { headers: { Authorization: `Bearer ${READ}` } });
    const body = (await response.json()) as { lastRun: { result: string } | null };
    return body.lastRun && body.lastRun.result !== "running" ? body.lastRun : undefined;
  });
  expect(status.result).toBe("succeeded");
  const events = await storedEvents(second);
  expect(events.map((e) => e.naturalKey).sort()).toEqual([...keys].sort());
  expect(events.filter((e) => e.origin === "recovered")).toHaveLength(1);
  expect(events.filter((e) => e.origin === "rebuilt")).toHaveLength(PUSHES - 1);
  child!.kill("SIGTERM");
  await new Promise((resolveExit) => child!.once("exit", resolveExit));
  const after = new Database(join(dir, "events.db"), { readonly: true });
  expect(after.prepare("SELECT result FROM reconcile_runs ORDER BY id").pluck().all()).toEqual(["interrupted", "succeeded"]);
  after.close();
});
