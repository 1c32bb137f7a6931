/**
 * SQLite store (better-sqlite3, WAL).
 *
 * Durability: `synchronous = FULL` in WAL mode fsyncs the WAL on every commit, so an answered
 * delivery survives a process kill and a power loss. Group commit (see ../writer.ts) makes that
 * one fsync per batch rather than per request. `NORMAL` (fsync only at checkpoints) would still
 * survive a process kill, because committed WAL frames are already in the OS page cache, but not
 * a power loss; it can be chosen with the `sqliteSynchronous` option.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { foldBatch, spreadOutcome } from "./batch";
import { pageOf, SUMMARY_COLUMNS, toStoredEvent, toSummary, type EventRow } from "./rows";
import type {
  Delivery, DeliveryOutcome, EventPage, EventQuery, EventStore, EventSummary, PruneStep, StoredEvent, StreamFilter,
} from "./types";
import { whereClause, type Dialect, type RepositoryColumn } from "./where";

export type SqliteSynchronous = "FULL" | "NORMAL";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  filename: string;
  synchronous?: SqliteSynchronous;
}

/**
 * Every index costs ingest time (one more B-tree page written per delivery), so there is one per
 * selective filter of the read API, each ending in received_at so a page is read newest first
 * without sorting: eventType, repository (id or name), pullRequestId (partial: pushes have none),
 * ref (event_refs). eventType next to a repository or pull request is checked row by row along
 * their index. actor and projectId have no index: they are answered by walking events newest
 * first, which is quick for active people and projects and best combined with since/until otherwise.
 * No AUTOINCREMENT (it costs a write per insert): a new row takes the largest id + 1, which
 * differs only after the newest rows were deleted, and pages order by received_at first anyway.
 */
