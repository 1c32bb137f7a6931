/** Opaque page cursors: base64url of the last row's position. */
import { RequestError } from "./errors";
import type { PagePosition } from "./store/types";

/** Row ids are 64-bit signed integers on both stores (SQLite rowid, PostgreSQL bigint). */
const MAX_ROW_ID = 2n ** 63n - 1n;

/** A row id as decimal text, or undefined unless it is one a store could have given. */
export function parseRowId(text: string): string | undefined {
  return /^\d{1,19}$/.test(text) && BigInt(text) <= MAX_ROW_ID ? BigInt(text).toString() : undefined;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.rowId])).toString("base64url");
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const [receivedAt, rowId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const position = typeof rowId === "string" ? parseRowId(rowId) : undefined;
    if (Number.isSafeInteger(receivedAt) && position !== undefined) return { receivedAt: receivedAt as number, rowId: position };
  } catch {
    // falls through to the error below
  }
  throw new RequestError(400, "invalid_cursor", "The cursor is not one this endpoint returned.");
}

/** The row id as a position, on a store whose row ids follow commit order (SQLite: one writer). */
export function parseRowIdPosition(text: string): string | undefined {
  return parseRowId(text);
}

/**
 * "<transaction id>.<row id>" (PostgreSQL). A bare row id, as Last-Event-ID held before positions,
 * stands for that row among the rows stored before migration 4 (transaction id 0).
 */
export function parseTransactionPosition(text: string): string | undefined {
  const match = /^(?:(\d{1,20})\.)?(\d{1,19})$/.exec(text);
  if (!match) return undefined;
  const xid = BigInt(match[1] ?? "0");
  const rowId = parseRowId(match[2]);
  return xid < 2n ** 64n && rowId !== undefined ? `${xid}.${rowId}` : undefined;
}

/** Orders positions of one store: component by component, as numbers. */
export function comparePositions(a: string, b: string): number {
  const x = a.split(".").map(BigInt);
  const y = b.split(".").map(BigInt);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0n) - (y[i] ?? 0n);
    if (difference !== 0n) return difference < 0n ? -1 : 1;
  }
  return 0;
}
