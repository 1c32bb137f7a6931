/**
 * Loads delivery health only for the subscriptions the page asks about (the rows on screen), in as
 * few NotificationsQuery requests as the batch size allows: the ids asked for within `windowMs` of
 * the first one go into the same batch (the table fills the screen over a few frames, and a scroll
 * brings rows in over many), and no id is asked for twice.
 */
import { describeProblem } from "../model/errors";
import type { DeliveryHealth, RowHealth } from "../model/notifications";
import { HEALTH_BATCH_SIZE } from "./HooksService";

export type HealthBatch = (subscriptionIds: string[]) => Promise<Map<string, DeliveryHealth>>;

export class HealthLoader {
  private readonly asked = new Set<string>();
  private waiting: string[] = [];
  private closed = false;

  constructor(
    private readonly load: HealthBatch,
    /** Receives each batch's health by lower-case subscription id, including the ids that failed. */
    private readonly onLoaded: (health: Map<string, RowHealth>) => void,
    private readonly batchSize = HEALTH_BATCH_SIZE,
    private readonly windowMs = 100,
  ) {}

  request(subscriptionIds: Iterable<string>): void {
    const wasIdle = this.waiting.length === 0;
    for (const id of subscriptionIds) {
      const key = id.toLowerCase();
      if (this.asked.has(key)) continue;
      this.asked.add(key);
      this.waiting.push(key);
    }
    if (wasIdle && this.waiting.length > 0) setTimeout(() => this.flush(), this.windowMs);
  }

  /** Ask again, e.g. after a test delivery added to the subscription's history. */
  reload(subscriptionId: string): void {
    this.asked.delete(subscriptionId.toLowerCase());
    this.request([subscriptionId]);
  }

  /** Drop answers still in flight: the list they belong to was replaced or the page closed. */
  close(): void {
    this.closed = true;
  }

  private flush(): void {
    const ids = this.waiting;
    this.waiting = [];
    for (let start = 0; start < ids.length && !this.closed; start += this.batchSize) {
      const batch = ids.slice(start, start + this.batchSize);
      this.load(batch).then(
        (health) => this.deliver(health),
        (error: unknown) => this.deliver(new Map(batch.map((id) => [id, { unavailable: describeProblem(error).title }]))),
      );
    }
  }

  private deliver(health: Map<string, RowHealth>): void {
    if (!this.closed) this.onLoaded(health);
  }
}
