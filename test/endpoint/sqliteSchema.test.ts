/** The SQLite schema: the upgrade from Hook Relay 0.1 and the query plans the read API relies on. */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFacts } from "../../src/contract/facts";
import { naturalKeyOf } from "../../src/contract/naturalKey";
import { SqliteStore } from "../../src/endpoint/store/sqlite";
import type { EventQuery } from "../../src/endpoint/store/types";
import { loadSample } from "./helpers";

/** The schema Hook Relay 0.1 created, verbatim: databases written by it must keep working. */
const SCHEMA_V1 = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
  known INTEGER NOT NULL, project_id TEXT, repository_id TEXT, repository_name TEXT, refs TEXT NOT NULL,
  pull_request_id INTEGER, actor TEXT, created_date TEXT, received_at INTEGER NOT NULL,
  last_received_at INTEGER NOT NULL, receipt_count INTEGER NOT NULL, body TEXT NOT NULL, headers TEXT NOT NULL,
  UNIQUE (channel, event_id)
);
CREATE TABLE event_refs (ref TEXT NOT NULL, event_row INTEGER NOT NULL, PRIMARY KEY (ref, event_row)) WITHOUT ROWID;
CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_type ON events (event_type, received_at);
CREATE INDEX events_repository_id ON events (repository_id, received_at);
CREATE INDEX events_repository_name ON events (repository_name, received_at);
CREATE INDEX events_pull_request ON events (pull_request_id, received_at);
CREATE INDEX events_actor ON events (actor, received_at);
CREATE INDEX events_project ON events (project_id, received_at);
CREATE INDEX events_created ON events (created_date);
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hookrelay-schema-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function delivery(sample: string, receivedAt: number) {
  const { event, raw } = loadSample(sample);
  return { channel: "", eventId: event.id, facts: extractFacts(event), body: raw, headers: {}, receivedAt };
}

test("a database written by Hook Relay 0.1 is upgraded in place, rows, ids, refs and counts kept", async () => {
  const filename = join(dir, "events.db");
  const old = new Database(filename);
  old.exec(SCHEMA_V1);
  const push = delivery("git.push.json", 1_000);
  const insert = old.prepare(
    `INSERT INTO events (channel, event_id, event_type, known, project_id, repository_id, repository_name, refs,
       pull_request_id, actor, created_date, received_at, last_received_at, receipt_count, body, headers)
     VALUES ('', ?, ?, 1, ?, ?, ?, ?, NULL, ?, NULL, 1000, 2000, 2, ?, '{}')`,
  );
  const { facts } = push;
  const { lastInsertRowid } = insert.run(push.eventId, facts.eventType, facts.projectId, facts.repositoryId, facts.repositoryName, JSON.stringify(facts.refs), facts.actor, push.body);
  old.prepare("INSERT INTO event_refs (ref, event_row) VALUES (?, ?)").run(facts.refs[0], lastInsertRowid);
  // A newer row that retention already deleted: its id was handed out and must not come back.
  const deleted = insert.run("deleted", facts.eventType, null, null, null, "[]", null, "{}").lastInsertRowid;
  old.prepare("DELETE FROM events WHERE id = ?").run(deleted);
  old.close();

  const store = new SqliteStore({ filename });
  try {
    const kept = await store.get(push.eventId);
    expect(kept).toMatchObject({ rowId: String(lastInsertRowid), receiptCount: 2, body: push.body, refs: facts.refs });
    // Schema 5 gives every stored event an origin, and a push the natural key of its change.
    expect(kept).toMatchObject({ origin: "delivered", naturalKey: naturalKeyOf(JSON.parse(push.body)) });
    expect((await store.query({ limit: 10, ref: facts.refs[0] })).events.map((e) => e.id)).toEqual([push.eventId]);
    const [again] = await store.recordBatch([{ ...push, receivedAt: 3_000 }]);
    expect(again).toMatchObject({ duplicate: true, receiptCount: 3, rowId: String(lastInsertRowid) });
    const [fresh] = await store.recordBatch([delivery("git.push.json", 4_000)]);
    expect(fresh.rowId).toBe(String(Number(deleted) + 1));
  } finally {
    await store.close();
  }

  const upgraded = new Database(filename, { readonly: true });
  const indexes = upgraded.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL").pluck().all();
  expect(indexes.sort()).toEqual([
    "events_natural_key", "events_origin", "events_pull_request", "events_received", "events_repository_id",
    "events_repository_name", "events_type",
  ]);
  expect(upgraded.pragma("user_version", { simple: true })).toBe(5);
  upgraded.close();
});

