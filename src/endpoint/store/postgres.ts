/**
 * PostgreSQL store (pg). Several endpoint replicas may write at once: the unique
 * (event_id, channel) constraint with INSERT … ON CONFLICT is the dedup guard, and migrations
 * run under an advisory lock so replicas starting together do not race.
 *
 * Positions (what readers follow in commit order): row ids come from a sequence before commit, so
 * with several writers a smaller id can commit after a larger one, and "every row after id N" would
 * miss it. Instead each row keeps the id of the transaction that inserted it (column xid, from
 * pg_current_xact_id()), and readers see only rows whose transaction is older than the oldest one
 * still in flight, pg_snapshot_xmin(pg_current_snapshot()): every such transaction has ended, and
 * any transaction that commits later has an id at least that large. Ordered by (xid, id), what a
 * reader has seen is then final: nothing can commit before it any more. A row of a transaction still
 * in flight, and every row committed after it began, is held back until it commits or aborts (so a
 * long transaction anywhere in the cluster delays readers, not writers). Rows stored before
 * migration 4 have xid 0 and come first, in id order.
 *
 * Replicas tell each other about new commits with NOTIFY; see postgresNotify.ts.
 */
import { randomBytes } from "node:crypto";
import { Pool, type PoolClient, type PoolConfig } from "pg";
import { deliveryKey, foldBatch, rowSource, spreadOutcome, type FoldedDelivery } from "./batch";
import { COLUMN_LIST, mergeAssignments, postgresValues } from "./columns";
import { parseTransactionPosition } from "../cursor";
import { CommitFollower, EVENTS_CHANNEL, type FollowRead } from "./postgresNotify";
import { storableText } from "./storable";
import { pageOf, SUMMARY_COLUMNS, toStoredEvent, toSummary, type EventRow } from "./rows";
import {
  bodyText,
  type CommitWatcher, type Delivery, type DeliveryOutcome, type EventFilter, type EventPage, type EventQuery, type EventStore, type EventSummary,
  type PruneStep, type StoredEvent,
} from "./types";
import { whereClause, type Dialect } from "./where";
import { withClient } from "./postgresClient";
import { POSTGRES_LEDGER_SCHEMA, PostgresLedger } from "./postgresLedger";
import { backfilledKeys, KEYED_TYPES_SQL, keyedWrite, type KeyHolder } from "./naturalKeys";

export interface PostgresStoreOptions {
  connectionString: string;
  /** Pool size; a batch uses one connection, reads use the others. */
  maxConnections?: number;
  /** Called for errors on idle connections (a restarted server, a dropped socket). */
  onPoolError?: (error: Error) => void;
  /** Reconnection delays of the LISTEN connection (followCommits): the first, doubled up to the max. */
  listenRetryMs?: { firstMs: number; maxMs: number };
  /** How often followCommits reads again while events are held back behind a transaction in flight. */
  heldBackPollMs?: number;
  /** How often followCommits reads when nothing told it to (a writer that died before its NOTIFY). */
  idlePollMs?: number;
}

/** A migration: SQL, or steps that need the client (a backfill computed in JavaScript). */
type Migration = string | ((client: PoolClient) => Promise<void>);

/** Each entry runs once, in order, inside one transaction; append, never edit. */
const MIGRATIONS: Migration[] = [
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
  // Version 4: positions (see the top of this file). Existing rows get 0 without a table rewrite
  // (a constant default), new ones their transaction's id; the index serves readers in position order.
  `ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
  ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
  CREATE INDEX events_position ON events (xid, id);`,
  // Version 5: the same indexes as SQLite (columns.ts): none for actor and project_id (each costs
  // ingest), and the pull request index leaves out pushes.
  `DROP INDEX events_actor, events_project, events_pull_request;
  CREATE INDEX events_pull_request ON events (pull_request_id, received_at) WHERE pull_request_id IS NOT NULL;`,
  // Version 6: reconciliation (../reconcile), as SQLite's schema 5: each event's origin (a constant
  // default, no rewrite) and the natural key of its Git change, filled in for the events already
  // stored (one read of every push and pull request event), unique per channel; the status history
  // and the runs (postgresLedger.ts).
  async (client) => {
    await client.query(`ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT 'delivered';
      ALTER TABLE events ADD COLUMN natural_key TEXT;`);
    await backfillNaturalKeys(client);
    await client.query(`CREATE INDEX events_origin ON events (origin, received_at) WHERE origin <> 'delivered';
      CREATE UNIQUE INDEX events_natural_key ON events (natural_key, channel) WHERE natural_key IS NOT NULL;
      ${POSTGRES_LEDGER_SCHEMA}`);
  },
];

