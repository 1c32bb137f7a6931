/** Turning stored rows into API shapes, shared by both stores. */
import { COLUMN_LIST, readColumns } from "./columns";
import type { EventPage, EventSummary, StoredEvent } from "./types";

/** A row as a driver returns it: the columns of columns.ts by name, and each store's own. */
export interface EventRow extends Record<string, unknown> {
  id: string | number | bigint;
  received_at: number | string;
  /** Read by stores whose position is not the row id (PostgreSQL). */
  position?: string | null;
}

/** Columns of the list query; body and headers are read only for a single event. */
export const SUMMARY_COLUMNS = `id, ${COLUMN_LIST}`;

export function toSummary(row: EventRow): EventSummary {
  return { rowId: String(row.id), position: row.position ?? String(row.id), ...readColumns(row) };
}

/** A single event: its summary, with the body and headers as text (a store decodes them first if it must). */
export function toStoredEvent(row: EventRow & { body: string; headers: string }): StoredEvent {
  return { ...toSummary(row), body: row.body, headers: JSON.parse(row.headers) as Record<string, string> };
}

/** Rows are fetched with limit + 1 so the page knows whether another one follows. */
export function pageOf(rows: EventRow[], limit: number): EventPage {
  const events = rows.slice(0, limit).map(toSummary);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { events, next: last && { receivedAt: Number(last.received_at), rowId: String(last.id) } };
}
