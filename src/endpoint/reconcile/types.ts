/** What a reconciliation run reads and writes in the endpoint's store, and what it reports. */
import type { Delivery, DeliveryOutcome } from "../store/types";
import type { DropWindow, StatusObservation } from "./subscriptions";

/** Why an event Azure DevOps knows of could not be put back. */
export type UnrecoverableReason =
  /** Its notification's details are gone (Azure DevOps keeps them about 7 days). */
  | "older_than_history"
  /** History holds a "Truncated" resource and the event type cannot be rebuilt from Git. */
  | "truncated_not_rebuildable"
  /** Dropped while on probation or disabled (no trace, so no count: the window is given), of a type Git cannot give back. */
  | "event_type_not_rebuildable"
  /** The token's user may not view the subscription's diagnostics (not its creator nor a project admin). */
  | "history_scrubbed";

export interface Unrecoverable {
  reason: UnrecoverableReason;
  eventId?: string;
  notificationId?: number;
  createdDate?: string;
  /** For events Azure DevOps dropped: the span in which it did. */
  window?: DropWindow;
}

export interface SubscriptionReport {
  subscriptionId: string;
  eventType: string;
  channel: string;
  status: string;
  /** Spans in which Azure DevOps dropped new events (on probation or disabled), from the recorded status history. */
  droppedWindows: DropWindow[];
  /** Azure DevOps's history summary: notifications by result over all the history it keeps. */
  azureDevOps: Record<string, number>;
  /** Events of this type on this channel the endpoint holds, received within the window. */
  held: number;
  /**
   * Failed or pending notifications of the window, each once per event:
   * unsettled = alreadyHeld + recovered + truncated + the unrecoverable ones read from history.
   */
  history: { unsettled: number; alreadyHeld: number; recovered: number; truncated: number };
  /** Git changes of the window the subscription's filters match: changes = alreadyHeld + rebuilt. Absent for types Git cannot give back. */
  git?: { changes: number; alreadyHeld: number; rebuilt: number };
  unrecoverable: Unrecoverable[];
  /** Filters the rebuild could not apply (a rebuilt event may be one Azure DevOps would have filtered out). */
  notChecked: string[];
}

export type RunResult = "succeeded" | "failed" | "interrupted" | "running";

export interface RunRecord {
  id: number;
  startedAt: string;
  endedAt?: string;
  result: RunResult;
  error?: string;
  /** Azure DevOps REST calls the run made. */
  calls?: number;
  subscriptions?: SubscriptionReport[];
}

/** The store's side of reconciliation; SQLite and PostgreSQL implement it. */
export interface ReconcileLedger {
  hasEvent(channel: string, eventId: string): Promise<boolean>;
  hasNaturalKey(channel: string, naturalKey: string): Promise<boolean>;
  countEvents(channel: string, eventType: string, receivedSince: number): Promise<number>;
  /** Appends each observation that differs from the subscription's latest one. */
  observeStatus(observations: StatusObservation[]): Promise<void>;
  /** Oldest first. */
  statusHistory(subscriptionId: string): Promise<StatusObservation[]>;
  /** Records a run as started; a run still marked running from a killed process becomes interrupted. */
  beginRun(startedAt: number): Promise<number>;
  finishRun(run: RunRecord): Promise<void>;
  lastRun(): Promise<RunRecord | undefined>;
  lastSuccessfulRun(): Promise<RunRecord | undefined>;
  /**
   * Runs `work` while holding the reconciliation lock, or resolves { ran: false } at once when
   * another process holds it (PostgreSQL replicas: an advisory lock).
   */
  exclusively<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** Stores a recovered or rebuilt event like a delivery (group commit, streams, dedup). */
export type RecordDelivery = (delivery: Delivery) => Promise<DeliveryOutcome>;
