/** Turning stored rows into API shapes, shared by both stores. */
import type { EventPage, EventSummary, StoredEvent } from "./types";

export interface EventRow {
  id: string | number | bigint;
  channel: string;
  event_id: string;
  event_type: string;
  known: number | boolean;
  project_id: string | null;
  repository_id: string | null;
  repository_name: string | null;
  refs: string | string[];
  pull_request_id: number | null;
  actor: string | null;
  created_date: string | null;
  received_at: number | string;
  last_received_at: number | string;
  receipt_count: number;
  body?: string;
  headers?: string;
  /** Read by stores whose position is not the row id (PostgreSQL). */
  position?: string;
}

/** Columns of the list query; body and headers are read only for a single event. */
export const SUMMARY_COLUMNS =
  "id, channel, event_id, event_type, known, project_id, repository_id, repository_name, refs, " +
  "pull_request_id, actor, created_date, received_at, last_received_at, receipt_count";

export function toSummary(row: EventRow): EventSummary {
  return {
    rowId: String(row.id),
    position: row.position ?? String(row.id),
    channel: row.channel,
    id: row.event_id,
    eventType: row.event_type,
    known: Boolean(row.known),
    projectId: row.project_id,
    repositoryId: row.repository_id,
    repositoryName: row.repository_name,
    refs: typeof row.refs === "string" ? (JSON.parse(row.refs) as string[]) : row.refs,
    pullRequestId: row.pull_request_id === null ? null : Number(row.pull_request_id),
    actor: row.actor,
    createdDate: row.created_date,
    receivedAt: new Date(Number(row.received_at)).toISOString(),
    lastReceivedAt: new Date(Number(row.last_received_at)).toISOString(),
    receiptCount: Number(row.receipt_count),
  };
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    ...toSummary(row),
    body: row.body ?? "",
    headers: JSON.parse(row.headers ?? "{}") as Record<string, string>,
  };
}

/** Rows are fetched with limit + 1 so the page knows whether another one follows. */
export function pageOf(rows: EventRow[], limit: number): EventPage {
  const events = rows.slice(0, limit).map(toSummary);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { events, next: last && { receivedAt: Number(last.received_at), rowId: String(last.id) } };
}
