/** Opens the store a HOOKRELAY_DB url names: sqlite:<path> or postgres://… */
import { SqliteStore, type SqliteSynchronous } from "./sqlite";
import { ThreadedSqliteStore } from "./sqliteThreaded";
import type { EventStore } from "./types";

export type { EventStore } from "./types";

export interface OpenStoreOptions {
  sqliteSynchronous?: SqliteSynchronous;
  /** Commit SQLite batches on a worker thread (needs the compiled build; see sqliteThreaded.ts). */
  sqliteWriterThread?: boolean;
  /** Told when the SQLite file was reopened because it was deleted, replaced or not writable. */
  onSqliteReopen?: (message: string) => void;
  postgresMaxConnections?: number;
  onPoolError?: (error: Error) => void;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function sqliteFilename(url: string): string | undefined {
  const match = /^sqlite:(.+)$/i.exec(url);
  return match?.[1];
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<EventStore> {
  if (isPostgresUrl(url)) {
    // Loaded only here: the PostgreSQL driver adds about 4 MiB to an endpoint that runs on SQLite.
    const { PostgresStore } = await import("./postgres");
    return PostgresStore.open({
      connectionString: url,
      maxConnections: options.postgresMaxConnections,
      onPoolError: options.onPoolError,
    });
  }
  const filename = sqliteFilename(url);
  if (!filename) throw new Error(`Unsupported store url "${url}": use sqlite:<path> or postgres://…`);
  const sqlite = { filename, synchronous: options.sqliteSynchronous, onReopen: options.onSqliteReopen };
  return options.sqliteWriterThread ? ThreadedSqliteStore.open(sqlite) : new SqliteStore(sqlite);
}
