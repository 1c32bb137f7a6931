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
  /** delivered / (delivered + failed); undefined without completed deliveries. */
  successRate?: number;
  last?: Pick<Notification, "id" | "result" | "status" | "createdDate" | "modifiedDate">;
}

export function healthFromSummary(summary: NotificationSummary | undefined, latest: Notification | undefined): DeliveryHealth {
  const count = (result: NotificationResult) =>
    summary?.results?.filter((r) => r.result === result).reduce((total, r) => total + r.notificationCount, 0) ?? 0;
  const delivered = count(NotificationResult.Succeeded);
  const failed = count(NotificationResult.Failed);
  const completed = delivered + failed;
  return { delivered, failed, successRate: completed > 0 ? delivered / completed : undefined, last: latest };
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
