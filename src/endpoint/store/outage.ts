/**
 * Telling a store that cannot commit anything now (disk full, file gone or read-only, server
 * unreachable) from a batch that holds one row the store refuses. The writer answers the first
 * with 503 for the whole batch and isolates the row in the second (see ../writer.ts).
 */

/** The store file was deleted, replaced or is read-only; the store reopens it (see sqlite.ts). */
export class StoreFileError extends Error {
  readonly code = "HOOKRELAY_STORE_FILE";
  override name = "StoreFileError";
}

/** The SQLite writer thread died with batches in it: their bodies went with it (sqliteThreaded.ts). */
export const WRITER_EXITED = "HOOKRELAY_WRITER_EXITED";

/** better-sqlite3 error codes (extended ones included) that concern the database, not a row. */
const SQLITE_OUTAGE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|CORRUPT|NOTADB|PERM|AUTH|PROTOCOL)/;

/**
 * PostgreSQL SQLSTATE classes that concern the server or the connection: 08 connection, 25 invalid
 * transaction state (a read-only server), 40 rollback (deadlock, serialization), 53 insufficient
 * resources (disk full), 55 object not in prerequisite state, 57 operator intervention (shutdown),
 * 58 system error, XX internal error.
 */
const POSTGRES_OUTAGE = /^(08|25|40|53|55|57|58|XX)[0-9A-Z]{3}$/;

/** Socket-level errors of the PostgreSQL client. */
const NETWORK_OUTAGE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * True when the error's code says the store as a whole cannot commit now. False for errors
 * without a known code: the writer then asks the store (ping) before blaming a row.
 */
export function isStoreOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return code === "HOOKRELAY_STORE_FILE" || code === WRITER_EXITED || SQLITE_OUTAGE.test(code) || POSTGRES_OUTAGE.test(code) || NETWORK_OUTAGE.has(code);
}
