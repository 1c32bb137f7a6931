/**
 * Recovering from notification history (rest-responses §4.1): a failed or still-pending notification
 * whose event the endpoint does not hold is read with its details, and `details.event` is stored with
 * its original id. A "Truncated" event is left to the Git rebuild; an event whose details are gone or
 * withheld is reported with the reason.
 */
import { extractFacts } from "../../contract/facts";
import { naturalKeyOf } from "../../contract/naturalKey";
import type { AdoClient } from "./client";
import { NotificationResult, type Notification, type NotificationsQuery } from "./contracts";
import type { WatchedSubscription } from "./subscriptions";
import type { ReconcileLedger, RecordDelivery, Unrecoverable } from "./types";

/** Results asked for per query; a window that fills it is split in two (the query has no continuation token). */
export const HISTORY_PAGE = 1000;
/** Azure DevOps deletes notification details older than this. */
export const DETAILS_RETENTION_MS = 7 * 24 * 3600 * 1000;
const TRUNCATED = "Truncated";

export interface HistoryScan {
  /** Azure DevOps's summary: notification count by result name, over all the history it keeps. */
  summary: Record<string, number>;
  /** Distinct events of the failed and pending notifications in the window. */
  unsettled: number;
  recovered: number;
  alreadyHeld: number;
  unrecoverable: Unrecoverable[];
  /** Events whose history payload was truncated: their Git change is for the rebuild to find. */
  truncated: Unrecoverable[];
}

export interface HistoryContext {
  client: AdoClient;
  ledger: ReconcileLedger;
  record: RecordDelivery;
  now: number;
  signal?: AbortSignal;
}

type QueryAnswer = Pick<NotificationsQuery, "results" | "summary">;

function resultName(result: NotificationResult): string {
  const name = NotificationResult[result];
  return name ? name.charAt(0).toLowerCase() + name.slice(1) : String(result);
}

/** The failed and pending notifications created in [from, to], newest window first, splitting full windows. */
async function unsettledNotifications(
  context: HistoryContext,
  subscriptionId: string,
  from: number,
  to: number,
): Promise<{ notifications: Notification[]; summary: QueryAnswer["summary"] }> {
  const answer = await context.client.post<QueryAnswer>(
    "_apis/hooks/notificationsquery",
    {
      subscriptionIds: [subscriptionId],
      minCreatedDate: new Date(from).toISOString(),
      maxCreatedDate: new Date(to).toISOString(),
      maxResults: HISTORY_PAGE,
    },
    context.signal,
  );
  const results = answer.results ?? [];
  if (results.length >= HISTORY_PAGE && to - from > 1) {
    const middle = Math.floor((from + to) / 2);
    const newer = await unsettledNotifications(context, subscriptionId, middle + 1, to);
    const older = await unsettledNotifications(context, subscriptionId, from, middle);
    return { notifications: [...newer.notifications, ...older.notifications], summary: answer.summary };
  }
  const unsettled = results.filter((n) => n.result === NotificationResult.Failed || n.result === NotificationResult.Pending);
  return { notifications: unsettled, summary: answer.summary };
}

function summaryOf(summary: QueryAnswer["summary"], subscriptionId: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const mine = (summary ?? []).find((s) => s.subscriptionId?.toLowerCase() === subscriptionId.toLowerCase());
  for (const { result, notificationCount } of mine?.results ?? []) counts[resultName(result)] = notificationCount;
  return counts;
}

export async function recoverFromHistory(context: HistoryContext, subscription: WatchedSubscription, windowStart: number): Promise<HistoryScan> {
  const scan: HistoryScan = { summary: {}, unsettled: 0, recovered: 0, alreadyHeld: 0, unrecoverable: [], truncated: [] };
  const { notifications, summary } = await unsettledNotifications(context, subscription.id, windowStart, context.now);
  scan.summary = summaryOf(summary, subscription.id);
  const seen = new Set<string>();
  for (const notification of notifications) {
    const eventId = notification.eventId;
    if (!eventId || seen.has(eventId)) continue;
    seen.add(eventId);
    scan.unsettled++;
    if (await context.ledger.hasEvent(subscription.channel, eventId)) {
      scan.alreadyHeld++;
      continue;
    }
    await recoverOne(context, subscription, notification, scan);
  }
  return scan;
}

async function recoverOne(context: HistoryContext, subscription: WatchedSubscription, listed: Notification, scan: HistoryScan): Promise<void> {
  const createdDate = listed.createdDate ? new Date(listed.createdDate).toISOString() : undefined;
  const account = { eventId: listed.eventId, notificationId: listed.id, createdDate };
  const read = await context.client.get<Notification>(`_apis/hooks/subscriptions/${subscription.id}/notifications/${listed.id}`, {}, context.signal);
  const event = read.details?.event as unknown as Record<string, unknown> | undefined;
  if (!event || typeof event.id !== "string" || typeof event.eventType !== "string") {
    const old = createdDate !== undefined && context.now - Date.parse(createdDate) > DETAILS_RETENTION_MS;
    scan.unrecoverable.push({ reason: old || !read.details ? "older_than_history" : "history_scrubbed", ...account });
    return;
  }
  if (event.resource === TRUNCATED) {
    scan.truncated.push({ reason: "truncated_not_rebuildable", ...account });
    return;
  }
  const outcome = await context.record({
    channel: subscription.channel,
    eventId: event.id,
    facts: extractFacts(event),
    body: JSON.stringify(event),
    headers: {},
    receivedAt: Date.now(),
    origin: "recovered",
    naturalKey: naturalKeyOf(event),
  });
  // A redelivery may have stored it since the check.
  if (outcome.duplicate) scan.alreadyHeld++;
  else scan.recovered++;
}
