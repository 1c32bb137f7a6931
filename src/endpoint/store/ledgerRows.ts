/** Reconciliation records as both stores keep them (status history, runs), turned into API shapes. */
import type { RunRecord } from "../reconcile/types";
import type { StatusObservation } from "../reconcile/subscriptions";

export interface StatusRow {
  subscription_id: string;
  observed_at: number;
  status: number;
  probation_retries: number;
  last_probation_retry_date: string | null;
  modified_date: string | null;
}

export interface RunRow {
  id: number;
  started_at: number;
  ended_at: number | null;
  result: RunRecord["result"];
  report: string | null;
}

export function toObservation(row: StatusRow): StatusObservation {
  return {
    subscriptionId: row.subscription_id,
    observedAt: Number(row.observed_at),
    status: Number(row.status),
    probationRetries: Number(row.probation_retries),
    lastProbationRetryDate: row.last_probation_retry_date ?? undefined,
    modifiedDate: row.modified_date ?? undefined,
  };
}

/** A run as stored: the report (subscriptions, error, calls) is JSON beside its times and result. */
export function toRun(row: RunRow): RunRecord {
  const report = row.report ? (JSON.parse(row.report) as Partial<RunRecord>) : {};
  return {
    ...report,
    id: Number(row.id),
    startedAt: new Date(Number(row.started_at)).toISOString(),
    endedAt: row.ended_at === null ? undefined : new Date(Number(row.ended_at)).toISOString(),
    result: row.result,
  };
}

export function runReport(run: RunRecord): string {
  const { error, calls, subscriptions } = run;
  return JSON.stringify({ error, calls, subscriptions });
}

export function isSameObservation(row: StatusRow | undefined, observation: StatusObservation): boolean {
  return (
    row !== undefined &&
    Number(row.status) === observation.status &&
    Number(row.probation_retries) === observation.probationRetries &&
    (row.last_probation_retry_date ?? undefined) === observation.lastProbationRetryDate &&
    (row.modified_date ?? undefined) === observation.modifiedDate
  );
}

