/**
 * How a PostgreSQL replica follows every commit, its own and the other replicas'. A CommitFollower
 * reads the events after the last position it published, in position order (see postgres.ts), and
 * hands them to its watcher; so it misses nothing and publishes nothing twice, whichever order
 * transactions commit in and whatever connection it lost meanwhile.
 *
 * It reads when told to: after each batch this replica commits (`poke`), on a NOTIFY on
 * EVENTS_CHANNEL (every replica sends one after each batch it commits), after its LISTEN connection
 * came back, and every `idlePollMs` in case a writer died between its commit and its NOTIFY. While
 * committed events are held back behind a transaction still in flight, it reads again every
 * `heldBackPollMs`: that transaction may abort, and an abort notifies no one.
 */
import { Client } from "pg";
import type { CommitWatcher, EventSummary } from "./types";

export const EVENTS_CHANNEL = "hookrelay_events";
const READ_PAGE = 1000;

export interface FollowRead {
  /** The next events after the position, oldest first. */
  events: EventSummary[];
  /** True when committed events exist that are held back behind a transaction still in flight. */
  heldBack: boolean;
}

export interface FollowerOptions {
  connectionString: string;
  /** This process's id in the notifications it sends, and in the LISTEN connection's application_name. */
  writerId: string;
  watcher: CommitWatcher;
  /** The position of the newest event a reader may see now. */
  readHead(): Promise<string>;
  readAfter(position: string, limit: number): Promise<FollowRead>;
  /** Delay before the first reconnection, doubled after each failure up to maxMs. */
  retry: { firstMs: number; maxMs: number };
  heldBackPollMs: number;
  idlePollMs: number;
}

export class CommitFollower {
  private client: Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  /** The last position published; undefined until the head was read. */
  private position: string | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;

  constructor(private readonly options: FollowerOptions) {}

  /** Resolves once the first connection attempt ended; on failure it is retried in the background. */
  async start(): Promise<void> {
    try {
      this.position = await this.options.readHead();
    } catch (error) {
      this.report(error, "could not read the newest position");
    }
    await this.connect();
    this.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pollTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.reading;
  }

  /** Something may have committed: read what follows the last position (once more if a read runs). */
  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    clearTimeout(this.pollTimer);
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
      if (this.readAgain) {
        this.readAgain = false;
        this.poke();
      }
    });
  }

  /** A failure of this process's own notifications, reported where the follower reports its own. */
  reportError(error: Error): void {
    if (!this.stopped) this.options.watcher.onError(error);
  }

  private async readAll(): Promise<void> {
    let heldBack = false;
    try {
      this.position ??= await this.options.readHead();
      for (;;) {
        const read = await this.options.readAfter(this.position, READ_PAGE);
        if (this.stopped) return;
        heldBack = read.heldBack;
        if (read.events.length > 0) {
          this.position = read.events[read.events.length - 1].position;
          this.options.watcher.onEvents(read.events);
        }
        if (read.events.length < READ_PAGE) break;
      }
    } catch (error) {
      heldBack = true;
      this.report(error, "could not read the newly committed events");
    }
    if (this.stopped) return;
    const delay = heldBack ? this.options.heldBackPollMs : this.options.idlePollMs;
    this.pollTimer = setTimeout(() => this.poke(), delay);
    this.pollTimer.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: `hookrelay-listen-${this.options.writerId}`,
      connectionTimeoutMillis: 5000,
      // A peer that vanished without closing the socket is noticed, not waited on forever.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    let lost = false;
    const onLost = (error: Error) => {
      if (lost) return;
      lost = true;
      this.connectionLost(client, error);
    };
    // The error listener stays for the client's whole life: an error event without one would crash the process.
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("The LISTEN connection closed.")));
    client.on("notification", (message) => {
      // This process's own commits poke the follower directly.
      if (message.channel === EVENTS_CHANNEL && message.payload !== this.options.writerId) this.poke();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (lost || this.client !== client) return;
    this.failures = 0;
    // What committed while the connection was down.
    this.poke();
  }

  private connectionLost(client: Client, error: Error): void {
    void client.end().catch(() => undefined);
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.report(error, "the LISTEN connection failed; reconnecting");
    const delay = Math.min(this.options.retry.firstMs * 2 ** this.failures, this.options.retry.maxMs);
    this.failures += 1;
    // Up to a quarter more, so replicas that lost PostgreSQL together do not all come back at once.
    this.retryTimer = setTimeout(() => void this.connect(), delay * (1 + Math.random() / 4));
  }

  private report(error: unknown, context: string): void {
    if (this.stopped) return;
    const cause = error instanceof Error ? error.message : String(error);
    this.options.watcher.onError(new Error(`${context}: ${cause}`));
  }
}
