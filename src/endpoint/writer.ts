/**
 * Group commit: ingest requests queue their delivery here, and one flush at a time writes every
 * queued delivery in a single store transaction. Each request is answered only after the
 * transaction holding its delivery has committed, so a 2xx always means "durably stored", while
 * the cost of a commit (an fsync) is shared by every request that arrived in the meantime.
 *
 * One delivery never fails the others of its batch: when a batch fails and the store is not down,
 * the batch is split in halves and each is committed on its own, down to the one delivery the store
 * refused. That delivery is then stored without its facts (its raw body is all a reader needs), so
 * Azure DevOps is never asked to retry an event that could never be stored.
 */
import { isStoreOutage } from "./store/outage";
import { storableDelivery } from "./store/columns";
import { factless } from "./store/storable";
import type { Delivery, DeliveryOutcome, EventStore } from "./store/types";

export interface WriterOptions {
  /** Deliveries waiting beyond this are refused at once (the caller answers 503). */
  maxQueued: number;
  /** Upper bound on one transaction's size. */
  maxBatch: number;
  /** Called once per flush with what it stored, after the commit. */
  onCommitted?: (deliveries: Delivery[], outcomes: DeliveryOutcome[]) => void;
  /** Called when a delivery was stored without its facts because the store refused them. */
  onStoredWithoutFacts?: (delivery: Delivery, error: Error) => void;
}

/** The store is unreachable, failing or too far behind; the request may be retried later. */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: "overloaded" | "store_error" | "closed",
  ) {
    super(message);
    this.name = "StoreUnavailableError";
  }
}

interface Pending {
  delivery: Delivery;
  resolve(outcome: DeliveryOutcome): void;
  reject(error: Error): void;
}

export class DeliveryWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** The latest commit attempt's failure and when it happened; undefined once one succeeds (read by /readyz). */
  lastCommitFailure: { error: Error; at: number } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly options: WriterOptions,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  write(delivery: Delivery): Promise<DeliveryOutcome> {
    if (this.closed) return Promise.reject(new StoreUnavailableError("The endpoint is shutting down.", "closed"));
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new StoreUnavailableError("Too many deliveries are waiting to be stored.", "overloaded"));
    }
    return new Promise((resolve, reject) => {
      // Stored and announced to streams alike (see store/storable.ts); as small as the store can make it.
      const storable = storableDelivery(delivery);
      this.queue.push({ delivery: this.store.prepare?.(storable) ?? storable, resolve, reject });
      // setImmediate lets every request parsed in this turn of the event loop join the batch.
      if (!this.flushing) this.flushing = new Promise((done) => setImmediate(() => this.flushAll().then(done)));
    });
  }

  private async flushAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await this.flush(batch);
    }
    this.flushing = undefined;
  }

  private async flush(batch: Pending[]): Promise<void> {
    const deliveries = batch.map((p) => p.delivery);
    let outcomes: DeliveryOutcome[];
    try {
      outcomes = await this.store.recordBatch(deliveries);
    } catch (error) {
      await this.recover(batch, error as Error);
      return;
    }
    this.lastCommitFailure = undefined;
    batch.forEach((pending, i) => pending.resolve(outcomes[i]));
    this.options.onCommitted?.(deliveries, outcomes);
  }

  /** After a failed commit: fail the batch if the store is down, else isolate the delivery it refused. */
  private async recover(batch: Pending[], error: Error): Promise<void> {
    if (await this.storeIsDown(error)) {
      const failure = new StoreUnavailableError(`The store failed: ${error.message}`, "store_error");
      this.lastCommitFailure = { error: failure, at: Date.now() };
      for (const pending of batch) pending.reject(failure);
      return;
    }
    if (batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      await this.flush(batch.slice(0, middle));
      await this.flush(batch.slice(middle));
      return;
    }
    await this.storeWithoutFacts(batch[0], error);
  }

  private async storeIsDown(error: Error): Promise<boolean> {
    if (isStoreOutage(error)) return true;
    try {
      await this.store.ping();
      return false;
    } catch {
      return true;
    }
  }

  private async storeWithoutFacts(pending: Pending, refusal: Error): Promise<void> {
    const delivery = { ...pending.delivery, facts: factless(pending.delivery.facts) };
    let outcome: DeliveryOutcome;
    try {
      [outcome] = await this.store.recordBatch([delivery]);
    } catch (error) {
      const failure = new StoreUnavailableError(`The store refused the event: ${(error as Error).message}`, "store_error");
      if (await this.storeIsDown(error as Error)) this.lastCommitFailure = { error: failure, at: Date.now() };
      pending.reject(failure);
      return;
    }
    this.lastCommitFailure = undefined;
    this.options.onStoredWithoutFacts?.(pending.delivery, refusal);
    pending.resolve(outcome);
    this.options.onCommitted?.([delivery], [outcome]);
  }

  /** Refuses new deliveries and waits until the queued ones are stored. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
  }
}
