/**
 * The SQLite file under a running endpoint: deleted, or read-only. The endpoint never answers 2xx
 * for an event that is not in the file the path names, turns /readyz red while it cannot commit,
 * and takes deliveries again once the file is usable, without a restart.
 */
import Database from "better-sqlite3";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENDPOINT_MAIN, READ_TOKEN, startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { deliver, Sender } from "./support/sender";
import { rowsPerEventId } from "./support/store";
import { until } from "./support/wait";

async function readyStatus(url: string): Promise<number> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status);
}

const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];

/**
 * How to make the store file read-only for the endpoint. Root writes files whatever their mode, so
 * as root the endpoint runs as nobody (the data folder is given to it), or, where nobody cannot
 * read this checkout, the file is made immutable (chattr +i), which root cannot write either.
 */
function readOnlyFiles(dataDir: string) {
  const sidecars = (file: string) => [`${file}-wal`, `${file}-shm`].filter((f) => existsSync(f));
  const byMode = (wrapper?: string[]) => ({
    wrapper,
    makeReadOnly: (file: string) => chmodSync(file, 0o444),
    makeWritable: (file: string) => [file, ...sidecars(file)].forEach((f) => chmodSync(f, 0o644)),
  });
  if (process.getuid?.() !== 0) return byMode();
  const nobodyCanRun = spawnSync(NOBODY[0], [...NOBODY.slice(1), process.execPath, "-e", "require(process.argv[1])", require.resolve("better-sqlite3")]).status === 0
    && spawnSync(NOBODY[0], [...NOBODY.slice(1), "test", "-r", ENDPOINT_MAIN]).status === 0;
  // FAULTS_READ_ONLY=immutable exercises the fallback where nobody could run it too.
  if (nobodyCanRun && process.env.FAULTS_READ_ONLY !== "immutable") {
    chownSync(dataDir, 65534, 65534);
    return byMode(NOBODY);
  }
  console.log("read-only store file simulated with chattr +i");
  return {
    wrapper: undefined,
    makeReadOnly: (file: string) => execFileSync("chattr", ["+i", file]),
    makeWritable: (file: string) => execFileSync("chattr", ["-i", file]),
  };
}

/** Row ids of the file at `file`, read with a connection of its own. */
function rowIds(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT id FROM events").pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe("the SQLite store file under a running endpoint", () => {
  let dataDir: string;
  let endpoint: RunningEndpoint | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-faults-file-"));
  });
  afterEach(async () => {
    await endpoint?.kill();
    // A test that failed while the file was immutable would leave it undeletable.
    if (process.getuid?.() === 0) spawnSync("chattr", ["-i", join(dataDir, "hookrelay.db")]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("deleted under load: what is acknowledged afterwards is in the new file, with new positions, and survives a SIGKILL", async () => {
    const file = join(dataDir, "hookrelay.db");
    endpoint = await startEndpoint({ db: `sqlite:${file}`, dataDir });
    const before = new Sender(endpoint.url);
    await before.run(8, new Promise((resolve) => setTimeout(resolve, 500)));
    expect(before.acknowledged.size).toBeGreaterThan(0);
    const oldIds = rowIds(file);

    // Deleted while deliveries keep coming: only the database, its WAL stays behind.
    const during = new Sender(endpoint.url);
    const deleted = new Promise((resolve) => setImmediate(resolve)).then(() => unlinkSync(file));
    await during.run(8, deleted.then(() => until("deliveries go on", () => during.acknowledged.size > 50)));
    // Refused (503) or cut off while the file went away: redelivered from here on.
    const retried = [...during.unanswered];
    const after = new Sender(endpoint.url);
    await after.run(8, until("deliveries go on into the new file", () => after.acknowledged.size > 50));
    await during.drain();
    await after.drain();
    expect(await readyStatus(endpoint.url)).toBe(200);
    await endpoint.kill("SIGKILL");

    expect(existsSync(file)).toBe(true);
    const rows = await rowsPerEventId(`sqlite:${file}`);
    // Those sent after the deletion, and the redeliveries of those refused meanwhile, are all in
    // the new file, once. (A delivery committed just before the unlink was acknowledged rightly,
    // and went with the file.)
    expect(during.unanswered.size + after.unanswered.size).toBe(0);
    const acknowledgedSince = [...retried, ...after.acknowledged];
    expect(after.acknowledged.size).toBeGreaterThan(50);
    expect(acknowledgedSince.filter((id) => rows.get(id) !== 1)).toEqual([]);
    expect([...before.acknowledged].filter((id) => rows.has(id))).toEqual([]);
    expect(Math.min(...rowIds(file))).toBeGreaterThan(Math.max(...oldIds));
    expect([...during.statuses, ...after.statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
  });

  test("read-only at start: not ready, 503 for every delivery, and ready once the file is writable, without a restart", async () => {
    const file = join(dataDir, "hookrelay.db");
    const { wrapper, makeReadOnly, makeWritable } = readOnlyFiles(dataDir);
    endpoint = await startEndpoint({ db: `sqlite:${file}`, dataDir, wrapper });
    const seeded = (await deliver(endpoint.url, "seeded-before-read-only")).status;
    expect(seeded).toBe(200);
    await endpoint.kill("SIGTERM");
    expect(existsSync(`${file}-wal`)).toBe(false);
    makeReadOnly(file);

    endpoint = await startEndpoint({ db: `sqlite:${file}`, dataDir, wrapper, untilListening: true });
    expect(await readyStatus(endpoint.url)).toBe(503);
    const sender = new Sender(endpoint.url);
    await sender.run(4, new Promise((resolve) => setTimeout(resolve, 300)));
    expect(sender.answers.length).toBeGreaterThan(0);
    expect(sender.answers.filter((a) => a.status !== 503 || !(Number(a.retryAfter) > 0))).toEqual([]);
    const reads = await fetch(`${endpoint.url}/api/events/seeded-before-read-only`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(reads.status).toBe(200);

    makeWritable(file);
    // Azure DevOps' next retry is stored; its commit turns /readyz green again.
    await sender.drain();
    expect(sender.unanswered.size).toBe(0);
    expect(await readyStatus(endpoint.url)).toBe(200);
    await endpoint.kill("SIGKILL");

    const rows = await rowsPerEventId(`sqlite:${file}`);
    expect([...sender.acknowledged].filter((id) => rows.get(id) !== 1)).toEqual([]);
    expect(rows.get("seeded-before-read-only")).toBe(1);
  });
});