async function backfillNaturalKeys(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ id: string; channel: string; body: string }>(
    `SELECT id, channel, body FROM events WHERE event_type IN ${KEYED_TYPES_SQL} ORDER BY id`,
  );
  const keyed = backfilledKeys(rows);
  if (keyed.length === 0) return;
  await client.query("UPDATE events SET natural_key = k.key FROM unnest($1::bigint[], $2::text[]) AS k(id, key) WHERE events.id = k.id", [
    keyed.map((k) => k.id),
    keyed.map((k) => k.key),
  ]);
}

/** The summary columns with the row's position. */
const COLUMNS = `${SUMMARY_COLUMNS}, xid::text || '.' || id::text AS position`;
/** True for rows a reader may see: their transaction, and every one before it, has ended. */
const SETTLED = "xid < pg_snapshot_xmin(pg_current_snapshot())";
const HELD_BACK = "xid >= pg_snapshot_xmin(pg_current_snapshot())";

/** Characters of a fact the prefix indexes (migration 3) hold: 256, at most 4 bytes each. */
const FACT_PREFIX = 256;

const MIGRATION_LOCK = 0x486f6f6b; // "Hook"

const DEFAULT_LISTEN_RETRY = { firstMs: 250, maxMs: 10_000 };
const DEFAULT_HELD_BACK_POLL_MS = 50;
const DEFAULT_IDLE_POLL_MS = 1000;

export class PostgresStore implements EventStore {
  readonly kind = "postgres";
  /** Names this process in its notifications, so that its followers skip its own (they were poked already). */
  readonly writerId = randomBytes(8).toString("hex");
  private readonly pool: Pool;
  readonly ledger: PostgresLedger;
  private readonly followers = new Set<CommitFollower>();
  /** Batches sent and not yet answered; close() waits for them. */
  private readonly writing = new Set<Promise<unknown>>();
  /** Notifications go out one statement after another. */
  private notifying: Promise<void> = Promise.resolve();

