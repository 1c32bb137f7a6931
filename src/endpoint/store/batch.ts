/** Folding a batch so each (channel, event id) is written once, however often it arrived in the batch. */
import { storableDelivery, type RowSource } from "./columns";
import { storableText } from "./storable";
import type { Delivery, DeliveryOutcome } from "./types";

export interface FoldedDelivery {
  /**
   * The first delivery of this key in the batch, its channel, id and facts made storable (see
   * storable.ts): its body and headers are the ones kept.
   */
  first: Delivery;
  /** Index of each delivery of this key in the batch, first one first. */
  positions: number[];
  lastReceivedAt: number;
}

/** The (channel, event id) pair as the stores keep it, so a row read back finds its deliveries. */
export function deliveryKey(channel: string, eventId: string): string {
  return JSON.stringify([storableText(channel), storableText(eventId)]);
}

/** What the row of a folded delivery is made from. */
export function rowSource(folded: FoldedDelivery): RowSource {
  return { delivery: folded.first, receiptCount: folded.positions.length, lastReceivedAt: folded.lastReceivedAt };
}

export function foldBatch(deliveries: Delivery[]): FoldedDelivery[] {
  const byKey = new Map<string, FoldedDelivery>();
  deliveries.forEach((delivery, index) => {
    const key = deliveryKey(delivery.channel, delivery.eventId);
    const folded = byKey.get(key);
    if (folded) {
      folded.positions.push(index);
      folded.lastReceivedAt = Math.max(folded.lastReceivedAt, delivery.receivedAt);
    } else {
      byKey.set(key, { first: storableDelivery(delivery), positions: [index], lastReceivedAt: delivery.receivedAt });
    }
  });
  return [...byKey.values()];
}

/**
 * Spreads one stored row's result over the deliveries it folded: only the first delivery of a
 * newly inserted row is new, every other one is a duplicate.
 */
export function spreadOutcome(
  outcomes: DeliveryOutcome[],
  folded: FoldedDelivery,
  row: { rowId: string; receiptCount: number },
): void {
  const inserted = row.receiptCount === folded.positions.length;
  folded.positions.forEach((position, i) => {
    const isNew = inserted && i === 0;
    outcomes[position] = {
      duplicate: !isNew,
      receiptCount: row.receiptCount,
      rowId: row.rowId,
    };
  });
}
