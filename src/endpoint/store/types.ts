/** The one storage contract the endpoint needs; SQLite and PostgreSQL implement it. */
import type { EventFacts } from "../../contract/facts";

/** One POST as received, before it is stored. */
export interface Delivery {
  /** "" for POST /hooks, the path segment for POST /hooks/:channel. */
  channel: string;
  eventId: string;
  facts: EventFacts;
  /** The request body exactly as received (UTF-8 text). */
  body: string;
  /** Received headers, Authorization already removed. */
  headers: Record<string, string>;
  /** Milliseconds since the epoch. */
  receivedAt: number;
}

export interface DeliveryOutcome {
  /** True when the (channel, event id) pair was already stored, by an earlier batch or earlier in this one. */
  duplicate: boolean;
  receiptCount: number;
  /** Store row id of the (channel, event id) pair. */
  rowId: string;
}

/** What the read API lists; the body and headers only come with a single event. */
export interface EventSummary {
  rowId: string;
  channel: string;
  id: string;
  eventType: string;
  known: boolean;
  projectId: string | null;
  repositoryId: string | null;
  repositoryName: string | null;
  refs: string[];
  pullRequestId: number | null;
  actor: string | null;
  createdDate: string | null;
  receivedAt: string;
  lastReceivedAt: string;
  receiptCount: number;
}

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

export interface EventStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * Stores a batch in one transaction and returns one outcome per delivery, in order.
   * Resolves only once the transaction is durably committed.
   */
  recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]>;
  query(query: EventQuery): Promise<EventPage>;
  /** The newest delivery of this event id, on the given channel when one is given. */
  get(eventId: string, channel?: string): Promise<StoredEvent | undefined>;
  /** Deletes one bounded chunk of rows outside the retention window; returns how many. */
  prune(step: PruneStep): Promise<number>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