  private constructor(
    pool: Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.pool = pool;
    this.ledger = new PostgresLedger(pool);
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
        const migration = MIGRATIONS[version - 1];
        if (typeof migration === "string") await client.query(migration);
        else await migration(client);
        await client.query("INSERT INTO hookrelay_migrations (version) VALUES ($1)", [version]);
      }
    });
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withClient(this.pool, async ({ client }) => {
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Tells this process's followers and the other replicas after the commit, without delaying the
   * answer: NOTIFY is a statement of its own, and a failed one loses no data (followers also poll).
   */
  recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    const recording = this.insertBatch(deliveries).then((outcomes) => {
      if (outcomes.some((outcome) => !outcome.duplicate)) this.announceCommit();
      return outcomes;
    });
    this.writing.add(recording);
    const settled = () => this.writing.delete(recording);
    recording.then(settled, settled);
    return recording;
  }

  private announceCommit(): void {
    for (const follower of this.followers) follower.poke();
    this.notifying = this.notifying
      .then(() => this.pool.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, this.writerId]))
      .then(
        () => undefined,
        (error: Error) => this.reportToFollowers(new Error(`Could not tell other replicas about a commit: ${error.message}`)),
      );
  }

  private reportToFollowers(error: Error): void {
    for (const follower of this.followers) follower.reportError(error);
  }

  async followCommits(watcher: CommitWatcher): Promise<() => Promise<void>> {
    const follower = new CommitFollower({
      connectionString: this.options.connectionString,
      writerId: this.writerId,
      watcher,
      readHead: () => this.headPosition(),
      readAfter: (position, limit) => this.settledAfter(position, limit),
      retry: this.options.listenRetryMs ?? DEFAULT_LISTEN_RETRY,
      heldBackPollMs: this.options.heldBackPollMs ?? DEFAULT_HELD_BACK_POLL_MS,
      idlePollMs: this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS,
    });
    this.followers.add(follower);
    await follower.start();
    return async () => {
      this.followers.delete(follower);
      await follower.stop();
    };
  }

  parsePosition(text: string): string | undefined {
    return parseTransactionPosition(text);
  }

  async eventsAfter(position: string, filter: EventFilter, limit: number): Promise<EventSummary[]> {
    const params: unknown[] = [];
    const where = whereClause({ ...filter, limit }, this.dialect(params));
    const [xid, id] = position.split(".");
    params.push(xid, id);
    const after = `(xid, id) > ($${params.length - 1}::xid8, $${params.length}::bigint)`;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events ${where ? `${where} AND` : "WHERE"} ${after} AND ${SETTLED}
       ORDER BY xid, id LIMIT ${limit}`,
      params,
    );
    return rows.map(toSummary);
  }

  /** eventsAfter without filters, and whether events are held back, seen by one statement's snapshot. */
  private async settledAfter(position: string, limit: number): Promise<FollowRead> {
    const [xid, id] = position.split(".");
    const { rows } = await this.pool.query<EventRow & { held_back: boolean }>(
      `WITH page AS (
         SELECT ${COLUMNS}, xid FROM events WHERE (xid, id) > ($1::xid8, $2::bigint) AND ${SETTLED} ORDER BY xid, id LIMIT ${limit}
       )
       SELECT page.*, EXISTS (SELECT 1 FROM events WHERE ${HELD_BACK}) AS held_back
       FROM (SELECT 1) AS one LEFT JOIN page ON true
       ORDER BY page.xid, page.id`,
      [xid, id],
    );
    return { events: rows.filter((row) => row.position !== null).map(toSummary), heldBack: rows[0]?.held_back === true };
  }

  /** The position of the newest event readers may see, "0.0" when there is none. */
  private async headPosition(): Promise<string> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT xid::text || '.' || id::text AS position FROM events WHERE ${SETTLED} ORDER BY xid DESC, id DESC LIMIT 1`,
    );
    return rows[0]?.position ?? "0.0";
  }

  private dialect(params: unknown[]): Dialect {
    return {
      param(value) {
        params.push(value);
        return `$${params.length}`;
      },
      hasRef: (p) => `hookrelay_ref_prefixes(refs) @> ARRAY[left(${p}, ${FACT_PREFIX})] AND refs @> ARRAY[${p}::text]`,
      factEquals: (column, p) => `(left(${column}, ${FACT_PREFIX}) = left(${p}, ${FACT_PREFIX}) AND ${column} = ${p})`,
    };
  }

  /** One multi-row statement: a single round trip and a single commit for the whole batch. */
  private async insertBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    // A fixed key order keeps two replicas inserting overlapping batches from deadlocking.
    const folded = foldBatch(deliveries).sort((a, b) => compareKeys(a.first, b.first));
    const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
    if (!folded.some((group) => group.first.naturalKey !== undefined)) {
      await insertRows(this.pool, folded, outcomes);
      return outcomes;
    }
    await this.inTransaction((client) => writeKeyed(client, folded, outcomes));
    return outcomes;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const params: unknown[] = [];
    const where = whereClause(query, this.dialect(params));
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events ${where} ORDER BY received_at DESC, id DESC LIMIT ${query.limit + 1}`,
      params,
    );
    return pageOf(rows, query.limit);
  }

  async get(eventId: string, channel?: string): Promise<StoredEvent | undefined> {
    const params = (channel === undefined ? [eventId] : [eventId, channel]).map(storableText);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS}, body, headers FROM events
       WHERE event_id = $1 ${channel === undefined ? "" : "AND channel = $2"}
       ORDER BY received_at DESC, id DESC LIMIT 1`,
      params,
    );
    return rows[0] && toStoredEvent(rows[0] as EventRow & { body: string; headers: string });
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
    await Promise.all([...this.followers].map((follower) => follower.stop()));
    this.followers.clear();
    await Promise.allSettled([...this.writing]);
    await this.notifying;
    await this.pool.end();
  }
}

/**
 * A batch with natural keys, in one transaction: each group is written as naturalKeys.ts says, given
 * the event holding its key on the channel. Two event ids of one change in the same batch: the
 * second waits for the next round and finds the first. A replica inserting the same change meanwhile
 * makes one commit fail on the unique index; the writer then sends that delivery again, and it finds
 * the other's.
 */
