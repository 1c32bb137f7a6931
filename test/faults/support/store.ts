/** Reading the endpoint's events table directly, to check what it acknowledged against what it holds. */
import Database from "better-sqlite3";
import { Client } from "pg";

const COUNT_BY_ID = "SELECT event_id, count(*) AS n FROM events GROUP BY event_id";

/** Rows per event id (all channels). */
export async function rowsPerEventId(db: string): Promise<Map<string, number>> {
  let rows: { event_id: string; n: number | string }[];
  if (db.startsWith("sqlite:")) {
    const database = new Database(db.slice("sqlite:".length), { readonly: true });
    try {
      rows = database.prepare(COUNT_BY_ID).all() as typeof rows;
    } finally {
      database.close();
    }
  } else {
    const client = new Client({ connectionString: db });
    await client.connect();
    try {
      rows = (await client.query(COUNT_BY_ID)).rows;
    } finally {
      await client.end();
    }
  }
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}

export async function totalRows(db: string): Promise<number> {
  let total = 0;
  for (const n of (await rowsPerEventId(db)).values()) total += n;
  return total;
}
