/** The PostgreSQL schema: migrations apply once, and an event id alone is found by index. */
import { Client } from "pg";
import { openStore } from "../../src/endpoint/store";
import type { PostgresStore } from "../../src/endpoint/store/postgres";
import type { Delivery } from "../../src/endpoint/store/types";
import { StoreFactory } from "./helpers";

const stores = new StoreFactory("postgres");
afterAll(() => stores.cleanup());

test("migrations run once, even when the store is opened again, and leave an index led by event_id", async () => {
  const url = await stores.url();
  await (await openStore(url)).close();
  await (await openStore(url)).close();

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const versions = await client.query<{ version: number }>("SELECT version FROM hookrelay_migrations ORDER BY version");
    expect(versions.rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const indexes = await client.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events'");
    const byName = new Map(indexes.rows.map((row) => [row.indexname, row.indexdef]));
    expect(byName.get("events_event_id_channel")).toMatch(/UNIQUE INDEX .* \(event_id, channel\)/);
    expect(byName.has("events_channel_event_id")).toBe(false);
    expect(byName.has("events_created")).toBe(false);
    // Migration 3: facts of any length fit their indexes, pull request ids take 64 bits.
    expect(byName.get("events_repository_name")).toMatch(/\("left"\(repository_name, 256\), received_at\)/);
    expect(byName.get("events_refs")).toMatch(/USING gin \(hookrelay_ref_prefixes\(refs\)\)/);
    const column = await client.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'pull_request_id'");
    expect(column.rows[0].data_type).toBe("bigint");
    // Migration 4: each row's transaction id, and an index readers follow positions by.
    expect(byName.get("events_position")).toMatch(/\(xid, id\)/);
  } finally {
    await client.end();
  }
});

test("filters by a long fact are answered by the prefix indexes of migration 3", async () => {
  const url = await stores.url();
  const store = (await openStore(url)) as PostgresStore;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const pool = (store as unknown as { pool: { query: (sql: string, params: unknown[]) => Promise<unknown> } }).pool;
    const plans: string[] = [];
    const query = pool.query.bind(pool);
    const spy = jest.spyOn(pool, "query").mockImplementation(async (sql: string, params: unknown[]) => {
      // The statement the store would run, explained with sequential scans priced out of reach.
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query(`EXPLAIN ${sql}`, params);
      plans.push(rows.map((row: Record<string, string>) => row["QUERY PLAN"]).join("\n"));
      return query(sql, params);
    });
    const long = "r".repeat(5_000);
    await store.query({ limit: 10, repository: long });
    await store.query({ limit: 10, ref: `refs/heads/${long}` });
    spy.mockRestore();

    expect(plans[0]).toMatch(/events_repository_id/);
    expect(plans[0]).toMatch(/events_repository_name/);
    expect(plans[1]).toMatch(/events_refs/);
  } finally {
    await client.end();
    await store.close();
  }
});

test("migration 4 upgrades a store in place: older rows keep their id order ahead of every newer row", async () => {
  const url = await stores.url();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // A store as Hook Relay left it at migration 3, with rows in it.
    await (await openStore(url)).close();
    await client.query(`DROP TABLE subscription_status, reconcile_runs; DROP INDEX events_origin, events_natural_key;
      ALTER TABLE events DROP COLUMN origin, DROP COLUMN natural_key;
      DROP INDEX events_position; ALTER TABLE events DROP COLUMN xid;
      CREATE INDEX events_actor ON events (left(actor, 256), received_at); CREATE INDEX events_project ON events (left(project_id, 256), received_at);
      DELETE FROM hookrelay_migrations WHERE version >= 4`);
    const old = await insertRowsDirectly(url);
    const store = (await openStore(url)) as PostgresStore;
    try {
      const fresh = await store.recordBatch([delivery("after-upgrade")]);
      const events = await store.eventsAfter(store.parsePosition("0")!, {}, 10);
      expect(events.map((event) => event.id)).toEqual([...old, "after-upgrade"]);
      expect(events.slice(0, old.length).map((event) => event.position)).toEqual(events.slice(0, old.length).map((event) => `0.${event.rowId}`));
      expect(events[old.length].position).toMatch(new RegExp(`^[1-9]\\d*\\.${fresh[0].rowId}$`));
      // A Last-Event-ID from before the upgrade (a bare row id) resumes after that row.
      expect((await store.eventsAfter(store.parsePosition(events[0].rowId)!, {}, 10)).map((event) => event.id)).toEqual([old[1], "after-upgrade"]);
    } finally {
      await store.close();
    }
  } finally {
    await client.end();
  }
});

/** Inserts two events with plain SQL, as a Hook Relay before migration 4 would have. */
async function insertRowsDirectly(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const ids = ["before-upgrade-1", "before-upgrade-2"];
    for (const id of ids) {
      await client.query(
        `INSERT INTO events (channel, event_id, event_type, known, refs, received_at, last_received_at, receipt_count, body, headers)
         VALUES ('', $1, 'git.push', true, '{}', 1, 1, 1, '{}', '{}')`,
        [id],
      );
    }
    return ids;
  } finally {
    await client.end();
  }
}

function delivery(eventId: string): Delivery {
  return {
    channel: "",
    eventId,
    facts: { eventType: "git.push", known: true, refs: [] },
    body: "{}",
    headers: {},
    receivedAt: Date.now(),
  };
}
