/**
 * SQLite store (better-sqlite3, WAL).
 *
 * Durability: `synchronous = FULL` in WAL mode fsyncs the WAL on every commit, so an answered
 * delivery survives a process kill and a power loss. Group commit (see ../writer.ts) makes that
 * one fsync per batch rather than per request. `NORMAL` (fsync only at checkpoints) would still
 * survive a process kill, because committed WAL frames are already in the OS page cache, but not
 * a power loss; it can be chosen with the `sqliteSynchronous` option.
 *
 * The file under the store's feet: a commit counts only if it went into the file the path names.
 * Before each commit the store checks the path still names the file it has open (device and inode)
 * and reopens it if not (a deleted file is created anew, as at start); after the commit it checks
 * again, and a batch committed into a file that was deleted or replaced meanwhile fails (503, the
 * deliveries are redelivered into the new file). A file the process may not write is opened, but
 * the store answers ping and commits with an error, and reopens it once it is writable again.
 */
import Database from "better-sqlite3";
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { parseRowIdPosition } from "../cursor";
import { StoreFileError } from "./outage";
import { foldBatch, rowSource, spreadOutcome } from "./batch";
import { COLUMN_LIST, mergeAssignments, sqliteValues } from "./columns";
import { preparedDelivery, readContent, storedContent, type StoredContent } from "./content";
import { storableText } from "./storable";
import { pageOf, SUMMARY_COLUMNS, toStoredEvent, toSummary, type EventRow } from "./rows";
import type {
  Delivery, DeliveryOutcome, EventFilter, EventPage, EventQuery, EventStore, EventSummary, PruneStep, StoredEvent,
} from "./types";
import { whereClause, type Dialect, type RepositoryColumn } from "./where";
import { SQLITE_LEDGER_SCHEMA, SqliteLedger } from "./sqliteLedger";
import { backfilledKeys, KEYED_TYPES_SQL, keyedWrite, type KeyHolder } from "./naturalKeys";

export type SqliteSynchronous = "FULL" | "NORMAL";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  filename: string;
  synchronous?: SqliteSynchronous;
  /** Told when the file was reopened because it was deleted, replaced or not writable. */
  onReopen?: (message: string) => void;
}

/**
 * Every index costs ingest time (one more B-tree page written per delivery), so there is one per
 * selective filter of the read API, each ending in received_at so a page is read newest first
 * without sorting: eventType, repository (id or name), pullRequestId (partial: pushes have none),
 * ref (event_refs). eventType next to a repository or pull request is checked row by row along
 * their index. actor and projectId have no index: they are answered by walking events newest
 * first, which is quick for active people and projects and best combined with since/until
 * otherwise (two more indexes cost ingest well over 10%; see bench/RESULTS.md). Which columns have
 * an index is columns.ts's to say; test/endpoint/schemaColumns.test.ts checks the schema agrees.
 * No AUTOINCREMENT (it costs a write per insert): schema 3 keeps the largest id ever handed out in
 * hookrelay_meta, once per batch, so ids are never reused whatever retention deleted (see SCHEMA_V3).
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

/** The columns of schemas 1 and 2, copied by the upgrade from schema 1. */
const SCHEMA_V2_COLUMNS =
  "id, channel, event_id, event_type, known, project_id, repository_id, repository_name, refs, pull_request_id, " +
  "actor, created_date, received_at, last_received_at, receipt_count, body, headers";

/**
 * Schema 3: the largest row id ever handed out. Without it, a new row would take the largest id
 * left + 1, so after retention emptied the table ids would start again at 1 and a stream client
 * resuming from an older id would skip the new rows.
 */
const SCHEMA_V3 = `
CREATE TABLE hookrelay_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO hookrelay_meta (name, value) VALUES ('last_row_id', (SELECT coalesce(max(id), 0) FROM events));
`;

/**
 * Schema 4: `codec` says how a row's body and headers are kept (content.ts), so that rows written
 * before compression stay readable as they are (no rewrite).
 */
const SCHEMA_V4 = `
ALTER TABLE events ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
`;

