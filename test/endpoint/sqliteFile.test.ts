/**
 * SQLite's promises that no other test would notice breaking: the pragmas each connection that
 * commits runs (journal_mode WAL, synchronous FULL unless configured), the store file deleted or
 * replaced under a running store, and row ids that retention never lets come back.
 */
import Database from "better-sqlite3";
import { mkdtempSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFacts } from "../../src/contract/facts";
import { SqliteStore, type SqliteStoreOptions } from "../../src/endpoint/store/sqlite";
import { ThreadedSqliteStore } from "../../src/endpoint/store/sqliteThreaded";
import type { Delivery, EventStore } from "../../src/endpoint/store/types";
import { startEndpoint, type RunningEndpoint } from "../faults/support/endpoint";
import { BUILT_WRITER_SCRIPT, loadSample } from "./helpers";

let dir: string;
let filename: string;
const open: EventStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hookrelay-file-"));
  filename = join(dir, "events.db");
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function push(receivedAt = Date.now()): Delivery {
  const { event, raw } = loadSample("git.push.json");
  return { channel: "", eventId: event.id, facts: extractFacts(event), body: raw, headers: {}, receivedAt };
}

type Kind = "sqlite" | "sqlite-threaded";
function openStore(kind: Kind, options: Partial<SqliteStoreOptions> = {}): EventStore {
  const settings = { filename, ...options };
  const store = kind === "sqlite" ? new SqliteStore(settings) : ThreadedSqliteStore.open(settings, BUILT_WRITER_SCRIPT);
  open.push(store);
  return store;
}


describe.each<Kind>(["sqlite", "sqlite-threaded"])("%s", (kind) => {
  test("commits in WAL mode with synchronous FULL by default, NORMAL when configured", async () => {
    expect(await openStore(kind).durability!()).toEqual({ journalMode: "WAL", synchronous: "FULL" });
    filename = join(dir, "normal.db");
    expect(await openStore(kind, { synchronous: "NORMAL" }).durability!()).toEqual({ journalMode: "WAL", synchronous: "NORMAL" });
  });

  test("a deleted store file is created anew for the next batch, which is durable and numbered after the old rows", async () => {
    const reopened: string[] = [];
    const store = openStore(kind, { onReopen: (message) => reopened.push(message) });
    const before = await store.recordBatch([push(), push(), push()]);
    // Only the database: its -wal, which SQLite would read as the new file's, stays behind.
    unlinkSync(filename);

    const after = push();
    const [outcome] = await store.recordBatch([after]);
    expect((await store.query({ limit: 10 })).events.map((e) => e.id)).toEqual([after.eventId]);
    expect(Number(outcome.rowId)).toBeGreaterThan(Math.max(...before.map((o) => Number(o.rowId))));
    expect((await store.get(after.eventId))?.body).toBe(after.body);
    await store.ping();
    // Each connection that had the old file open says so: the writer thread finds the file deleted,
    // the reader then finds it replaced by the one the writer created.
    const messages = [`${filename} was reopened: it was deleted.`, `${filename} was reopened: it was replaced.`];
    expect(reopened).toEqual(kind === "sqlite" ? messages.slice(0, 1) : messages);
    // Durable: another connection to the path sees it.
    const check = new Database(filename, { readonly: true });
    expect(check.prepare("SELECT count(*) FROM events WHERE event_id = ?").pluck().get(after.eventId)).toBe(1);
    check.close();
  });

  test("a replaced store file is read and written from the next call on, without reusing an id", async () => {
    const store = openStore(kind);
    const mine = await store.recordBatch([push(), push()]);
    const other = join(dir, "other.db");
    const elsewhere = new SqliteStore({ filename: other });
    const theirs = push();
    await elsewhere.recordBatch([theirs]);
    await elsewhere.close();
    renameSync(other, filename);

    expect((await store.get(theirs.eventId))?.body).toBe(theirs.body);
    expect((await store.query({ limit: 10 })).events.map((e) => e.id)).toEqual([theirs.eventId]);
    const [next] = await store.recordBatch([push()]);
    expect(Number(next.rowId)).toBeGreaterThan(Math.max(...mine.map((o) => Number(o.rowId))));
  });
});

