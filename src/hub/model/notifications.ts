/** Notification results, status codes and success rates from what Azure DevOps keeps. */
import {
  NotificationResult,
  NotificationStatus,
  type Notification,
  type NotificationSummary,
} from "azure-devops-extension-api/ServiceHooks";
import { toDate } from "./format";

export function describeResult(notification: Pick<Notification, "result" | "status">): string {
  switch (notification.result) {
    case NotificationResult.Succeeded:
      return "Delivered";
    case NotificationResult.Failed:
      return "Failed";
    case NotificationResult.Filtered:
      return "Not sent (filtered)";
    default:
      return describePendingStatus(notification.status);
  }
}

function describePendingStatus(status: NotificationStatus): string {
  switch (status) {
    case NotificationStatus.Queued:
      return "Queued";
    case NotificationStatus.Processing:
      return "Processing";
    case NotificationStatus.RequestInProgress:
      return "Sending";
    case NotificationStatus.QueuedForRetry:
      return "Waiting to retry";
    default:
      return "Pending";
  }
}

export function isFinished(notification: Pick<Notification, "result" | "status">): boolean {
  return notification.status === NotificationStatus.Completed || notification.result !== NotificationResult.Pending;
}

/**
 * The HTTP status in the recorded response text. Azure DevOps records the status line and headers
 * ("StatusCode: 500, ReasonPhrase: …" or "HTTP/1.1 500 …"), never the body.
 */
export function statusCodeOf(response: string | null | undefined): number | undefined {
  if (!response) return undefined;
  const match = /StatusCode:\s*(\d{3})/i.exec(response) ?? /HTTP\/\d(?:\.\d)?\s+(\d{3})/i.exec(response) ?? /^\s*(\d{3})\b/.exec(response);
  return match ? Number(match[1]) : undefined;
}

export interface DeliveryHealth {
  delivered: number;
  failed: number;
  /** Every notification Azure DevOps keeps for the subscription, pending and filtered ones included. */
  kept: number;
  /** delivered / (delivered + failed); undefined without completed deliveries. */
  successRate?: number;
  /** The newest notification, without details (as NotificationsQuery returns them). */
  last?: Pick<Notification, "id" | "result" | "status" | "createdDate" | "modifiedDate">;
}

/** The history of a row could not be read (e.g. 403, network): shown as such, never as "no deliveries". */
export interface HealthUnavailable {
  unavailable: string;
}

export type RowHealth = DeliveryHealth | HealthUnavailable;

export function isUnavailable(health: RowHealth | undefined): health is HealthUnavailable {
  return health !== undefined && "unavailable" in health;
}

/**
 * Counts from the query's summary (all the history Azure DevOps keeps) and the newest notification
 * from its results. Both come from the same answer, so the two columns cannot contradict each other.
 */
export function healthFromSummary(summary: NotificationSummary | undefined, latest: Notification | undefined): DeliveryHealth {
  const counts = summary?.results ?? [];
  const count = (result: NotificationResult) => counts.filter((r) => r.result === result).reduce((total, r) => total + (r.notificationCount || 0), 0);
  const delivered = count(NotificationResult.Succeeded);
  const failed = count(NotificationResult.Failed);
  const kept = counts.reduce((total, r) => total + (r.notificationCount || 0), 0);
  const completed = delivered + failed;
  const last = latest && { id: latest.id, result: latest.result, status: latest.status, createdDate: latest.createdDate, modifiedDate: latest.modifiedDate };
  return { delivered, failed, kept: Math.max(kept, last ? 1 : 0), successRate: completed > 0 ? delivered / completed : undefined, last };
}

/** The newest notification per subscription, whatever order the server returned them in. */
export function latestBySubscription(notifications: Notification[]): Map<string, Notification> {
  const latest = new Map<string, Notification>();
  for (const notification of notifications) {
    const key = notification.subscriptionId.toLowerCase();
    const current = latest.get(key);
    if (!current || time(notification) > time(current)) latest.set(key, notification);
  }
  return latest;
}

function time(notification: Notification): number {
  return toDate(notification.createdDate)?.getTime() ?? 0;
}

/** Why a notification's request, response and event are missing, or undefined when they are there. */
export type MissingDetails = "deleted" | "withheld";

/**
 * Azure DevOps deletes notification details after 7 days, and sends `event`, `request` and
 * `response` as null (left out) to callers without diagnostics rights. The stored event is always
 * there otherwise, so its absence tells which case applies.
 */
export function missingDetails(notification: Pick<Notification, "details">): MissingDetails | undefined {
  const details = notification.details;
  if (!details || Object.keys(details).length === 0) return "deleted";
  return details.event ? undefined : "withheld";
}
