/**
 * Newly stored events, announced after their commit in position order, for the Server-Sent Events
 * stream: on SQLite the ones this process's writer stored (publish); on PostgreSQL every replica's,
 * as the store's commit follower reads them (publishSummaries).
 */
import { EventEmitter } from "node:events";
import type { Delivery, DeliveryOutcome, EventSummary } from "./store/types";

export class EventFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open stream; the number of streams is not a leak.
    this.emitter.setMaxListeners(0);
  }

  publish(deliveries: Delivery[], outcomes: DeliveryOutcome[]): void {
    if (this.emitter.listenerCount("event") === 0) return;
    const stored = deliveries.flatMap((delivery, i) => (outcomes[i].duplicate ? [] : [summaryOf(delivery, outcomes[i])]));
    // Positions ascend in what a stream sends, so a client that resumes from the last one it saw
    // (Last-Event-ID) misses nothing that came before it.
    stored.sort(byRowId);
    this.publishSummaries(stored);
  }

  /** Events already in API shape, in the order given. */
  publishSummaries(events: EventSummary[]): void {
    for (const event of events) this.emitter.emit("event", event);
  }

  subscribe(listener: (event: EventSummary) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}

function byRowId(a: EventSummary, b: EventSummary): number {
  const difference = BigInt(a.rowId) - BigInt(b.rowId);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function summaryOf(delivery: Delivery, outcome: DeliveryOutcome): EventSummary {
  const { facts } = delivery;
  const receivedAt = new Date(delivery.receivedAt).toISOString();
  return {
    rowId: outcome.rowId,
    // publish() is used only where row ids follow commit order (SQLite), so the row id is the position.
    position: outcome.rowId,
    channel: delivery.channel,
    id: delivery.eventId,
    eventType: facts.eventType,
    known: facts.known,
    projectId: facts.projectId ?? null,
    repositoryId: facts.repositoryId ?? null,
    repositoryName: facts.repositoryName ?? null,
    refs: facts.refs,
    pullRequestId: facts.pullRequestId ?? null,
    actor: facts.actor ?? null,
    createdDate: facts.createdDate ?? null,
    receivedAt,
    lastReceivedAt: receivedAt,
    receiptCount: outcome.receiptCount,
  };
}