async function writeKeyed(client: PoolClient, folded: FoldedDelivery[], outcomes: DeliveryOutcome[]): Promise<void> {
  let pending = folded;
  while (pending.length > 0) {
    const holders = await keyHolders(client, pending);
    const inserts: FoldedDelivery[] = [];
    const later: FoldedDelivery[] = [];
    const claimed = new Set<string>();
    for (const group of pending) {
      const slot = keySlot(group.first);
      const holder = slot === undefined ? undefined : holders.get(slot);
      const write = keyedWrite(holder, group.first);
      if (write === "receipt" || write === "supersede") {
        await addReceipt(client, group, holder!, write === "supersede", outcomes);
      } else if (write === "insertWithoutKey") {
        inserts.push({ ...group, first: { ...group.first, naturalKey: undefined } });
      } else if (slot !== undefined && claimed.has(slot)) {
        later.push(group);
      } else {
        if (slot !== undefined) claimed.add(slot);
        inserts.push(group);
      }
    }
    await insertRows(client, inserts, outcomes);
    pending = later;
  }
}

function keySlot(delivery: Delivery): string | undefined {
  return delivery.naturalKey === undefined ? undefined : JSON.stringify([delivery.channel, delivery.naturalKey]);
}

async function keyHolders(client: PoolClient, groups: FoldedDelivery[]): Promise<Map<string, KeyHolder>> {
  const keys = groups.map((group) => group.first.naturalKey).filter((key): key is string => key !== undefined);
  const { rows } = await client.query<KeyHolder & { channel: string; natural_key: string }>(
    "SELECT id, channel, natural_key, event_id, origin FROM events WHERE natural_key = ANY($1::text[]) FOR UPDATE",
    [keys],
  );
  return new Map(rows.map((row) => [JSON.stringify([row.channel, row.natural_key]), row]));
}

/** The group is another id of a stored change: counted on that event, whose rebuilt body an original replaces. */
async function addReceipt(client: PoolClient, group: FoldedDelivery, holder: KeyHolder, supersede: boolean, outcomes: DeliveryOutcome[]): Promise<void> {
  const { first } = group;
  const params: unknown[] = [holder.id, group.positions.length, group.lastReceivedAt];
  let replace = "";
  if (supersede) {
    params.push(first.eventId, first.origin ?? "delivered", first.facts.createdDate ?? null, bodyText(first.body), JSON.stringify(first.headers));
    replace = ", event_id = $4, origin = $5, created_date = $6, body = $7, headers = $8";
  }
  const { rows } = await client.query<{ id: string; receipt_count: number }>(
    `UPDATE events SET receipt_count = receipt_count + $2, last_received_at = greatest(last_received_at, $3)${replace}
     WHERE id = $1 RETURNING id, receipt_count`,
    params,
  );
  spreadOutcome(outcomes, group, { rowId: String(rows[0].id), receiptCount: rows[0].receipt_count });
}

/** One multi-row statement: a single round trip for the whole batch. */
async function insertRows(queryable: Pool | PoolClient, folded: FoldedDelivery[], outcomes: DeliveryOutcome[]): Promise<void> {
  if (folded.length === 0) return;
  const params: unknown[] = [];
  const values = folded.map((group) => {
    const row = [...postgresValues(rowSource(group)), bodyText(group.first.body), JSON.stringify(group.first.headers)];
    const placeholders = row.map((value) => `$${params.push(value)}`);
    return `(${placeholders.join(", ")})`;
  });
  const { rows } = await queryable.query<{ id: string; channel: string; event_id: string; receipt_count: number }>(
    `INSERT INTO events (${COLUMN_LIST}, body, headers)
     VALUES ${values.join(", ")}
     ON CONFLICT (channel, event_id) DO UPDATE SET ${mergeAssignments("postgres")}
     RETURNING id, channel, event_id, receipt_count`,
    params,
  );
  const byKey = new Map(rows.map((row) => [deliveryKey(row.channel, row.event_id), row]));
  for (const group of folded) {
    const row = byKey.get(deliveryKey(group.first.channel, group.first.eventId));
    if (!row) throw new Error(`The store returned no row for event ${group.first.eventId}`);
    spreadOutcome(outcomes, group, { rowId: String(row.id), receiptCount: row.receipt_count });
  }
}

function compareKeys(a: Delivery, b: Delivery): number {
  const ka = deliveryKey(a.channel, a.eventId);
  const kb = deliveryKey(b.channel, b.eventId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
