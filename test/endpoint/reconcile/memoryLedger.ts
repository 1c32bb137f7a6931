/** A ledger and event record in memory, for tests of one reconciliation step against the stand-in. */
import type { Delivery, DeliveryOutcome } from "../../../src/endpoint/store/types";
import type { StatusObservation } from "../../../src/endpoint/reconcile/subscriptions";
import type { ReconcileLedger, RunRecord } from "../../../src/endpoint/reconcile/types";

export class MemoryLedger implements ReconcileLedger {
  readonly stored: Delivery[] = [];
  private readonly observations: StatusObservation[] = [];
  private readonly runs: RunRecord[] = [];

  /** Stores like the real stores: one event per (channel, id) and per (channel, natural key). */
  record = async (delivery: Delivery): Promise<DeliveryOutcome> => {
    const existing = this.stored.findIndex(
      (d) => d.channel === delivery.channel && (d.eventId === delivery.eventId || (delivery.naturalKey !== undefined && d.naturalKey === delivery.naturalKey)),
    );
    if (existing >= 0) return { duplicate: true, receiptCount: 2, rowId: String(existing + 1) };
    this.stored.push(delivery);
    return { duplicate: false, receiptCount: 1, rowId: String(this.stored.length) };
  };

  async hasEvent(channel: string, eventId: string) {
    return this.stored.some((d) => d.channel === channel && d.eventId === eventId);
  }

  async hasNaturalKey(channel: string, naturalKey: string) {
    return this.stored.some((d) => d.channel === channel && d.naturalKey === naturalKey);
  }

  async countEvents(channel: string, eventType: string, receivedSince: number) {
    return this.stored.filter((d) => d.channel === channel && d.facts.eventType === eventType && d.receivedAt >= receivedSince).length;
  }

  async observeStatus(observations: StatusObservation[]) {
    this.observations.push(...observations);
  }

  async statusHistory(subscriptionId: string) {
    return this.observations.filter((o) => o.subscriptionId === subscriptionId);
  }

  async beginRun(startedAt: number) {
    this.runs.push({ id: this.runs.length + 1, startedAt: new Date(startedAt).toISOString(), result: "running" });
    return this.runs.length;
  }

  async finishRun(run: RunRecord) {
    this.runs[run.id - 1] = run;
  }

  async lastRun() {
    return this.runs[this.runs.length - 1];
  }

  async lastSuccessfulRun() {
    return [...this.runs].reverse().find((run) => run.result === "succeeded");
  }

  async exclusively<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    return { ran: true, value: await work() };
  }
}