const SCHEMA_V2 = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  known INTEGER NOT NULL,
  project_id TEXT,
  repository_id TEXT,
  repository_name TEXT,
  refs TEXT NOT NULL,
  pull_request_id INTEGER,
  actor TEXT,
  created_date TEXT,
  received_at INTEGER NOT NULL,
  last_received_at INTEGER NOT NULL,
  receipt_count INTEGER NOT NULL,
  body TEXT NOT NULL,
  headers TEXT NOT NULL,
  UNIQUE (event_id, channel)
);
CREATE TABLE IF NOT EXISTS event_refs (
  ref TEXT NOT NULL,
  event_row INTEGER NOT NULL,
  PRIMARY KEY (ref, event_row)
) WITHOUT ROWID;
CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_type ON events (event_type, received_at);
CREATE INDEX events_repository_id ON events (repository_id, received_at);
CREATE INDEX events_repository_name ON events (repository_name, received_at);
CREATE INDEX events_pull_request ON events (pull_request_id, received_at) WHERE pull_request_id IS NOT NULL;
`;

const EVENT_COLUMNS =
  "id, channel, event_id, event_type, known, project_id, repository_id, repository_name, refs, pull_request_id, " +
  "actor, created_date, received_at, last_received_at, receipt_count, body, headers";

/** PRAGMA user_version of SCHEMA_V2; 0 is a new file or one written by Hook Relay 0.1 (schema 1). */
const SCHEMA_VERSION = 2;

export class SqliteStore implements EventStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly insertRef: Database.Statement;
  private readonly writeBatch: (deliveries: Delivery[]) => DeliveryOutcome[];

  constructor(options: SqliteStoreOptions) {
    if (options.filename !== ":memory:") mkdirSync(dirname(options.filename), { recursive: true });
    this.db = new Database(options.filename);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    this.upsert = this.db.prepare(`
      INSERT INTO events (channel, event_id, event_type, known, project_id, repository_id, repository_name,
        refs, pull_request_id, actor, created_date, received_at, last_received_at, receipt_count, body, headers)
      VALUES (@channel, @eventId, @eventType, @known, @projectId, @repositoryId, @repositoryName,
        @refs, @pullRequestId, @actor, @createdDate, @receivedAt, @lastReceivedAt, @receipts, @body, @headers)
      ON CONFLICT (event_id, channel) DO UPDATE SET
        receipt_count = receipt_count + excluded.receipt_count,
        last_received_at = max(last_received_at, excluded.last_received_at)
      RETURNING id, receipt_count`);
    this.insertRef = this.db.prepare("INSERT OR IGNORE INTO event_refs (ref, event_row) VALUES (?, ?)");
    this.writeBatch = this.db.transaction((deliveries: Delivery[]) => this.writeRows(deliveries));
  }

  async recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    return this.writeBatch(deliveries);
  }

  private writeRows(deliveries: Delivery[]): DeliveryOutcome[] {
    const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
    for (const folded of foldBatch(deliveries)) {
      const { first } = folded;
      const { facts } = first;
      const row = this.upsert.get({
        channel: first.channel,
        eventId: first.eventId,
        eventType: facts.eventType,
        known: facts.known ? 1 : 0,
        projectId: facts.projectId ?? null,
        repositoryId: facts.repositoryId ?? null,
        repositoryName: facts.repositoryName ?? null,
        refs: JSON.stringify(facts.refs),
        pullRequestId: facts.pullRequestId ?? null,
        actor: facts.actor ?? null,
        createdDate: facts.createdDate ?? null,
        receivedAt: first.receivedAt,
        lastReceivedAt: folded.lastReceivedAt,
        receipts: folded.positions.length,
        body: first.body,
        headers: JSON.stringify(first.headers),
      }) as { id: number; receipt_count: number };
      const inserted = row.receipt_count === folded.positions.length;
      if (inserted) for (const ref of facts.refs) this.insertRef.run(ref, row.id);
      spreadOutcome(outcomes, folded, { rowId: String(row.id), receiptCount: row.receipt_count });
    }
    return outcomes;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const params: Record<string, unknown> = {};
    const dialect: Dialect = {
      param(value) {
        const name = `p${Object.keys(params).length}`;
        params[name] = value;
        return `@${name}`;
      },
      hasRef: (p) => `id IN (SELECT event_row FROM event_refs WHERE ref = ${p})`,
      unindexed: (column) => `+${column}`,
    };
    const rowQuery = { ...query, after: query.after && { ...query.after, rowId: Number(query.after.rowId) as unknown as string } };
    const newest = `ORDER BY received_at DESC, id DESC LIMIT ${query.limit + 1}`;
    let sql: string;
    if (query.repository === undefined) {
      sql = `SELECT ${SUMMARY_COLUMNS} FROM events ${whereClause(rowQuery, dialect)} ${newest}`;
    } else {
      // "id or name" as one OR makes SQLite collect and sort every row of the repository. Instead,
      // each column's index is walked newest first for one page, and the two pages are merged.
      const page = (column: RepositoryColumn) =>
        `SELECT id FROM (SELECT id, received_at FROM events ${whereClause(rowQuery, dialect, { repositoryColumn: column })} ${newest})`;
      sql = `SELECT ${SUMMARY_COLUMNS} FROM events WHERE id IN (${page("repository_id")} UNION ${page("repository_name")}) ${newest}`;
    }
    return pageOf(this.db.prepare(sql).all(params) as EventRow[], query.limit);
  }

  async get(eventId: string, channel?: string): Promise<StoredEvent | undefined> {
    const row = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS}, body, headers FROM events
         WHERE event_id = @eventId ${channel === undefined ? "" : "AND channel = @channel"}
         ORDER BY received_at DESC, id DESC LIMIT 1`,
      )
      .get(channel === undefined ? { eventId } : { eventId, channel }) as EventRow | undefined;
    return row && toStoredEvent(row);
  }

  async eventsAfter(afterRowId: string, filter: StreamFilter, limit: number): Promise<EventSummary[]> {
    const params: Record<string, unknown> = { after: BigInt(afterRowId), limit };
    // "+column" keeps the planner on the primary key from afterRowId on: a resumed stream reads the
    // rows stored since it left, never every row of its event type.
    const conditions = ["id > @after"];
    if (filter.eventType !== undefined) {
      conditions.push("+event_type = @eventType");
      params.eventType = filter.eventType;
    }
    if (filter.channel !== undefined) {
      conditions.push("+channel = @channel");
      params.channel = filter.channel;
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM events WHERE ${conditions.join(" AND ")} ORDER BY id LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as EventRow[]).map(toSummary);
  }

  async prune(step: PruneStep): Promise<number> {
    const doomed = this.doomedRows(step);
    if (doomed.length === 0) return 0;
    const remove = this.db.transaction((ids: number[]) => {
      const list = ids.join(",");
      this.db.exec(`DELETE FROM event_refs WHERE event_row IN (${list})`);
      this.db.exec(`DELETE FROM events WHERE id IN (${list})`);
    });
    remove(doomed);
    return doomed.length;
  }

  private doomedRows(step: PruneStep): number[] {
    const pick = (sql: string, ...params: unknown[]) =>
      (this.db.prepare(sql).pluck().all(...params) as number[]).filter(Number.isSafeInteger);
    if (step.receivedBefore !== undefined) {
      const old = pick("SELECT id FROM events WHERE received_at < ? LIMIT ?", step.receivedBefore, step.limit);
      if (old.length > 0) return old;
    }
    if (step.maxRows !== undefined) {
      return pick("SELECT id FROM events ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?", step.limit, step.maxRows);
    }
    return [];
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Brings a database to SCHEMA_VERSION in one transaction. Schema 1 (Hook Relay 0.1) had
 * AUTOINCREMENT, a (channel, event_id) key no lookup by id could use, and indexes the API never
 * used; its rows are copied, ids kept (event_refs points at them).
 */
function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(`The database has schema version ${version}; this Hook Relay knows up to ${SCHEMA_VERSION}. Upgrade Hook Relay.`);
  }
  db.transaction(() => {
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get() !== undefined;
    if (hasEvents) db.exec("ALTER TABLE events RENAME TO events_v1");
    for (const index of ["events_received", "events_type", "events_repository_id", "events_repository_name", "events_pull_request", "events_actor", "events_project", "events_created"]) {
      db.exec(`DROP INDEX IF EXISTS ${index}`);
    }
    db.exec(SCHEMA_V2);
    if (hasEvents) {
      db.exec(`INSERT INTO events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM events_v1 ORDER BY id`);
      db.exec("DROP TABLE events_v1");
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
