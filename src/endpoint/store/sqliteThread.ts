/**
 * The SQLite writer thread. better-sqlite3 is synchronous, and every durable commit waits for
 * fsync (at each commit with synchronous=FULL, at each WAL checkpoint with NORMAL); on the main
 * thread that wait stalls every open request. Here one worker thread owns the write connection:
 * it commits a batch and only then posts the written rows back, so the guarantee "answered means
 * durably stored" is unchanged, while the event loop keeps reading requests during the fsync —
 * and those requests form the next group commit.
 */
import { Worker } from "node:worker_threads";

export interface ThreadOptions {
  filename: string;
  /** Run once on the thread's connection, e.g. "synchronous = FULL". */
  pragmas: string[];
  /** Named parameters, including @receipts; RETURNING id, receipt_count. */
  upsertSql: string;
  /** (ref, row id) */
  insertRefSql: string;
}

/** One folded delivery: the upsert's named parameters, and the refs indexed if the row is new. */
export interface RowToWrite {
  params: Record<string, unknown> & { receipts: number };
  refs: string[];
}

export interface WrittenRow {
  id: number;
  receiptCount: number;
}

interface Reply {
  id: number;
  rows?: WrittenRow[];
  error?: string;
}

/**
 * Runs inside the worker, from its source text (so it works both compiled and under jest's
 * transpiler): it must not use anything from this module's scope.
 */
function writerThreadMain(): void {
  const { parentPort, workerData } = require("node:worker_threads");
  const Database = require(workerData.sqliteModule);
  const db = new Database(workerData.filename);
  for (const pragma of workerData.pragmas) db.pragma(pragma);
  const upsert = db.prepare(workerData.upsertSql);
  const insertRef = db.prepare(workerData.insertRefSql);
  const writeRows = db.transaction((rows: RowToWrite[]) =>
    rows.map(({ params, refs }) => {
      const row = upsert.get(params);
      const inserted = row.receipt_count === params.receipts;
      if (inserted) for (const ref of refs) insertRef.run(ref, row.id);
      return { id: row.id, receiptCount: row.receipt_count };
    }),
  );
  parentPort.on("message", (message: { id: number; rows?: RowToWrite[]; close?: boolean }) => {
    if (message.close) {
      db.close();
      parentPort.close();
      return;
    }
    try {
      parentPort.postMessage({ id: message.id, rows: writeRows(message.rows) });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: String((error as Error)?.message ?? error) });
    }
  });
}

export class SqliteWriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(rows: WrittenRow[]): void; reject(error: Error): void }>();
  private readonly exited: Promise<void>;
  private nextId = 0;
  private stopped: Error | undefined;

  constructor(options: ThreadOptions) {
    this.worker = new Worker(`(${writerThreadMain.toString()})()`, {
      eval: true,
      workerData: { ...options, sqliteModule: require.resolve("better-sqlite3") },
    });
    this.worker.on("message", (reply: Reply) => this.settle(reply));
    this.worker.on("error", (error) => this.stop(error));
    this.exited = new Promise((resolve) => {
      this.worker.once("exit", (code) => {
        this.stop(new Error(`The SQLite writer thread exited (code ${code}).`));
        resolve();
      });
    });
  }

  /** Resolves once the rows are committed, in one transaction, in order. */
  write(rows: RowToWrite[]): Promise<WrittenRow[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows });
    });
  }

  /** Throws when the thread is gone. */
  check(): void {
    if (this.stopped) throw this.stopped;
  }

  /** Waits for the writes already posted, then closes the thread's connection. */
  async close(): Promise<void> {
    if (!this.stopped) this.worker.postMessage({ close: true });
    await this.exited;
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.rows) waiter.resolve(reply.rows);
    else waiter.reject(new Error(reply.error ?? "The SQLite writer thread failed."));
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.stopped);
    this.waiting.clear();
  }
}
