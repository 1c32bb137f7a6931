/**
 * SQLite with its writes on a worker thread. A commit holds its thread for the inserts and the
 * WAL fsync; on the worker, the main thread keeps parsing requests and answering reads meanwhile
 * (WAL lets the main thread's read connection see every committed batch). Durability is the
 * SqliteStore's: a batch's promise resolves only after the worker's commit returned.
 *
 * Each delivery's content (content.ts) is compressed on this thread, a large one when the writer
 * queues it (prepare), the others as their batch is sent: every delivery waits for the writer thread's
 * commits, so that thread does nothing else, and only the compressed bytes cross to it. The
 * caller's deliveries are not changed, so a batch that fails can be retried in parts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { WRITER_EXITED } from "./outage";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite";
import { compressedDelivery, preparedDelivery } from "./content";
import type {
  Delivery, DeliveryOutcome, EventPage, EventQuery, EventStore, EventSummary, PruneStep, StoredEvent, EventFilter,
} from "./types";

export type WriterRequest =
  | { id: number; kind: "recordBatch"; deliveries: Delivery[] }
  | { id: number; kind: "prune"; step: PruneStep }
  | { id: number; kind: "durability" }
  | { id: number; kind: "close" };

/** An error crosses the thread as its message and code (the code tells an outage from a bad row). */
export type WriterReply = { id: number; result: unknown; error?: undefined } | { id: number; error: string; code?: string };

/** What the writer thread says unasked: it reopened the file (see SqliteStoreOptions.onReopen). */
export interface WriterNotice {
  reopened: string;
}

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/** The compiled worker script; it exists in the build output (build/src/endpoint/store), not beside the TypeScript sources. */
export const WRITER_SCRIPT = join(__dirname, "sqliteWriterThread.js");

/** V8 would let the writer's young generation grow to 32 MiB or more; it allocates little that lives. */
const WRITER_YOUNG_GENERATION_MB = 4;

export class ThreadedSqliteStore implements EventStore {
  readonly kind = "sqlite";
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private writerDurability: Promise<Record<string, string>> | undefined;

  /** The reader opens (and migrates) the file before the writer thread starts. */
  private constructor(
    private readonly options: SqliteStoreOptions,
    private readonly reader: SqliteStore,
    private readonly script: string,
  ) {}

  /** `script` is the compiled sqliteWriterThread.js; tests running the TypeScript sources pass the build's. */
  static open(options: SqliteStoreOptions, script = WRITER_SCRIPT): ThreadedSqliteStore {
    if (options.filename === ":memory:") throw new Error("A :memory: database cannot be shared with a writer thread.");
    if (!existsSync(script)) throw new Error(`${script} is missing: build with \`npm run build:node\`.`);
    return new ThreadedSqliteStore(options, new SqliteStore(options), script);
  }

  /** Reconciliation's few writes go through the reader's connection; the writer thread waits for them (busy_timeout). */
  get ledger() {
    return this.reader.ledger;
  }

  recordBatch(deliveries: Delivery[]): Promise<DeliveryOutcome[]> {
    return this.send({ kind: "recordBatch", deliveries: deliveries.map(compressedDelivery) }) as Promise<DeliveryOutcome[]>;
  }

  prepare(delivery: Delivery): Delivery {
    return preparedDelivery(delivery);
  }

  prune(step: PruneStep): Promise<number> {
    return this.send({ kind: "prune", step }) as Promise<number>;
  }

  query(query: EventQuery): Promise<EventPage> {
    return this.reader.query(query);
  }

  get(eventId: string, channel?: string): Promise<StoredEvent | undefined> {
    return this.reader.get(eventId, channel);
  }

  eventsAfter(position: string, filter: EventFilter, limit: number): Promise<EventSummary[]> {
    return this.reader.eventsAfter(position, filter, limit);
  }

  parsePosition(text: string): string | undefined {
    return this.reader.parsePosition(text);
  }

  ping(): Promise<void> {
    return this.reader.ping();
  }

  /** The writer thread's connection's settings: that one commits. Asked once, they do not change. */
  durability(): Promise<Record<string, string>> {
    this.writerDurability ??= (this.send({ kind: "durability" }) as Promise<Record<string, string>>).catch((error: Error) => {
      this.writerDurability = undefined;
      throw error;
    });
    return this.writerDurability;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      await this.send({ kind: "close" });
      await worker.terminate();
    }
    await this.reader.close();
  }

  private send(request: Request): Promise<unknown> {
    const worker = (this.worker ??= this.startWorker());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private startWorker(): Worker {
    // Functions cannot cross to the thread: it sends a notice when it reopens the file.
    const { onReopen, ...workerData } = this.options;
    // It only runs statements: a small young generation keeps its heap, and so the process, small.
    const worker = new Worker(this.script, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
    worker.on("message", (reply: WriterReply | WriterNotice) => {
      if ("reopened" in reply) {
        onReopen?.(reply.reopened);
        return;
      }
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else waiting?.resolve(reply.result);
    });
    // A writer that dies (it should not) fails what it was doing, as an outage (503): the next write
    // starts a new one.
    const fail = (error: Error) => {
      Object.assign(error, { code: WRITER_EXITED });
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`The SQLite writer thread exited (code ${code}).`)));
    return worker;
  }
}
