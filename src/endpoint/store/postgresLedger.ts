/**
 * Reconciliation's records in PostgreSQL (migration 6): subscription status history and runs, shared
 * by every replica. Only one replica reconciles at a time: a run holds a session advisory lock on its
 * own connection, which PostgreSQL releases if the process dies.
 */
import type { Pool } from "pg";
import { withClient } from "./postgresClient";
import type { ReconcileLedger, RunRecord } from "../reconcile/types";
import type { StatusObservation } from "../reconcile/subscriptions";
import { isSameObservation, runReport, toObservation, toRun } from "./ledgerRows";
import { storableText } from "./storable";

export const POSTGRES_LEDGER_SCHEMA = `
CREATE TABLE subscription_status (
  subscription_id TEXT NOT NULL,
  observed_at BIGINT NOT NULL,
  status INTEGER NOT NULL,
  probation_retries INTEGER NOT NULL,
  last_probation_retry_date TEXT,
  modified_date TEXT,
  PRIMARY KEY (subscription_id, observed_at)
);
CREATE TABLE reconcile_runs (
  id BIGSERIAL PRIMARY KEY,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  result TEXT NOT NULL,
  report TEXT
);
`;

/** "Reco": the advisory lock a reconciliation run holds. */
const RECONCILE_LOCK = 0x5265636f;

export class PostgresLedger implements ReconcileLedger {
  constructor(private readonly pool: Pool) {}

  async hasEvent(channel: string, eventId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query("SELECT 1 FROM events WHERE event_id = $1 AND channel = $2", [storableText(eventId), storableText(channel)]);
    return (rowCount ?? 0) > 0;
  }

  async hasNaturalKey(channel: string, naturalKey: string): Promise<boolean> {
    const { rowCount } = await this.pool.query("SELECT 1 FROM events WHERE natural_key = $1 AND channel = $2", [naturalKey, storableText(channel)]);
    return (rowCount ?? 0) > 0;
  }

  async countEvents(channel: string, eventType: string, receivedSince: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE event_type = $1 AND channel = $2 AND received_at >= $3",
      [storableText(eventType), storableText(channel), receivedSince],
    );
    return Number(rows[0].n);
  }

  async observeStatus(observations: StatusObservation[]): Promise<void> {
    for (const observation of observations) {
      const { rows } = await this.pool.query(
        "SELECT * FROM subscription_status WHERE subscription_id = $1 ORDER BY observed_at DESC LIMIT 1",
        [observation.subscriptionId],
      );
      if (isSameObservation(rows[0], observation)) continue;
      await this.pool.query("INSERT INTO subscription_status VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", [
        observation.subscriptionId,
        observation.observedAt,
        observation.status,
        observation.probationRetries,
        observation.lastProbationRetryDate ?? null,
        observation.modifiedDate ?? null,
      ]);
    }
  }

  async statusHistory(subscriptionId: string): Promise<StatusObservation[]> {
    const { rows } = await this.pool.query("SELECT * FROM subscription_status WHERE subscription_id = $1 ORDER BY observed_at", [subscriptionId]);
    return rows.map(toObservation);
  }

  /** Called under the lock: a run still marked running was cut short by a dead process. */
  async beginRun(startedAt: number): Promise<number> {
    await this.pool.query("UPDATE reconcile_runs SET result = 'interrupted' WHERE result = 'running'");
    const { rows } = await this.pool.query<{ id: string }>("INSERT INTO reconcile_runs (started_at, result) VALUES ($1, 'running') RETURNING id", [startedAt]);
    return Number(rows[0].id);
  }

  async finishRun(run: RunRecord): Promise<void> {
    await this.pool.query("UPDATE reconcile_runs SET ended_at = $1, result = $2, report = $3 WHERE id = $4", [
      run.endedAt ? Date.parse(run.endedAt) : Date.now(),
      run.result,
      runReport(run),
      run.id,
    ]);
  }

  async lastRun(): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query("SELECT * FROM reconcile_runs ORDER BY id DESC LIMIT 1");
    return rows[0] && toRun(rows[0]);
  }

  async lastSuccessfulRun(): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query("SELECT * FROM reconcile_runs WHERE result = 'succeeded' ORDER BY id DESC LIMIT 1");
    return rows[0] && toRun(rows[0]);
  }

  /** Runs `work` under a session advisory lock: only one replica reconciles at a time. */
  exclusively<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    return withClient(this.pool, async ({ client, lost }) => {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RECONCILE_LOCK]);
      if (!rows[0].locked) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        // A lost session has released its lock already; its client cannot ask.
        if (!lost()) await client.query("SELECT pg_advisory_unlock($1)", [RECONCILE_LOCK]);
      }
    });
  }
}