test("a batch committed into a file deleted meanwhile fails as an outage, and the redelivery is stored in the new file", async () => {
  const store = openStore("sqlite");
  await store.recordBatch([push()]);
  const connection = (store as unknown as { connection: { writeBatch: (d: Delivery[]) => unknown } }).connection;
  const commit = connection.writeBatch;
  connection.writeBatch = (deliveries) => {
    const outcomes = commit(deliveries);
    unlinkSync(filename);
    return outcomes;
  };
  const lost = push();
  await expect(store.recordBatch([lost])).rejects.toMatchObject({ code: "HOOKRELAY_STORE_FILE", message: expect.stringMatching(/deleted/) });

  const [again] = await store.recordBatch([lost]);
  expect(again).toMatchObject({ duplicate: false, receiptCount: 1 });
  expect((await store.get(lost.eventId))?.receiptCount).toBe(1);
});

describe("row ids", () => {
  test("are never reused after retention emptied the table", async () => {
    const store = openStore("sqlite");
    const first = await store.recordBatch([push(), push(), push()]);
    expect(await store.prune({ maxRows: 0, limit: 100 })).toBe(3);
    await store.close();

    const reopened = openStore("sqlite");
    const [next] = await reopened.recordBatch([push()]);
    expect(Number(next.rowId)).toBe(Math.max(...first.map((o) => Number(o.rowId))) + 1);
  });

  test("a schema-2 database is upgraded in place and keeps its rows; new ids follow its largest", async () => {
    const v2 = new Database(filename);
    v2.exec(SCHEMA_V2);
    v2.pragma("user_version = 2");
    const kept = push(1_000);
    const insert = v2.prepare(
      `INSERT INTO events (id, channel, event_id, event_type, known, refs, received_at, last_received_at, receipt_count, body, headers)
       VALUES (?, '', ?, 'git.push', 1, '["refs/heads/main"]', 1000, 1000, 1, ?, '{}')`,
    );
    insert.run(7, kept.eventId, kept.body);
    insert.run(9, "old-2", "{}");
    v2.prepare("INSERT INTO event_refs (ref, event_row) VALUES ('refs/heads/main', 7)").run();
    v2.close();

    const store = openStore("sqlite");
    expect(await store.get(kept.eventId)).toMatchObject({ rowId: "7", body: kept.body });
    expect((await store.query({ limit: 10, ref: "refs/heads/main" })).events.map((e) => e.id)).toEqual([kept.eventId]);
    expect(await store.prune({ maxRows: 0, limit: 100 })).toBe(2);
    const [next] = await store.recordBatch([push()]);
    expect(next.rowId).toBe("10");
    await store.close();
    const upgraded = new Database(filename, { readonly: true });
    expect(upgraded.pragma("user_version", { simple: true })).toBe(4);
    upgraded.close();
  });
});

describe("the endpoint process", () => {
  let endpoint: RunningEndpoint | undefined;
  afterEach(async () => endpoint?.kill());

  test.each<[string, { env?: Record<string, string>; args?: string[] }, string]>([
    ["by default", {}, "FULL"],
    ["with HOOKRELAY_SQLITE_SYNCHRONOUS=NORMAL", { env: { HOOKRELAY_SQLITE_SYNCHRONOUS: "NORMAL" } }, "NORMAL"],
    ["with --sqlite-synchronous NORMAL", { args: ["--sqlite-synchronous", "NORMAL"] }, "NORMAL"],
  ])("commits on its writer thread with the configured synchronous level %s", async (_name, settings, expected) => {
    endpoint = await startEndpoint({ db: `sqlite:${filename}`, dataDir: dir, ...settings });
    const ready = await (await fetch(`${endpoint.url}/readyz`)).json();
    expect(ready).toEqual({ status: "ready", store: "sqlite", durability: { journalMode: "WAL", synchronous: expected } });
  });
});

/** The schema Hook Relay 0.2 created (schema 2), verbatim: databases written by it must keep working. */
const SCHEMA_V2 = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY, channel TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, known INTEGER NOT NULL,
  project_id TEXT, repository_id TEXT, repository_name TEXT, refs TEXT NOT NULL, pull_request_id INTEGER, actor TEXT,
  created_date TEXT, received_at INTEGER NOT NULL, last_received_at INTEGER NOT NULL, receipt_count INTEGER NOT NULL,
  body TEXT NOT NULL, headers TEXT NOT NULL, UNIQUE (event_id, channel)
);
CREATE TABLE IF NOT EXISTS event_refs (ref TEXT NOT NULL, event_row INTEGER NOT NULL, PRIMARY KEY (ref, event_row)) WITHOUT ROWID;
CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_type ON events (event_type, received_at);
CREATE INDEX events_repository_id ON events (repository_id, received_at);
CREATE INDEX events_repository_name ON events (repository_name, received_at);
CREATE INDEX events_pull_request ON events (pull_request_id, received_at) WHERE pull_request_id IS NOT NULL;
`;
