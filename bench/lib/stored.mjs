/** Reading what a store holds straight from its database, to check the endpoint's answers against. */
import Database from "better-sqlite3";
import pg from "pg";

/** How many rows each event id has in the events table (all channels). */
export async function storedCounts(db) {
  const rows = db.startsWith("sqlite:") ? sqliteRows(db.slice("sqlite:".length)) : await postgresRows(db);
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}

const COUNT_QUERY = "SELECT event_id, count(*) AS n FROM events GROUP BY event_id";

function sqliteRows(filename) {
  const database = new Database(filename, { readonly: true });
  try {
    return database.prepare(COUNT_QUERY).all();
  } finally {
    database.close();
  }
}

async function postgresRows(connectionString) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(COUNT_QUERY)).rows;
  } finally {
    await client.end();
  }
}

/** Acknowledged ids missing from the store, and ids stored more than once. */
export function checkExactlyOnce(acknowledged, counts) {
  const missing = acknowledged.filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  return { missing, duplicated };
}
