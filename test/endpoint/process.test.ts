/** The real process (`node build/src/endpoint/main.js`): first start, restart, SIGKILL under load, replicas. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { loadSample } from "./helpers";

const MAIN = resolve(__dirname, "../../build/src/endpoint/main.js");
const INGEST = "process-ingest-token-0123456789";
const READ = "process-read-token-0123456789ab";

interface Running {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const running: Running[] = [];

/** Starts the endpoint and resolves once it prints its address; afterEach kills whatever is left. */
function startEndpoint(env: Record<string, string>): Promise<Running> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build:node\` before these tests.`);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", HOOKRELAY_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const endpoint: Running = { url: "", child, output: () => output, exited };
  running.push(endpoint);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`endpoint did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening && !endpoint.url) {
        clearTimeout(timer);
        endpoint.url = listening[1];
        resolvePromise(endpoint);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`endpoint exited (${code}) before listening:\n${output}`)));
  });
}

async function postEvent(url: string, raw: string, token = INGEST) {
  const response = await fetch(`${url}/hooks`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}` },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as { id: string; duplicate: boolean } };
}

async function getEvent(url: string, id: string, token = READ) {
  const response = await fetch(`${url}/api/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { id: string; receiptCount: number; body: string } };
}

async function listAll(url: string): Promise<{ id: string; receiptCount: number }[]> {
  const all: { id: string; receiptCount: number }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : "";
    const page = (await (await fetch(`${url}/api/events?limit=500${query}`, { headers: { authorization: `Bearer ${READ}` } })).json()) as {
      value: { id: string; receiptCount: number }[];
      next: string | null;
    };
    all.push(...page.value);
    cursor = page.next;
  } while (cursor);
  return all;
}

/** Posts fresh events from `workers` loops until killed; returns the ids answered 2xx. */
async function loadUntilKilled(endpoint: Running, killAfterAcks: number): Promise<string[]> {
  const acked: string[] = [];
  const deadline = Date.now() + 10_000;
  let killed = false;
  const worker = async () => {
    while (!killed && Date.now() < deadline) {
      const sample = loadSample("git.push.json");
      try {
        const { status } = await postEvent(endpoint.url, sample.raw);
        if (status === 200) acked.push(sample.id);
      } catch {
        return; // the connection died with the process
      }
      if (acked.length >= killAfterAcks && !killed) {
        killed = true;
        endpoint.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await endpoint.exited;
  return acked;
}

let dirs: string[] = [];
let pg: TestPostgres | undefined;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-proc-"));
  dirs.push(dir);
  return dir;
}

const launch = startEndpoint;

afterEach(async () => {
  for (const endpoint of running.splice(0)) {
    if (endpoint.child.exitCode === null && endpoint.child.signalCode === null) endpoint.child.kill("SIGKILL");
    await endpoint.exited;
  }
});

afterAll(async () => {
  await pg?.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

async function postgresUrl(): Promise<string> {
  if (!pg) {
    pg = await startTestPostgres();
    return pg.url;
  }
  return pg.newDatabase();
}

test("first start generates the tokens once; a restart keeps every event and its receipts", async () => {
  const dataDir = tempDir();
  const env = { HOOKRELAY_DATA_DIR: dataDir, HOOKRELAY_DB: `sqlite:${join(dataDir, "hookrelay.db")}` };
  const first = await launch(env);
  const ingestToken = readFileSync(join(dataDir, "ingest-token"), "utf8").trim();
  const readToken = readFileSync(join(dataDir, "read-token"), "utf8").trim();
  expect(statSync(join(dataDir, "ingest-token")).mode & 0o777).toBe(0o600);
  expect(ingestToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(first.output()).toContain(ingestToken);

  const samples = ["git.push.json", "git.pullrequest.created.json", "other-publishers/build.complete.json"].map((file) => loadSample(file));
  for (const sample of samples) expect((await postEvent(first.url, sample.raw, ingestToken)).status).toBe(200);
  expect((await postEvent(first.url, samples[0].raw, ingestToken)).body.duplicate).toBe(true);
  first.child.kill("SIGTERM");
  expect(await first.exited).toBe(0);

  const second = await launch(env);
  expect(second.output()).not.toContain(ingestToken);
  for (const sample of samples) {
    const stored = await getEvent(second.url, sample.id, readToken);
    expect({ status: stored.status, body: stored.body.body }).toEqual({ status: 200, body: sample.raw });
  }
  expect((await getEvent(second.url, samples[0].id, readToken)).body.receiptCount).toBe(2);
  expect((await postEvent(second.url, samples[1].raw, ingestToken)).body.duplicate).toBe(true);
});

describe.each(["sqlite", "postgres"])("on %s", (kind) => {
  test("a SIGKILL under load loses no delivery that was answered 2xx", async () => {
    const dataDir = tempDir();
    const db = kind === "sqlite" ? `sqlite:${join(dataDir, "hookrelay.db")}` : await postgresUrl();
    const env = { HOOKRELAY_DATA_DIR: dataDir, HOOKRELAY_DB: db, HOOKRELAY_TOKENS: INGEST, HOOKRELAY_READ_TOKENS: READ };
    const acked = await loadUntilKilled(await launch(env), 150);
    expect(acked.length).toBeGreaterThanOrEqual(150);

    const restarted = await launch(env);
    const stored = new Set((await listAll(restarted.url)).map((e) => e.id));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  });
});

test("two endpoint processes on one PostgreSQL store each event once", async () => {
  const env = { HOOKRELAY_DB: await postgresUrl(), HOOKRELAY_TOKENS: INGEST, HOOKRELAY_READ_TOKENS: READ, HOOKRELAY_DATA_DIR: tempDir() };
  const [a, b] = await Promise.all([launch(env), launch(env)]);
  const samples = Array.from({ length: 40 }, () => loadSample("git.push.json"));

  const answers = await Promise.all(
    samples.flatMap((sample) => [postEvent(a.url, sample.raw), postEvent(b.url, sample.raw), postEvent(a.url, sample.raw)]),
  );
  expect(answers.every((answer) => answer.status === 200)).toBe(true);
  for (const sample of samples) {
    const fresh = answers.filter((answer) => answer.body.id === sample.id && !answer.body.duplicate);
    expect(fresh).toHaveLength(1);
  }
  const stored = await listAll(b.url);
  expect(stored.map((e) => e.id).sort()).toEqual(samples.map((s) => s.id).sort());
  expect(stored.every((e) => e.receiptCount === 3)).toBe(true);
});

test("HOOKRELAY_HEADERS_TIMEOUT_MS closes a connection whose headers never finish", async () => {
  const dataDir = tempDir();
  const endpoint = await startEndpoint({
    HOOKRELAY_DATA_DIR: dataDir,
    HOOKRELAY_DB: `sqlite:${join(dataDir, "hookrelay.db")}`,
    HOOKRELAY_TOKENS: INGEST,
    HOOKRELAY_READ_TOKENS: READ,
    HOOKRELAY_HEADERS_TIMEOUT_MS: "1000",
    HOOKRELAY_REQUEST_TIMEOUT_MS: "1000",
  });
  const { port } = new URL(endpoint.url);
  const socket = connect(Number(port), "127.0.0.1");
  await once(socket, "connect");
  const started = Date.now();
  socket.write("POST /hooks HTTP/1.1\r\nHost: x\r\n");
  let answer = "";
  socket.on("data", (chunk) => (answer += chunk.toString()));
  await once(socket, "close");
  // Node checks the deadline once a second, so it closes between 1 s and 1 s + one check.
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
});
