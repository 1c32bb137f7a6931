/**
 * Reconciliation's records in a SQLite file (schema 5): subscription status history and runs. Written
 * from the main thread's connection; the writer thread's batches wait for it through busy_timeout.
 * One process uses a SQLite file, so the reconciliation lock is the process's own.
 */
import type Database from "better-sqlite3";
import type { ReconcileLedger, RunRecord } from "../reconcile/types";
import type { StatusObservation } from "../reconcile/subscriptions";
import { isSameObservation, runReport, toObservation, toRun, type RunRow, type StatusRow } from "./ledgerRows";
import { storableText } from "./storable";

/** Tables of schema 5 beside the events' origin and natural key (see sqlite.ts). */
export const SQLITE_LEDGER_SCHEMA = `
CREATE TABLE subscription_status (
  subscription_id TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  status INTEGER NOT NULL,
  probation_retries INTEGER NOT NULL,
  last_probation_retry_date TEXT,
  modified_date TEXT,
  PRIMARY KEY (subscription_id, observed_at)
) WITHOUT ROWID;
CREATE TABLE reconcile_runs (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  result TEXT NOT NULL,
  report TEXT
);
`;

export class SqliteLedger implements ReconcileLedger {
  private busy = false;

  constructor(private readonly db: () => Database.Database) {}

  async hasEvent(channel: string, eventId: string): Promise<boolean> {
    return this.db().prepare("SELECT 1 FROM events WHERE event_id = ? AND channel = ?").get(storableText(eventId), storableText(channel)) !== undefined;
  }

  async hasNaturalKey(channel: string, naturalKey: string): Promise<boolean> {
    return this.db().prepare("SELECT 1 FROM events WHERE natural_key = ? AND channel = ?").get(naturalKey, storableText(channel)) !== undefined;
  }

  async countEvents(channel: string, eventType: string, receivedSince: number): Promise<number> {
    const sql = "SELECT count(*) FROM events WHERE event_type = ? AND +channel = ? AND received_at >= ?";
    return Number(this.db().prepare(sql).pluck().get(storableText(eventType), storableText(channel), receivedSince));
  }

  async observeStatus(observations: StatusObservation[]): Promise<void> {
    const db = this.db();
    const latest = db.prepare("SELECT * FROM subscription_status WHERE subscription_id = ? ORDER BY observed_at DESC LIMIT 1");
    const insert = db.prepare(
      `INSERT OR IGNORE INTO subscription_status VALUES
       (@subscriptionId, @observedAt, @status, @probationRetries, @lastProbationRetryDate, @modifiedDate)`,
    );
    db.transaction(() => {
      for (const observation of observations) {
        if (isSameObservation(latest.get(observation.subscriptionId) as StatusRow | undefined, observation)) continue;
        insert.run({ ...observation, lastProbationRetryDate: observation.lastProbationRetryDate ?? null, modifiedDate: observation.modifiedDate ?? null });
      }
    })();
  }

  async statusHistory(subscriptionId: string): Promise<StatusObservation[]> {
    const rows = this.db().prepare("SELECT * FROM subscription_status WHERE subscription_id = ? ORDER BY observed_at").all(subscriptionId) as StatusRow[];
    return rows.map(toObservation);
  }

  async beginRun(startedAt: number): Promise<number> {
    const db = this.db();
    return db.transaction(() => {
      db.prepare("UPDATE reconcile_runs SET result = 'interrupted' WHERE result = 'running'").run();
      return Number(db.prepare("INSERT INTO reconcile_runs (started_at, result) VALUES (?, 'running') RETURNING id").pluck().get(startedAt));
    })();
  }

  async finishRun(run: RunRecord): Promise<void> {
    this.db()
      .prepare("UPDATE reconcile_runs SET ended_at = ?, result = ?, report = ? WHERE id = ?")
      .run(run.endedAt ? Date.parse(run.endedAt) : Date.now(), run.result, runReport(run), run.id);
  }

  async lastRun(): Promise<RunRecord | undefined> {
    const row = this.db().prepare("SELECT * FROM reconcile_runs ORDER BY id DESC LIMIT 1").get() as RunRow | undefined;
    return row && toRun(row);
  }

  async lastSuccessfulRun(): Promise<RunRecord | undefined> {
    const row = this.db().prepare("SELECT * FROM reconcile_runs WHERE result = 'succeeded' ORDER BY id DESC LIMIT 1").get() as RunRow | undefined;
    return row && toRun(row);
  }

  async exclusively<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.busy) return { ran: false };
    this.busy = true;
    try {
      return { ran: true, value: await work() };
    } finally {
      this.busy = false;
    }
  }
}
