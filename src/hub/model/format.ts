/** Dates, durations, rates and people as the page shows them. */
import type { IdentityRef } from "azure-devops-extension-api/WebApi";

/**
 * Dates arrive as Date objects (the client turns "\/Date(ms)\/" into Dates) or as ISO strings.
 * Azure DevOps writes DateTime.MinValue (year 1) for dates that never happened, e.g. the last
 * probation retry of a subscription that was never on probation: those are undefined here.
 */
export function toDate(value: Date | string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  const time = date.getTime();
  return Number.isNaN(time) || date.getUTCFullYear() <= 1 ? undefined : date;
}

/** One formatter for the page: toLocaleString builds a new one on every call, which tables of dates feel. */
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** `missing` is what a date that is absent, unreadable or year 1 reads as. */
export function formatDateTime(value: Date | string | null | undefined, missing = "—"): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : missing;
}

export function formatDuration(seconds: number | undefined): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "—";
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

export function formatPercent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? "—" : `${Math.round(ratio * 100)}%`;
}

export const UNKNOWN_USER = "Unknown user";

/** Old subscriptions and deleted users come back as an IdentityRef with only an id. */
export function personName(identity: Pick<IdentityRef, "displayName"> | null | undefined): string {
  return identity?.displayName?.trim() || UNKNOWN_USER;
}