/**
 * Schema 5: reconciliation (../reconcile). Each event's origin (delivered, recovered, rebuilt) and
 * the natural key of the Git change it reports, unique per channel; the key is filled in for the
 * events already stored (backfillNaturalKeys), which reads every push and pull request event once.
 * Beside them, the subscription status history and the runs (sqliteLedger.ts).
 */
const SCHEMA_V5_COLUMNS = `
ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT 'delivered';
ALTER TABLE events ADD COLUMN natural_key TEXT;
`;
const SCHEMA_V5_INDEXES = `
CREATE INDEX events_origin ON events (origin, received_at) WHERE origin <> 'delivered';
CREATE UNIQUE INDEX events_natural_key ON events (natural_key, channel) WHERE natural_key IS NOT NULL;
${SQLITE_LEDGER_SCHEMA}`;

/** PRAGMA user_version of the current schema; 0 is a new file or one written by Hook Relay 0.1 (schema 1). */
const SCHEMA_VERSION = 5;

/** A row's content (content.ts), read only for a single event. */
const CONTENT_COLUMNS = "body, headers, codec";
const COLUMN_PARAMS = COLUMN_LIST.split(", ").map((name) => `@${name}`).join(", ");

const SYNCHRONOUS_LEVELS = ["OFF", "NORMAL", "FULL", "EXTRA"];

/** One open connection to the file and the statements prepared on it. */
class Connection {
  readonly db: Database.Database;
  /** Device and inode of the file this connection has open; undefined for :memory:. */
  readonly file: FileIdentity | undefined;
  /** Those of the -wal and -shm files beside it, where they exist. */
  private readonly sidecars: Map<string, FileIdentity>;
  /** The process may not write the file: SQLite opened it read-only. */
  readonly readOnly: boolean;
  /** A commit failed in a way that a fresh connection may not (the file became read-only, or vanished). */
  stale = false;
  private readonly upsert: Database.Statement;
  private readonly findKeyHolder: Database.Statement;
  private readonly addReceipt: Database.Statement;
  private readonly supersede: Database.Statement;
  private readonly insertRef: Database.Statement;
  private readonly readLastRowId: Database.Statement;
  private readonly writeLastRowId: Database.Statement;
  readonly writeBatch: (deliveries: Delivery[]) => DeliveryOutcome[];

  constructor(options: SqliteStoreOptions) {
    const { filename } = options;
    const inMemory = filename === ":memory:";
    if (!inMemory) mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename);
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
      this.db.pragma("busy_timeout = 5000");
      this.readOnly = !inMemory && !writable(filename);
      if (!this.readOnly) migrate(this.db);
      else if (checkVersion(this.db) < SCHEMA_VERSION) {
        throw new StoreFileError(`${filename} is read-only for this process and needs an upgrade to schema ${SCHEMA_VERSION}: make it writable.`);
      }
      this.file = inMemory ? undefined : identity(filename);
      this.sidecars = inMemory ? new Map() : sidecarsOf(filename);
      this.upsert = this.db.prepare(`
        INSERT INTO events (id, ${COLUMN_LIST}, ${CONTENT_COLUMNS})
        VALUES (@id, ${COLUMN_PARAMS}, @body, @headers, @codec)
        ON CONFLICT (event_id, channel) DO UPDATE SET ${mergeAssignments("sqlite")}
        RETURNING id, receipt_count`);
      this.findKeyHolder = this.db.prepare("SELECT id, event_id, origin FROM events WHERE natural_key = @natural_key AND channel = @channel");
      const receipt = `receipt_count = receipt_count + @receipt_count, last_received_at = max(last_received_at, @last_received_at)`;
      this.addReceipt = this.db.prepare(`UPDATE events SET ${receipt} WHERE id = @holder RETURNING id, receipt_count`);
      this.supersede = this.db.prepare(`
        UPDATE events SET ${receipt}, event_id = @event_id, origin = @origin, created_date = @created_date,
          body = @body, headers = @headers, codec = @codec
        WHERE id = @holder RETURNING id, receipt_count`);
      this.insertRef = this.db.prepare("INSERT OR IGNORE INTO event_refs (ref, event_row) VALUES (?, ?)");
      // The mark, or the largest id left if a row was ever put in some other way: never an id in use.
      this.readLastRowId = this.db
        .prepare("SELECT max(value, (SELECT coalesce(max(id), 0) FROM events)) FROM hookrelay_meta WHERE name = 'last_row_id'")
        .pluck();
      this.writeLastRowId = this.db.prepare("UPDATE hookrelay_meta SET value = max(value, ?) WHERE name = 'last_row_id'");
      this.writeBatch = this.db.transaction((deliveries: Delivery[]) => this.writeRows(deliveries));
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  get lastRowId(): number {
    return Number(this.readLastRowId.get() ?? 0);
  }

