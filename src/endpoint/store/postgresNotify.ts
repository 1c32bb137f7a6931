/**
 * How PostgreSQL replicas see each other's events. After each committed batch the storing replica
 * sends NOTIFY on EVENTS_CHANNEL with its writer id and the new row ids; every replica keeps one
 * dedicated LISTEN connection (a ForeignEventListener), ignores its own notifications (its writer
 * already announced those rows) and reads the summaries of the others' rows through the pool.
 *
 * Notifications are not queued for a connection that is down. When the LISTEN connection comes
 * back, the listener reads the rows stored since the highest row id it had seen (the gap) and
 * announces the ones that neither this replica stored nor a notification already brought. That
 * catch-up is exact on one PostgreSQL writer; with several, a row whose id was taken before the
 * gap but committed during it is not caught up (ids are taken before commit; see postgres.ts).
 */
import { Client } from "pg";
import type { EventSummary, ForeignEventWatcher } from "./types";

export const EVENTS_CHANNEL = "hookrelay_events";
/** PostgreSQL refuses a payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;
/** Rows read after the LISTEN connection came back, at most; the rest are reported, not announced. */
export const CATCH_UP_LIMIT = 10_000;
const CATCH_UP_PAGE = 1000;
/** Own rows remembered while behind, at most; past this the gap is given up (and reported). */
const MAX_OWN_WHILE_BEHIND = 100_000;
/** Foreign rows remembered as announced, so a catch-up and a late notification do not both announce one. */
const ANNOUNCED_MEMORY = 2 * CATCH_UP_LIMIT;

/** Payloads "<writerId>:<id>,<id>,…", each under the size limit, together holding every id once. */
export function notificationPayloads(writerId: string, rowIds: string[]): string[] {
  const payloads: string[] = [];
  let ids: string[] = [];
  let size = writerId.length + 1;
  for (const id of rowIds) {
    const added = (ids.length === 0 ? 0 : 1) + id.length;
    if (ids.length > 0 && size + added > MAX_PAYLOAD_BYTES) {
      payloads.push(`${writerId}:${ids.join(",")}`);
      ids = [];
      size = writerId.length + 1;
    }
    size += ids.length === 0 ? id.length : added;
    ids.push(id);
  }
  if (ids.length > 0) payloads.push(`${writerId}:${ids.join(",")}`);
  return payloads;
}

/** Undefined for a payload Hook Relay did not send (anyone may NOTIFY on the channel). */
export function parseNotification(payload: string): { writerId: string; rowIds: string[] } | undefined {
  const match = /^([0-9a-f]{1,64}):(\d{1,19}(?:,\d{1,19})*)$/.exec(payload);
  return match ? { writerId: match[1], rowIds: match[2].split(",") } : undefined;
}

export interface ListenerOptions {
  connectionString: string;
  /** This replica's id in the notifications it sends. */
  writerId: string;
  watcher: ForeignEventWatcher;
  /** Summaries of these rows, ascending by id; rows deleted meanwhile are missing. */
  readRows(rowIds: string[]): Promise<EventSummary[]>;
  /** Rows after this id, ascending, at most `limit`. */
  readAfter(rowId: string, limit: number): Promise<EventSummary[]>;
  /** The highest row id stored so far ("0" when none). */
  readMaxId(): Promise<string>;
  /** Resolves once every batch this replica has sent to the database so far has been noted (noteOwn). */
  ownWritesSettled(): Promise<void>;
  /** Delay before the first reconnection, doubled after each failure up to maxMs. */
  retry: { firstMs: number; maxMs: number };
}

export class ForeignEventListener {
  private client: Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  /** Notifications and catch-ups, one at a time, in the order they arrived. */
  private work: Promise<void> = Promise.resolve();
  /** The highest row id seen: own rows while not behind, every announced foreign row. */
  private watermark: bigint | undefined;
  /** True from a lost connection (or the start) until the catch-up after the next connection ran. */
  private behind = true;
  /** The watermark when this replica fell behind; undefined when it was not known. */
  private gapFrom: bigint | undefined;
  /** Rows this replica stored while behind; undefined once there were too many to remember. */
  private ownWhileBehind: Set<string> | undefined = new Set();
  private ownMaxWhileBehind: bigint | undefined;
  private readonly announced = new RecentIds(ANNOUNCED_MEMORY);

  constructor(private readonly options: ListenerOptions) {}

  /** Resolves once the first connection attempt ended; on failure it is retried in the background. */
  async start(): Promise<void> {
    try {
      this.gapFrom = BigInt(await this.options.readMaxId());
    } catch (error) {
      this.report(error, "could not read the newest row id");
    }
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.work;
  }

