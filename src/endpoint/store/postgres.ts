/**
 * PostgreSQL store (pg). Several endpoint replicas may write at once: the unique
 * (event_id, channel) constraint with INSERT … ON CONFLICT is the dedup guard, and migrations
 * run under an advisory lock so replicas starting together do not race.
 *
 * Row ids come from a sequence (BIGSERIAL) and are taken when a row is inserted, not when it
 * commits. With one writer (one endpoint process) batches commit one after another and ids grow
 * in commit order, so "every row after id N" (eventsAfter, stream resume) misses nothing. With
 * several replicas, a row with a smaller id can commit after a larger one has been read: a client
 * that resumes after the larger id never gets the smaller one replayed (it would have got it live
 * had it stayed connected). Replay is exact on SQLite and on a single PostgreSQL writer.
 *
 * Replicas tell each other about new rows with NOTIFY; see postgresNotify.ts.
 */
import { randomBytes } from "node:crypto";
import { Pool, type PoolClient, type PoolConfig } from "pg";
import { deliveryKey, foldBatch, spreadOutcome } from "./batch";
import { EVENTS_CHANNEL, ForeignEventListener, notificationPayloads } from "./postgresNotify";
import { storableText } from "./storable";
import { pageOf, SUMMARY_COLUMNS, toStoredEvent, toSummary, type EventRow } from "./rows";
import type {
  Delivery, DeliveryOutcome, EventPage, EventQuery, EventStore, EventSummary, ForeignEventWatcher, PruneStep,
  StoredEvent, StreamFilter,
} from "./types";
import { whereClause } from "./where";

export interface PostgresStoreOptions {
  connectionString: string;
  /** Pool size; a batch uses one connection, reads use the others. */
  maxConnections?: number;
  /** Called for errors on idle connections (a restarted server, a dropped socket). */
  onPoolError?: (error: Error) => void;
  /** Reconnection delays of the LISTEN connection (watchOtherWriters): the first, doubled up to the max. */
  listenRetryMs?: { firstMs: number; maxMs: number };
}

