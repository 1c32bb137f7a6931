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
