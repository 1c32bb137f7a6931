/** The one storage contract the endpoint needs; SQLite and PostgreSQL implement it. */
import type { EventFacts } from "../../contract/facts";
import type { ColumnFields } from "./columns";
import type { ReconcileLedger } from "../reconcile/types";
import type { StoredContent } from "./content";

/**
 * How an event came to be stored: delivered by Azure DevOps, recovered from its notification history
 * (the original event, its original id), or rebuilt from the Git REST API (see ../reconcile).
 */
export const EVENT_ORIGINS = ["delivered", "recovered", "rebuilt"] as const;
export type EventOrigin = (typeof EVENT_ORIGINS)[number];

/** A body as received: its UTF-8 bytes (POST /hooks), or text (events the endpoint builds itself). */
export type RawBody = string | Uint8Array;

const utf8 = new TextDecoder();

/** The body as text; the bytes of a received one were checked to be UTF-8 when it arrived. */
export function bodyText(body: RawBody): string {
  return typeof body === "string" ? body : utf8.decode(body);
}

/** One POST as received, before it is stored. */
export interface Delivery {
  /** "" for POST /hooks, the path segment for POST /hooks/:channel. */
  channel: string;
  eventId: string;
  facts: EventFacts;
  /** The request body exactly as received. */
  body: RawBody;
  /** Received headers, Authorization already removed. */
  headers: Record<string, string>;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  /** "delivered" when absent. */
  origin?: EventOrigin;
  /**
   * The Git change the event reports (../../contract/naturalKey.ts): a second event with the same key
   * on the channel is a receipt of the first, and an original supersedes a rebuilt one.
   */
  naturalKey?: string;
  /**
   * The body and headers as the SQLite store keeps them (content.ts), once its `prepare` made them;
   * `body` and `headers` are then empty.
   */
  content?: StoredContent;
}

export interface DeliveryOutcome {
  /** True when the (channel, event id) pair was already stored, by an earlier batch or earlier in this one. */
  duplicate: boolean;
  receiptCount: number;
  /** Store row id of the (channel, event id) pair. */
  rowId: string;
}

/**
 * What the read API lists: the row, its position and the fields of the stored columns (columns.ts,
 * which says what each one holds); the body and headers only come with a single event.
 */
export type EventSummary = {
  rowId: string;
  /**
   * Where the event stands in commit order: a reader that has everything up to a position and asks
   * for what comes after it misses nothing. The row id on SQLite; "<transaction id>.<row id>" on
   * PostgreSQL. Compare positions with comparePositions (../cursor.ts), never as text.
   */
  position: string;
} & ColumnFields;

export interface StoredEvent extends EventSummary {
  body: string;
  headers: Record<string, string>;
}

export interface EventFilter {
  eventType?: string;
  channel?: string;
  /** Matches the repository id or its name. */
  repository?: string;
  /** A full ref name ("refs/heads/main"); the route normalises short branch names. */
  ref?: string;
  pullRequestId?: number;
  actor?: string;
  projectId?: string;
  origin?: EventOrigin;
  /** Received at or after, milliseconds since the epoch. */
  since?: number;
  /** Received before, milliseconds since the epoch. */
  until?: number;
}

/** Keyset position: the last row of the previous page. */
export interface PagePosition {
  receivedAt: number;
  rowId: string;
}

export interface EventQuery extends EventFilter {
  limit: number;
  after?: PagePosition;
}

export interface EventPage {
  events: EventSummary[];
  /** Where the next page starts, or undefined on the last page. */
  next?: PagePosition;
}

export interface PruneStep {
  /** Delete rows received before this time (ms). */
  receivedBefore?: number;
  /** Keep at most this many newest rows. */
  maxRows?: number;
  /** Delete at most this many rows in this step, so other work can run in between. */
  limit: number;
}

/** The filters a Server-Sent Events stream takes; they apply to its replay too. */
export type StreamFilter = Pick<EventFilter, "eventType" | "channel">;

/** Receives every event committed to a store that several processes write (PostgreSQL replicas). */
export interface CommitWatcher {
  /** Events in position order, each once, whichever process stored them. */
  onEvents(events: EventSummary[]): void;
  /** The watch lost its connection or could not read; it keeps trying by itself. */
  onError(error: Error): void;
}

export interface EventStore {
  readonly kind: "sqlite" | "postgres";
  /** Reconciliation's records (status history, runs) and the lookups it makes before it stores. */
  readonly ledger: ReconcileLedger;
  /**
   * Stores a batch in one transaction and returns one outcome per delivery, in order.
   * Resolves only once the transaction is durably committed.
   */
  recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]>;
  /**
   * The delivery as the writer holds it until its commit, if the store can make it smaller at once:
   * SQLite compresses a large body and its headers then, so it is not held whole while it waits.
   */
  prepare?(delivery: Delivery): Delivery;
  query(query: EventQuery): Promise<EventPage>;
  /** The newest delivery of this event id, on the given channel when one is given. */
  get(eventId: string, channel?: string): Promise<StoredEvent | undefined>;
  /** Deletes one bounded chunk of rows outside the retention window; returns how many. */
  prune(step: PruneStep): Promise<number>;
  /**
   * At most `limit` events after `position` (one parsePosition returned), oldest first. A reader that
   * goes on from the last position it got misses no committed event and gets none twice, however
   * many processes write: events whose turn has not come yet are held back until it has.
   */
  eventsAfter(position: string, filter: EventFilter, limit: number): Promise<EventSummary[]>;
  /** The position `text` names in this store's form, or undefined when it is not one. */
  parsePosition(text: string): string | undefined;
  /**
   * Only on stores that other processes may write to at the same time (PostgreSQL): calls the
   * watcher with every event committed from now on, in position order, this process's own included.
   * Resolves once the first attempt to start watching has ended, whether it succeeded or is being
   * retried; the function it resolves to stops the watch.
   */
  followCommits?(watcher: CommitWatcher): Promise<() => Promise<void>>;
  /** Throws when the store cannot be reached, or cannot commit (SQLite: a read-only file). */
  ping(): Promise<void>;
  /** How commits are made durable, as the connection that commits runs them (shown on /readyz). */
  durability?(): Promise<Record<string, string>>;
  close(): Promise<void>;
}