  /** Raises the high-water mark, e.g. to the one of a file this replaces; ids above it are new. */
  raiseLastRowId(atLeast: number): void {
    this.writeLastRowId.run(atLeast);
  }

  private writeRows(deliveries: Delivery[]): DeliveryOutcome[] {
    const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
    const lastRowId = this.lastRowId;
    let nextId = lastRowId + 1;
    for (const folded of foldBatch(deliveries)) {
      const { first } = folded;
      const values = { ...sqliteValues(rowSource(folded)), ...(first.content ?? storedContent(first)) };
      const holder = first.naturalKey === undefined ? undefined : (this.findKeyHolder.get(values) as KeyHolder | undefined);
      const write = keyedWrite(holder, first);
      const row = (
        write === "receipt" || write === "supersede"
          ? (write === "supersede" ? this.supersede : this.addReceipt).get({ ...values, holder: holder!.id })
          : this.upsert.get({ id: nextId, ...values, ...(write === "insertWithoutKey" ? { natural_key: null } : {}) })
      ) as { id: number; receipt_count: number };
      const inserted = row.receipt_count === folded.positions.length;
      if (inserted) {
        nextId += 1;
        for (const ref of first.facts.refs) this.insertRef.run(ref, row.id);
      }
      spreadOutcome(outcomes, folded, { rowId: String(row.id), receiptCount: row.receipt_count });
    }
    if (nextId - 1 > lastRowId) this.raiseLastRowId(nextId - 1);
    return outcomes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Lets go of a file that was deleted or replaced. SQLite neither checkpoints nor removes the WAL
   * of a moved file when it closes it, and a WAL left beside the path would be read as the new
   * file's. So the WAL is checkpointed into the old file (wherever it is now), and the -wal and
   * -shm files beside the path are removed if they are still this connection's.
   */
  closeMoved(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      // The old file is gone for good; what its WAL held is lost with it.
    }
    for (const [sidecar, known] of this.sidecars) {
      if (sameFile(identity(sidecar), known)) rmSync(sidecar, { force: true });
    }
    this.close();
  }
}

export class SqliteStore implements EventStore {
  readonly kind = "sqlite";
  readonly ledger = new SqliteLedger(() => this.db);
  private connection: Connection;
  /** The largest row id handed out, carried over when the file is replaced, so that no id is reused. */
  private lastRowId: number;

  constructor(private readonly options: SqliteStoreOptions) {
    this.connection = new Connection(options);
    this.lastRowId = this.connection.readOnly ? 0 : this.connection.lastRowId;
  }

  /** The connection's database, for reads; reopened first if the file changed under it. */
  private get db(): Database.Database {
    return this.current().db;
  }