  /** Rows this replica stored: never announced here, and they move the watermark. */
  noteOwn(rowIds: string[]): void {
    if (!this.behind) {
      for (const id of rowIds) this.raiseWatermark(BigInt(id));
      return;
    }
    // While behind, the watermark stays where the gap starts; the catch-up skips these rows.
    for (const id of rowIds) {
      const value = BigInt(id);
      if (this.ownMaxWhileBehind === undefined || value > this.ownMaxWhileBehind) this.ownMaxWhileBehind = value;
      this.ownWhileBehind?.add(id);
    }
    if (this.ownWhileBehind && this.ownWhileBehind.size > MAX_OWN_WHILE_BEHIND) this.ownWhileBehind = undefined;
  }

  /** A failure of this process's own notifications, reported where the watch reports its own. */
  reportError(error: Error): void {
    if (!this.stopped) this.options.watcher.onError(error);
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
      if (message.channel === EVENTS_CHANNEL && message.payload) this.enqueue(() => this.announceNotified(message.payload!));
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
    this.enqueue(() => this.catchUp(client));
  }

  private connectionLost(client: Client, error: Error): void {
    void client.end().catch(() => undefined);
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.fallBehind();
    this.report(error, "the LISTEN connection failed; reconnecting");
    const delay = Math.min(this.options.retry.firstMs * 2 ** this.failures, this.options.retry.maxMs);
    this.failures += 1;
    // Up to a quarter more, so replicas that lost PostgreSQL together do not all come back at once.
    this.retryTimer = setTimeout(() => void this.connect(), delay * (1 + Math.random() / 4));
  }

  private fallBehind(): void {
    if (this.behind) return;
    this.behind = true;
    this.gapFrom = this.watermark;
    this.ownWhileBehind = new Set();
    this.ownMaxWhileBehind = undefined;
  }

  private async announceNotified(payload: string): Promise<void> {
    const notification = parseNotification(payload);
    if (!notification || notification.writerId === this.options.writerId) return;
    const fresh = notification.rowIds.filter((id) => !this.announced.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.raiseWatermark(BigInt(id));
    this.announce(await this.options.readRows(fresh));
  }

  /** Announces the foreign rows stored while the LISTEN connection was down, then follows notifications alone. */
  private async catchUp(client: Client): Promise<void> {
    try {
      if (this.gapFrom === undefined) this.raiseWatermark(BigInt(await this.options.readMaxId()));
      else await this.readGap(this.gapFrom);
    } catch (error) {
      this.report(error, "could not stream the events other replicas stored while the LISTEN connection was down");
    }
    // Lost again meanwhile: the next connection's catch-up starts from the same point.
    if (this.client !== client) return;
    if (this.ownMaxWhileBehind !== undefined) this.raiseWatermark(this.ownMaxWhileBehind);
    this.behind = false;
    this.gapFrom = undefined;
    this.ownWhileBehind = undefined;
    this.ownMaxWhileBehind = undefined;
  }

  private async readGap(from: bigint): Promise<void> {
    let cursor = from;
    for (let read = 0; read < CATCH_UP_LIMIT; read += CATCH_UP_PAGE) {
      const rows = await this.options.readAfter(String(cursor), CATCH_UP_PAGE);
      // A batch of ours may have committed before this read and still be on its way back to us.
      await this.options.ownWritesSettled();
      const own = this.ownWhileBehind;
      if (!own) throw new Error(`more than ${MAX_OWN_WHILE_BEHIND} rows were stored by this replica meanwhile`);
      this.announce(rows.filter((row) => !own.has(row.rowId) && !this.announced.has(row.rowId)));
      if (rows.length > 0) cursor = BigInt(rows[rows.length - 1].rowId);
      this.raiseWatermark(cursor);
      if (rows.length < CATCH_UP_PAGE) return;
    }
    throw new Error(`more than ${CATCH_UP_LIMIT} rows were stored meanwhile; only the first ${CATCH_UP_LIMIT} were read`);
  }

  private announce(events: EventSummary[]): void {
    if (this.stopped || events.length === 0) return;
    for (const event of events) {
      this.announced.add(event.rowId);
      this.raiseWatermark(BigInt(event.rowId));
    }
    this.options.watcher.onEvents(events);
  }

  private raiseWatermark(id: bigint): void {
    if (this.watermark === undefined || id > this.watermark) this.watermark = id;
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((error) => this.report(error, "could not read the events other replicas announced"));
  }

  private report(error: unknown, context: string): void {
    if (this.stopped) return;
    const cause = error instanceof Error ? error.message : String(error);
    this.options.watcher.onError(new Error(`${context}: ${cause}`));
  }
}

/** A set that forgets its oldest entries beyond a capacity. */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size <= this.capacity) return;
    const oldest = this.ids.values().next().value;
    if (oldest !== undefined) this.ids.delete(oldest);
  }
}
