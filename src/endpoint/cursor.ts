/** Opaque page cursors: base64url of the last row's position. */
import { RequestError } from "./errors";
import type { PagePosition } from "./store/types";

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.rowId])).toString("base64url");
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const [receivedAt, rowId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (Number.isSafeInteger(receivedAt) && typeof rowId === "string" && /^\d{1,19}$/.test(rowId)) {
      return { receivedAt: receivedAt as number, rowId };
    }
  } catch {
    // falls through to the error below
  }
  throw new RequestError(400, "invalid_cursor", "The cursor is not one this endpoint returned.");
}