  async recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    const connection = this.current();
    if (connection.readOnly) throw this.readOnlyError();
    let outcomes: DeliveryOutcome[];
    try {
      outcomes = connection.writeBatch(deliveries);
    } catch (error) {
      if (/^SQLITE_(READONLY|CANTOPEN|IOERR)/.test(String((error as { code?: unknown }).code))) connection.stale = true;
      throw error;
    }
    this.lastRowId = Math.max(this.lastRowId, ...outcomes.map((outcome) => Number(outcome.rowId)));
    const change = this.fileChange(connection);
    if (change) {
      throw new StoreFileError(`${this.options.filename} was ${change} while a batch was committed; it is reopened, send again.`);
    }
    return outcomes;
  }

  prepare(delivery: Delivery): Delivery {
    return preparedDelivery(delivery);
  }

  /** journal_mode and synchronous as this connection runs them. */
  async durability(): Promise<Record<string, string>> {
    const db = this.db;
    return {
      journalMode: String(db.pragma("journal_mode", { simple: true })).toUpperCase(),
      synchronous: SYNCHRONOUS_LEVELS[db.pragma("synchronous", { simple: true }) as number] ?? "unknown",
    };
  }

  /**
   * The open connection, after making sure it is to the file the path names now and may write it
   * if the file allows: a deleted or replaced file is reopened, a read-only one retried.
   */
  private current(): Connection {
    const connection = this.connection;
    if (!connection.file) return connection;
    const change = this.fileChange(connection);
    const retry = connection.stale || (connection.readOnly && writable(this.options.filename));
    if (!retry && !change) return connection;
    connection.stale = true;
    if (change) connection.closeMoved();
    else connection.close();
    let fresh: Connection;
    try {
      fresh = new Connection(this.options);
    } catch (error) {
      throw new StoreFileError(`${this.options.filename} cannot be opened: ${(error as Error).message}`);
    }
    this.connection = fresh;
    if (!fresh.readOnly) {
      // A file put in place of the old one must not hand out ids the old one did.
      if (fresh.lastRowId < this.lastRowId) fresh.raiseLastRowId(this.lastRowId);
      this.lastRowId = fresh.lastRowId;
    }
    const reason = change ?? (connection.readOnly ? "not writable" : "failing");
    this.options.onReopen?.(`${this.options.filename} was reopened: it was ${reason}.`);
    return fresh;
  }

  /** How the path stopped naming the connection's file, or undefined if it did not. */
  private fileChange(connection: Connection): "deleted" | "replaced" | undefined {
    if (!connection.file) return undefined;
    const now = identity(this.options.filename);
    if (!now) return "deleted";
    return sameFile(now, connection.file) ? undefined : "replaced";
  }

  private readOnlyError(): StoreFileError {
    return new StoreFileError(`${this.options.filename} is read-only for this process; it is reopened once it is writable.`);
  }

  async query(query: EventQuery): Promise<EventPage> {
    const params: Record<string, unknown> = {};
    const dialect = sqliteDialect(params);
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
        `SELECT ${SUMMARY_COLUMNS}, ${CONTENT_COLUMNS} FROM events
         WHERE event_id = @eventId ${channel === undefined ? "" : "AND channel = @channel"}
         ORDER BY received_at DESC, id DESC LIMIT 1`,
      )
      .get(channel === undefined ? { eventId: storableText(eventId) } : { eventId: storableText(eventId), channel: storableText(channel) }) as
      | (EventRow & StoredContent)
      | undefined;
    return row && toStoredEvent({ ...row, ...readContent(row) });
  }

  /** One writer commits batch after batch, so row ids follow commit order: the row id is the position. */
  async eventsAfter(position: string, filter: EventFilter, limit: number): Promise<EventSummary[]> {
    const params: Record<string, unknown> = {};
    // `unindexed` keeps the planner on the primary key from the position on: a resumed stream reads
    // the rows stored since it left, never every row of its event type.
    const dialect = sqliteDialect(params);
    const where = whereClause({ ...filter, limit }, dialect, { unindexedTypeAndChannel: true });
    const after = dialect.param(BigInt(position));
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM events ${where ? `${where} AND` : "WHERE"} id > ${after} ORDER BY id LIMIT ${limit}`;
    return (this.db.prepare(sql).all(params) as EventRow[]).map(toSummary);
  }

  parsePosition(text: string): string | undefined {
    return parseRowIdPosition(text);
  }

  async prune(step: PruneStep): Promise<number> {
    const doomed = this.doomedRows(step);
    if (doomed.length === 0) return 0;
    const db = this.db;
    const remove = db.transaction((ids: number[]) => {
      const list = ids.join(",");
      db.exec(`DELETE FROM event_refs WHERE event_row IN (${list})`);
      db.exec(`DELETE FROM events WHERE id IN (${list})`);
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

  /** Throws while the store cannot commit: the file is read-only, or cannot be opened. */
  async ping(): Promise<void> {
    const connection = this.current();
    if (connection.readOnly) throw this.readOnlyError();
    connection.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}

/** Brings a database to SCHEMA_VERSION in one transaction. */
function migrate(db: Database.Database): void {
  const version = checkVersion(db);
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Schema 1's AUTOINCREMENT counter may be above every id left: it is the mark to keep.
    const counted = version < 2 ? autoincrementCounter(db) : 0;
    if (version < 2) toSchema2(db);
    if (version < 3) {
      db.exec(SCHEMA_V3);
      db.prepare("UPDATE hookrelay_meta SET value = max(value, ?) WHERE name = 'last_row_id'").run(counted);
    }
    if (version < 4) db.exec(SCHEMA_V4);
    if (version < 5) {
      db.exec(SCHEMA_V5_COLUMNS);
      backfillNaturalKeys(db);
      db.exec(SCHEMA_V5_INDEXES);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Schema 5's natural keys for the push and pull request events already stored. */
function backfillNaturalKeys(db: Database.Database): void {
  const rows = db.prepare(`SELECT id, channel, ${CONTENT_COLUMNS} FROM events WHERE event_type IN ${KEYED_TYPES_SQL} ORDER BY id`).iterate() as IterableIterator<
    { id: number; channel: string } & StoredContent
  >;
  const keyed = backfilledKeys((function* () {
    for (const row of rows) yield { id: row.id, channel: row.channel, body: readContent(row).body };
  })());
  const update = db.prepare("UPDATE events SET natural_key = ? WHERE id = ?");
  for (const { id, key } of keyed) update.run(key, id);
}

/** Named parameters collected into `params`; `unindexed` columns are written so SQLite will not use their index. */
function sqliteDialect(params: Record<string, unknown>): Dialect {
  return {
    param(value) {
      const name = `p${Object.keys(params).length}`;
      params[name] = value;
      return `@${name}`;
    },
    hasRef: (p) => `id IN (SELECT event_row FROM event_refs WHERE ref = ${p})`,
    unindexed: (column) => `+${column}`,
  };
}

/** The file's schema version; throws for one newer than this Hook Relay knows. */
function checkVersion(db: Database.Database): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`The database has schema version ${version}; this Hook Relay knows up to ${SCHEMA_VERSION}. Upgrade Hook Relay.`);
  }
  return version;
}

function autoincrementCounter(db: Database.Database): number {
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
  if (!hasSequence) return 0;
  return Number(db.prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'events'").pluck().get());
}

/**
 * Schema 1 (Hook Relay 0.1) had AUTOINCREMENT, a (channel, event_id) key no lookup by id could use,
 * and indexes the API never used; its rows are copied, ids kept (event_refs points at them).
 */
function toSchema2(db: Database.Database): void {
  const hasEvents = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get() !== undefined;
  if (hasEvents) db.exec("ALTER TABLE events RENAME TO events_v1");
  for (const index of ["events_received", "events_type", "events_repository_id", "events_repository_name", "events_pull_request", "events_actor", "events_project", "events_created"]) {
    db.exec(`DROP INDEX IF EXISTS ${index}`);
  }
  db.exec(SCHEMA_V2);
  if (hasEvents) {
    db.exec(`INSERT INTO events (${SCHEMA_V2_COLUMNS}) SELECT ${SCHEMA_V2_COLUMNS} FROM events_v1 ORDER BY id`);
    db.exec("DROP TABLE events_v1");
  }
}

interface FileIdentity {
  dev: number;
  ino: number;
}

const SIDECARS = ["-wal", "-shm"];

function identity(filename: string): FileIdentity | undefined {
  try {
    const { dev, ino } = statSync(filename);
    return { dev, ino };
  } catch {
    return undefined;
  }
}

/** The -wal and -shm files beside a database that exist now, by path. */
function sidecarsOf(filename: string): Map<string, FileIdentity> {
  const found = new Map<string, FileIdentity>();
  for (const sidecar of SIDECARS.map((suffix) => filename + suffix)) {
    const known = identity(sidecar);
    if (known) found.set(sidecar, known);
  }
  return found;
}

function sameFile(a: FileIdentity | undefined, b: FileIdentity): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Whether this process may write the database and the WAL files beside it (SQLite opens it read-only otherwise). */
function writable(filename: string): boolean {
  try {
    for (const file of [filename, ...SIDECARS.map((suffix) => filename + suffix)]) {
      if (file === filename || existsSync(file)) accessSync(file, constants.W_OK);
    }
    return true;
  } catch {
    return false;
  }
}
