/**
 * Runs reconciliation in the background every interval and on demand, one run at a time in this
 * process and, through the ledger's lock, one at a time across PostgreSQL replicas. Each run is
 * recorded as started before it does anything, so a run a kill interrupted shows as such.
 */
import type { AdoClient } from "./client";
import { reconcileOnce, type RunContext } from "./run";
import type { ReconcileLedger, RecordDelivery, RunRecord, SubscriptionReport } from "./types";

export interface ReconcilerOptions {
  client: AdoClient;
  ledger: ReconcileLedger;
  record: RecordDelivery;
  publicUrls: string[];
  windowMs: number;
  intervalMs: number;
  /** Told after each run this process made (not when another replica held the lock). */
  onRun?: (run: RunRecord) => void;
  onError?: (error: Error) => void;
}

export type RunStart = { started: true; run: Promise<RunRecord | undefined> } | { started: false; reason: "running" };

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<RunRecord | undefined> | undefined;
  private readonly abort = new AbortController();
  private collectionId: string | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  start(): void {
    const tick = () => {
      const start = this.runNow();
      if (start.started) start.run.catch((error: Error) => this.options.onError?.(error));
    };
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Starts a run unless one is under way in this process; resolves undefined when another replica runs one. */
  runNow(): RunStart {
    if (this.current) return { started: false, reason: "running" };
    const run = this.runExclusively().finally(() => {
      this.current = undefined;
    });
    this.current = run;
    return { started: true, run };
  }

  private async runExclusively(): Promise<RunRecord | undefined> {
    const attempt = await this.options.ledger.exclusively(() => this.runRecorded());
    return attempt.ran ? attempt.value : undefined;
  }

  private async runRecorded(): Promise<RunRecord> {
    const { ledger, client } = this.options;
    const startedAt = Date.now();
    const id = await ledger.beginRun(startedAt);
    const callsBefore = client.calls;
    let run: RunRecord;
    try {
      const subscriptions = await reconcileOnce(await this.context());
      run = this.record(id, startedAt, "succeeded", client.calls - callsBefore, subscriptions);
    } catch (error) {
      // Cut short by shutdown, the run is interrupted like one a kill stopped; the next one resumes it.
      const result = this.abort.signal.aborted ? "interrupted" : "failed";
      run = { ...this.record(id, startedAt, result, client.calls - callsBefore), error: (error as Error).message };
    }
    await ledger.finishRun(run);
    this.options.onRun?.(run);
    return run;
  }

  private record(id: number, startedAt: number, result: RunRecord["result"], calls: number, subscriptions?: SubscriptionReport[]): RunRecord {
    return { id, startedAt: new Date(startedAt).toISOString(), endedAt: new Date().toISOString(), result, calls, subscriptions };
  }

  private async context(): Promise<RunContext> {
    const { client, ledger, record, publicUrls, windowMs } = this.options;
    this.collectionId ??= (await client.whoAmI(this.abort.signal)).instanceId;
    return { client, ledger, record, publicUrls, windowMs, collectionId: this.collectionId, signal: this.abort.signal };
  }

  /** Resolves once the run under way (if any) has ended, whatever its result. */
  async idle(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  /** Stops the schedule and cancels a run under way (it resumes on the next start). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.current?.catch(() => undefined);
  }
}