/** Each entry runs once, in order, inside one transaction; append, never edit. */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    known BOOLEAN NOT NULL,
    project_id TEXT,
    repository_id TEXT,
    repository_name TEXT,
    refs TEXT[] NOT NULL,
    pull_request_id INTEGER,
    actor TEXT,
    created_date TEXT,
    received_at BIGINT NOT NULL,
    last_received_at BIGINT NOT NULL,
    receipt_count INTEGER NOT NULL,
    body TEXT NOT NULL,
    headers TEXT NOT NULL,
    CONSTRAINT events_channel_event_id UNIQUE (channel, event_id)
  );
  CREATE INDEX events_received ON events (received_at, id);
  CREATE INDEX events_type ON events (event_type, received_at);
  CREATE INDEX events_repository_id ON events (repository_id, received_at);
  CREATE INDEX events_repository_name ON events (repository_name, received_at);
  CREATE INDEX events_pull_request ON events (pull_request_id, received_at);
  CREATE INDEX events_actor ON events (actor, received_at);
  CREATE INDEX events_project ON events (project_id, received_at);
  CREATE INDEX events_created ON events (created_date);
  CREATE INDEX events_refs ON events USING GIN (refs);`,
  // Version 2: an event id alone (GET /api/events/:id) is found by index, created_date had no use.
  `ALTER TABLE events DROP CONSTRAINT events_channel_event_id;
  ALTER TABLE events ADD CONSTRAINT events_event_id_channel UNIQUE (event_id, channel);
  DROP INDEX events_created;`,
  // Version 3: every fact Azure DevOps can send fits. Pull request ids take 64 bits. A B-tree or GIN
  // entry holds at most ~2700 bytes, and facts have no length bound: their indexes hold a bounded
  // prefix (FACT_PREFIX characters, at most 1 KiB) and queries compare the full value as well.
  `ALTER TABLE events ALTER COLUMN pull_request_id TYPE BIGINT;
  DROP INDEX events_repository_id, events_repository_name, events_actor, events_project, events_refs;
  CREATE FUNCTION hookrelay_ref_prefixes(refs TEXT[]) RETURNS TEXT[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(left(ref, 256)), '{}') FROM unnest(refs) AS ref $$;
  CREATE INDEX events_repository_id ON events (left(repository_id, 256), received_at);
  CREATE INDEX events_repository_name ON events (left(repository_name, 256), received_at);
  CREATE INDEX events_actor ON events (left(actor, 256), received_at);
  CREATE INDEX events_project ON events (left(project_id, 256), received_at);
  CREATE INDEX events_refs ON events USING GIN (hookrelay_ref_prefixes(refs));`,
];

/** Characters of a fact the indexes of migration 3 hold: 256, at most 4 bytes each. */
const FACT_PREFIX = 256;

const MIGRATION_LOCK = 0x486f6f6b; // "Hook"
const COLUMNS_PER_ROW = 16;

const DEFAULT_LISTEN_RETRY = { firstMs: 250, maxMs: 10_000 };

export class PostgresStore implements EventStore {
  readonly kind = "postgres";
  /** Names this process in its notifications, so that it can skip its own. */
  readonly writerId = randomBytes(8).toString("hex");
  private readonly pool: Pool;
  private readonly listeners = new Set<ForeignEventListener>();
  /** Batches sent and not yet answered; a catch-up waits for them (see postgresNotify.ts). */
  private readonly writing = new Set<Promise<unknown>>();
  /** Notifications go out one statement after another, in commit order. */
  private notifying: Promise<void> = Promise.resolve();

  private constructor(
    pool: Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.pool = pool;
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.maxConnections ?? 8,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    };
    const pool = new Pool(config);
    pool.on("error", (error) => options.onPoolError?.(error));
    const store = new PostgresStore(pool, options);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query("CREATE TABLE IF NOT EXISTS hookrelay_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      const { rows } = await client.query<{ version: number }>("SELECT coalesce(max(version), 0) AS version FROM hookrelay_migrations");
      for (let version = rows[0].version + 1; version <= MIGRATIONS.length; version++) {
        await client.query(MIGRATIONS[version - 1]);
        await client.query("INSERT INTO hookrelay_migrations (version) VALUES ($1)", [version]);
      }
    });
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Announces the new rows after the commit, without delaying the answer: NOTIFY is a
   * statement of its own, and a failed one loses no data (the rows are stored; a stream resumed
   * with Last-Event-ID replays them).
   */
  recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    const recording = this.insertBatch(deliveries).then((outcomes) => {
      this.announceOwn(outcomes.filter((outcome) => !outcome.duplicate).map((outcome) => outcome.rowId));
      return outcomes;
    });
    this.writing.add(recording);
    const settled = () => this.writing.delete(recording);
    recording.then(settled, settled);
    return recording;
  }

  private announceOwn(rowIds: string[]): void {
    if (rowIds.length === 0) return;
    for (const listener of this.listeners) listener.noteOwn(rowIds);
    const payloads = notificationPayloads(this.writerId, rowIds);
    this.notifying = this.notifying
      .then(() => this.pool.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [EVENTS_CHANNEL, payloads]))
      .then(
        () => undefined,
        (error: Error) => this.reportToWatchers(new Error(`Could not announce new rows to other replicas: ${error.message}`)),
      );
  }

  private reportToWatchers(error: Error): void {
    for (const listener of this.listeners) listener.reportError(error);
  }

  async watchOtherWriters(watcher: ForeignEventWatcher): Promise<() => Promise<void>> {
    const listener = new ForeignEventListener({
      connectionString: this.options.connectionString,
      writerId: this.writerId,
      watcher,
      readRows: (rowIds) => this.summariesOf(rowIds),
      readAfter: (rowId, limit) => this.eventsAfter(rowId, {}, limit),
      readMaxId: () => this.maxRowId(),
      ownWritesSettled: async () => {
        await Promise.allSettled([...this.writing]);
      },
      retry: this.options.listenRetryMs ?? DEFAULT_LISTEN_RETRY,
    });
    this.listeners.add(listener);
    await listener.start();
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  async eventsAfter(afterRowId: string, filter: StreamFilter, limit: number): Promise<EventSummary[]> {
    const params: unknown[] = [afterRowId];
    const conditions = ["id > $1::bigint"];
    if (filter.eventType !== undefined) {
      params.push(storableText(filter.eventType));
      conditions.push(`event_type = $${params.length}`);
    }
    if (filter.channel !== undefined) {
      params.push(storableText(filter.channel));
      conditions.push(`channel = $${params.length}`);
    }
    params.push(limit);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM events WHERE ${conditions.join(" AND ")} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toSummary);
  }

  private async summariesOf(rowIds: string[]): Promise<EventSummary[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM events WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [rowIds],
    );
    return rows.map(toSummary);
  }

  private async maxRowId(): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>("SELECT coalesce(max(id), 0)::text AS id FROM events");
    return rows[0].id;
  }

  /** One multi-row statement: a single round trip and a single commit for the whole batch. */
  private async insertBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    // A fixed key order keeps two replicas inserting overlapping batches from deadlocking.
    const folded = foldBatch(deliveries).sort((a, b) => compareKeys(a.first, b.first));
    const params: unknown[] = [];
    const values = folded.map(({ first, positions, lastReceivedAt }) => {
      const { facts } = first;
      const start = params.length;
      params.push(
        first.channel, first.eventId, facts.eventType, facts.known, facts.projectId ?? null,
        facts.repositoryId ?? null, facts.repositoryName ?? null, facts.refs, facts.pullRequestId ?? null,
        facts.actor ?? null, facts.createdDate ?? null, first.receivedAt, lastReceivedAt, positions.length,
        first.body, JSON.stringify(first.headers),
      );
      return `(${Array.from({ length: COLUMNS_PER_ROW }, (_, i) => `$${start + i + 1}`).join(", ")})`;
    });
    const { rows } = await this.pool.query<{ id: string; channel: string; event_id: string; receipt_count: number }>(
      `INSERT INTO events (channel, event_id, event_type, known, project_id, repository_id, repository_name,
         refs, pull_request_id, actor, created_date, received_at, last_received_at, receipt_count, body, headers)
       VALUES ${values.join(", ")}
       ON CONFLICT (channel, event_id) DO UPDATE SET
         receipt_count = events.receipt_count + excluded.receipt_count,
         last_received_at = greatest(events.last_received_at, excluded.last_received_at)
       RETURNING id, channel, event_id, receipt_count`,
      params,
    );
    const byKey = new Map(rows.map((row) => [deliveryKey(row.channel, row.event_id), row]));
    const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
    for (const group of folded) {
      const row = byKey.get(deliveryKey(group.first.channel, group.first.eventId));
      if (!row) throw new Error(`The store returned no row for event ${group.first.eventId}`);
      spreadOutcome(outcomes, group, { rowId: String(row.id), receiptCount: row.receipt_count });
    }
    return outcomes;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const params: unknown[] = [];
    const where = whereClause(query, {
      param(value) {
        params.push(value);
        return `$${params.length}`;
      },
      hasRef: (p) => `hookrelay_ref_prefixes(refs) @> ARRAY[left(${p}, ${FACT_PREFIX})] AND refs @> ARRAY[${p}::text]`,
      factEquals: (column, p) => `(left(${column}, ${FACT_PREFIX}) = left(${p}, ${FACT_PREFIX}) AND ${column} = ${p})`,
    });
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM events ${where} ORDER BY received_at DESC, id DESC LIMIT ${query.limit + 1}`,
      params,
    );
    return pageOf(rows, query.limit);
  }

  async get(eventId: string, channel?: string): Promise<StoredEvent | undefined> {
    const params = (channel === undefined ? [eventId] : [eventId, channel]).map(storableText);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${SUMMARY_COLUMNS}, body, headers FROM events
       WHERE event_id = $1 ${channel === undefined ? "" : "AND channel = $2"}
       ORDER BY received_at DESC, id DESC LIMIT 1`,
      params,
    );
    return rows[0] && toStoredEvent(rows[0]);
  }

  async prune(step: PruneStep): Promise<number> {
    if (step.receivedBefore !== undefined) {
      const old = await this.pool.query(
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 LIMIT $2)",
        [step.receivedBefore, step.limit],
      );
      if ((old.rowCount ?? 0) > 0) return old.rowCount ?? 0;
    }
    if (step.maxRows === undefined) return 0;
    const excess = await this.pool.query(
      "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY received_at DESC, id DESC LIMIT $1 OFFSET $2)",
      [step.limit, step.maxRows],
    );
    return excess.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async durability(): Promise<Record<string, string>> {
    const { rows } = await this.pool.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
    return { synchronousCommit: rows[0].synchronous_commit };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener.stop()));
    this.listeners.clear();
    await Promise.allSettled([...this.writing]);
    await this.notifying;
    await this.pool.end();
  }
}

function compareKeys(a: Delivery, b: Delivery): number {
  const ka = deliveryKey(a.channel, a.eventId);
  const kb = deliveryKey(b.channel, b.eventId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
