/**
 * Both dialects' schemas hold exactly the columns and indexes columns.ts declares, whether the
 * store was created new or upgraded: the two cannot drift apart again.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { columnTypes, INDEXED_COLUMNS } from "../../src/endpoint/store/columns";
import { openStore } from "../../src/endpoint/store";
import { SqliteStore } from "../../src/endpoint/store/sqlite";
import { StoreFactory } from "./helpers";

/** Each store's own columns, beside the declared ones: the row id, the content, PostgreSQL's position. */
const SQLITE_OWN = { id: "INTEGER", body: "TEXT NOT NULL", headers: "TEXT NOT NULL", codec: "INTEGER NOT NULL" };
const POSTGRES_OWN = { id: "BIGINT NOT NULL", body: "TEXT NOT NULL", headers: "TEXT NOT NULL", xid: "XID8 NOT NULL" };

/**
 * Indexes that serve no filter of one column: newest-first paging, PostgreSQL's positions, and the
 * uniqueness of a Git change's natural key per channel.
 */
const SQLITE_PAGING = ["events_received", "events_natural_key"];
const POSTGRES_PAGING = ["events_received", "events_position", "events_natural_key"];

/** A list column is indexed by its elements: SQLite keeps them in the event_refs table. */
const LIST_COLUMNS = INDEXED_COLUMNS.filter((column) => column.kind === "textList");
const SCALAR_COLUMNS = INDEXED_COLUMNS.filter((column) => column.kind !== "textList");

function expectedColumns(dialect: "sqlite" | "postgres"): Record<string, string> {
  return { ...Object.fromEntries(columnTypes(dialect)), ...(dialect === "sqlite" ? SQLITE_OWN : POSTGRES_OWN) };
}

describe("SQLite", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hookrelay-columns-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function schemaOf(filename: string) {
    const db = new Database(filename, { readonly: true });
    try {
      const columns = db.prepare("SELECT name, type, \"notnull\" FROM pragma_table_info('events')").all() as { name: string; type: string; notnull: number }[];
      const indexes = db
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
        .all() as { name: string; sql: string }[];
      const leading = (index: string) => (db.prepare("SELECT name FROM pragma_index_info(?) WHERE seqno = 0").pluck().get(index) as string);
      return {
        columns: Object.fromEntries(columns.map((c) => [c.name, c.notnull ? `${c.type} NOT NULL` : c.type])),
        indexes: new Map(indexes.map((index) => [index.name, { sql: index.sql, leading: leading(index.name) }])),
        eventRefs: db.prepare("SELECT name FROM pragma_table_info('event_refs')").pluck().all(),
      };
    } finally {
      db.close();
    }
  }

  function expectDeclaredSchema(filename: string) {
    const schema = schemaOf(filename);
    expect(schema.columns).toEqual(expectedColumns("sqlite"));
    expect([...schema.indexes.keys()].sort()).toEqual([...SQLITE_PAGING, ...SCALAR_COLUMNS.map((c) => c.index)].sort());
    for (const column of SCALAR_COLUMNS) expect(schema.indexes.get(column.index)?.leading).toBe(column.name);
    expect(schema.indexes.get("events_pull_request")?.sql).toMatch(/WHERE pull_request_id IS NOT NULL/);
    expect(schema.indexes.get("events_origin")?.sql).toMatch(/WHERE origin <> 'delivered'/);
    expect(schema.indexes.get("events_natural_key")?.sql).toMatch(/UNIQUE INDEX events_natural_key ON events \(natural_key, channel\) WHERE natural_key IS NOT NULL/);
    expect(LIST_COLUMNS.map((c) => c.name)).toEqual(["refs"]);
    expect(schema.eventRefs).toEqual(["ref", "event_row"]);
  }

  test("a new database has exactly the declared columns and indexes", async () => {
    const filename = join(dir, "new.db");
    await new SqliteStore({ filename }).close();
    expectDeclaredSchema(filename);
  });

  test("a database of schema 3 is upgraded to exactly the declared columns and indexes", async () => {
    const filename = join(dir, "old.db");
    await new SqliteStore({ filename }).close();
    // Schema 3 as Hook Relay left it: no codec column, no reconciliation.
    const db = new Database(filename);
    db.exec(`DROP TABLE subscription_status; DROP TABLE reconcile_runs; DROP INDEX events_origin; DROP INDEX events_natural_key;
      ALTER TABLE events DROP COLUMN origin; ALTER TABLE events DROP COLUMN natural_key;`);
    db.exec("ALTER TABLE events DROP COLUMN codec; PRAGMA user_version = 3;");
    db.close();
    await new SqliteStore({ filename }).close();
    expectDeclaredSchema(filename);
  });
});

describe("PostgreSQL", () => {
  const stores = new StoreFactory("postgres");
  afterAll(() => stores.cleanup());

  test("migrations leave exactly the declared columns and indexes", async () => {
    const url = await stores.url();
    await (await openStore(url)).close();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const columns = await client.query<{ column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
        "SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_name = 'events'",
      );
      const typeOf = (c: (typeof columns.rows)[number]) =>
        (c.data_type === "ARRAY" ? `${c.udt_name.slice(1)}[]` : c.data_type === "USER-DEFINED" ? c.udt_name : c.data_type).toUpperCase();
      const actual = Object.fromEntries(columns.rows.map((c) => [c.column_name, `${typeOf(c)}${c.is_nullable === "NO" ? " NOT NULL" : ""}`]));
      expect(actual).toEqual(expectedColumns("postgres"));

      const indexes = await client.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname NOT IN ('events_pkey', 'events_event_id_channel')",
      );
      const byName = new Map(indexes.rows.map((row) => [row.indexname, row.indexdef]));
      expect([...byName.keys()].sort()).toEqual([...POSTGRES_PAGING, ...INDEXED_COLUMNS.map((c) => c.index)].sort());
      for (const column of INDEXED_COLUMNS) {
        // The first key of the index is the column (or a bounded prefix of it, see postgres.ts).
        expect(byName.get(column.index)).toMatch(new RegExp(`\\((?:"left"\\(|hookrelay_ref_prefixes\\()?${column.name}\\b`));
      }
      expect(byName.get("events_pull_request")).toMatch(/WHERE \(pull_request_id IS NOT NULL\)/);
      expect(byName.get("events_origin")).toMatch(/WHERE \(origin <> 'delivered'::text\)/);
      expect(byName.get("events_natural_key")).toMatch(/UNIQUE INDEX events_natural_key ON public.events USING btree \(natural_key, channel\) WHERE \(natural_key IS NOT NULL\)/);
    } finally {
      await client.end();
    }
  });
});
