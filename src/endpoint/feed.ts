/** Newly stored events, announced after their commit, for the Server-Sent Events stream. */
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
    deliveries.forEach((delivery, i) => {
      if (!outcomes[i].duplicate) this.emitter.emit("event", summaryOf(delivery, outcomes[i]));
    });
  }

  subscribe(listener: (event: EventSummary) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}

function summaryOf(delivery: Delivery, outcome: DeliveryOutcome): EventSummary {
  const { facts } = delivery;
  const receivedAt = new Date(delivery.receivedAt).toISOString();
  return {
    rowId: outcome.rowId,
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
