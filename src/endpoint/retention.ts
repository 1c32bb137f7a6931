/**
 * Background retention: deletes events older than `days` and beyond the newest `maxRows`, in
 * small chunks with a yield between them, so ingest keeps flowing while it runs.
 */
import type { EventStore } from "./store/types";

export interface RetentionOptions {
  days?: number;
  maxRows?: number;
  /** Time between sweeps. */
  intervalMs: number;
  /** Rows deleted per chunk. */
  chunkSize: number;
  onError?: (error: Error) => void;
  onSwept?: (deleted: number) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: RetentionOptions,
  ) {}

  get enabled(): boolean {
    return this.options.days !== undefined || this.options.maxRows !== undefined;
  }

  start(): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
    void this.sweep();
  }

  /** One full sweep; concurrent calls share the sweep in progress. Resolves to rows deleted. */
  sweep(): Promise<number> {
    this.running ??= this.sweepChunks().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepChunks(): Promise<number> {
    const { days, maxRows, chunkSize } = this.options;
    const receivedBefore = days === undefined ? undefined : Date.now() - days * DAY_MS;
    let total = 0;
    try {
      for (;;) {
        if (this.stopped) break;
        const deleted = await this.store.prune({ receivedBefore, maxRows, limit: chunkSize });
        total += deleted;
        if (deleted === 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    if (total > 0) this.options.onSwept?.(total);
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
