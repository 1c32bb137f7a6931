/**
 * The subscriptions that deliver to this endpoint, found by their URL, whatever their consumer (Hook
 * Relay's own or the built-in Web Hooks), and the windows in which Azure DevOps was dropping their events.
 */
import type { AdoClient } from "./client";
import { SubscriptionStatus, type Subscription } from "./contracts";

/** What reconciliation keeps of a subscription: never its consumer inputs, which hold the ingest token. */
export interface WatchedSubscription {
  id: string;
  eventType: string;
  /** "" for POST /hooks, else the channel its URL's path names. */
  channel: string;
  publisherInputs: Record<string, string>;
  createdDate: string;
  status: StatusObservation;
}

/** A subscription's state as Azure DevOps reported it at one time. */
export interface StatusObservation {
  subscriptionId: string;
  /** When the endpoint read it, ms since the epoch. */
  observedAt: number;
  status: SubscriptionStatus;
  probationRetries: number;
  /** Undefined when Azure DevOps sends its "never" (year 1). */
  lastProbationRetryDate?: string;
  modifiedDate?: string;
}

/** A span in which Azure DevOps dropped new events of the subscription (on probation or disabled). */
export interface DropWindow {
  status: string;
  from: string;
  /** Undefined while it lasts. */
  to?: string;
}

/** POST /hooks or POST /hooks/:channel at the end of a delivery URL's path; undefined for other paths. */
export function channelOfUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /\/hooks(?:\/([A-Za-z0-9._~-]{1,64}))?\/?$/.exec(path);
  return match ? (match[1] ?? "") : undefined;
}

export function deliversHere(url: string | undefined, publicUrls: string[]): boolean {
  if (!url) return false;
  const lower = url.toLowerCase();
  return publicUrls.some((prefix) => lower.startsWith(prefix.toLowerCase()));
}

/** Azure DevOps writes DateTime.MinValue (year 1) for a date that was never set. */
export function meaningfulDate(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(text);
  const date = ms ? new Date(Number(ms[1])) : new Date(text);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1) return undefined;
  return date.toISOString();
}

export function statusName(status: SubscriptionStatus): string {
  const name = SubscriptionStatus[status];
  return name ? name.charAt(0).toLowerCase() + name.slice(1) : String(status);
}

/** Every status Azure DevOps knows, by the name the API and the metrics use ("enabled", "onProbation", …). */
export const SUBSCRIPTION_STATUSES = Object.values(SubscriptionStatus)
  .filter((value): value is SubscriptionStatus => typeof value === "number")
  .map(statusName);

/** Every subscription the token can see that delivers to one of `publicUrls` (hooks subscriptions are organization-wide). */
export async function listWatchedSubscriptions(client: AdoClient, publicUrls: string[], now: number, signal?: AbortSignal): Promise<WatchedSubscription[]> {
  const all = await client.list<Subscription>("_apis/hooks/subscriptions", {}, signal);
  const watched: WatchedSubscription[] = [];
  for (const subscription of all) {
    const url = subscription.consumerInputs?.url;
    const channel = url === undefined ? undefined : channelOfUrl(url);
    if (!deliversHere(url, publicUrls) || channel === undefined) continue;
    watched.push({
      id: subscription.id,
      eventType: subscription.eventType,
      channel,
      publisherInputs: { ...subscription.publisherInputs },
      createdDate: meaningfulDate(subscription.createdDate) ?? new Date(0).toISOString(),
      status: {
        subscriptionId: subscription.id,
        observedAt: now,
        // The old spec's examples leave an enabled status out.
        status: subscription.status ?? SubscriptionStatus.Enabled,
        probationRetries: subscription.probationRetries ?? 0,
        lastProbationRetryDate: meaningfulDate(subscription.lastProbationRetryDate),
        modifiedDate: meaningfulDate(subscription.modifiedDate),
      },
    });
  }
  return watched;
}

/** Whether two observations differ in what they say about the subscription (not in when they were made). */
export function sameStatus(a: StatusObservation, b: StatusObservation): boolean {
  return (
    a.status === b.status &&
    a.probationRetries === b.probationRetries &&
    a.lastProbationRetryDate === b.lastProbationRetryDate &&
    a.modifiedDate === b.modifiedDate
  );
}

/**
 * The windows in which Azure DevOps dropped events, from a subscription's observations oldest first.
 * A window opens when the subscription is seen on probation or disabled (at its modifiedDate, when
 * the status changed) and closes when it is next seen enabled. A subscription seen enabled whose
 * lastProbationRetryDate is set was on probation before: that window ends at its last probation retry
 * and its start is unknown (given as the retry date).
 */
export function dropWindows(history: StatusObservation[]): DropWindow[] {
  const windows: DropWindow[] = [];
  let open: DropWindow | undefined;
  for (const observation of history) {
    const at = observation.modifiedDate ?? new Date(observation.observedAt).toISOString();
    if (observation.status === SubscriptionStatus.Enabled) {
      if (open) {
        open.to = at;
        open = undefined;
      } else if (windows.length === 0 && observation.lastProbationRetryDate) {
        windows.push({ status: statusName(SubscriptionStatus.OnProbation), from: observation.lastProbationRetryDate, to: observation.lastProbationRetryDate });
      }
      continue;
    }
    const status = statusName(observation.status);
    if (open && open.status === status) continue;
    if (open) open.to = at;
    open = { status, from: at };
    windows.push(open);
  }
  return windows;
}