test("a database from a newer Hook Relay is refused rather than rewritten", () => {
  const filename = join(dir, "events.db");
  const newer = new Database(filename);
  newer.pragma("user_version = 99");
  newer.close();
  expect(() => new SqliteStore({ filename })).toThrow(/schema version 99.*Upgrade Hook Relay/);
});

describe("list query plans", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore({ filename: join(dir, "events.db") });
  });
  afterEach(() => store.close());

  /** The plan of the statement `read` makes the store run, explained with the store's own parameters. */
  async function planOf(read: () => Promise<unknown>): Promise<string> {
    const inner = (store as unknown as { db: Database.Database }).db;
    const prepare = inner.prepare.bind(inner);
    let plan: { detail: string }[] = [];
    const explain = (params: unknown) => {
      plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
      return undefined;
    };
    let sql = "";
    const spy = jest.spyOn(inner, "prepare").mockImplementation(((text: string) => {
      sql = text;
      return { all: (params: unknown) => (explain(params), []), get: explain };
    }) as never);
    try {
      await read();
    } finally {
      spy.mockRestore();
    }
    return plan.map((row) => row.detail).join("\n");
  }

  test.each<[string, Omit<EventQuery, "limit">, RegExp[]]>([
    ["repository and event type", { repository: "r", eventType: "git.push" }, [/INDEX events_repository_id \(repository_id=\?\)/, /INDEX events_repository_name \(repository_name=\?\)/]],
    ["repository, next page", { repository: "r", after: { receivedAt: 5, rowId: "3" } }, [/INDEX events_repository_id \(repository_id=\? AND received_at<\?\)/]],
    ["pull request and event type", { pullRequestId: 7, eventType: "git.pullrequest.updated" }, [/INDEX events_pull_request \(pull_request_id=\?\)/]],
    ["event type", { eventType: "git.push" }, [/INDEX events_type \(event_type=\?\)/]],
  ])("%s: walks the most selective index newest first, never the whole table", async (_name, filter, expected) => {
    const plan = await planOf(() => store.query({ ...filter, limit: 50 }));
    for (const pattern of expected) expect(plan).toMatch(pattern);
    expect(plan).not.toMatch(/SCAN events/);
    if (filter.eventType && Object.keys(filter).length > 1) expect(plan).not.toMatch(/events_type/);
  });

  test("an event id is found by index whatever its channel", async () => {
    const plan = await planOf(() => store.get("some-id"));
    expect(plan).toMatch(/INDEX sqlite_autoindex_events_1 \(event_id=\?\)/);
  });

  test("a repository page merges id and name matches, newest first, each event once", async () => {
    const event = (n: number, repository: { id: string; name: string }) => {
      const d = delivery("git.push.json", n);
      const id = `${d.eventId}-${n}`;
      return { ...d, eventId: id, facts: { ...d.facts, repositoryId: repository.id, repositoryName: repository.name } };
    };
    const same = { id: "shared", name: "shared" };
    await store.recordBatch([event(1, { id: "shared", name: "x" }), event(2, { id: "y", name: "shared" }), event(3, same), event(4, { id: "z", name: "z" })]);
    const page = await store.query({ repository: "shared", limit: 2 });
    expect(page.events.map((e) => e.receivedAt)).toEqual([3, 2].map((t) => new Date(t).toISOString()));
    const rest = await store.query({ repository: "shared", limit: 2, after: page.next });
    expect(rest.events.map((e) => e.receivedAt)).toEqual([new Date(1).toISOString()]);
    expect(rest.next).toBeUndefined();
  });
});
