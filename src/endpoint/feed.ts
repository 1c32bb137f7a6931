/**
 * Newly stored events, announced after their commit in position order, for the Server-Sent Events
 * stream: on SQLite the ones this process's writer stored (publish); on PostgreSQL every replica's,
 * as the store's commit follower reads them (publishSummaries).
 */
import { EventEmitter } from "node:events";
import { columnFieldsOf } from "./store/columns";
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

/** publish() is used only where row ids follow commit order (SQLite), so the row id is the position. */
function summaryOf(delivery: Delivery, outcome: DeliveryOutcome): EventSummary {
  const fields = columnFieldsOf({ delivery, receiptCount: outcome.receiptCount, lastReceivedAt: delivery.receivedAt });
  return { rowId: outcome.rowId, position: outcome.rowId, ...fields };
}
