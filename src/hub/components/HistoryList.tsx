import * as React from "react";
import { NotificationResult, type Notification } from "azure-devops-extension-api/ServiceHooks";
import { Spinner, SpinnerSize } from "azure-devops-ui/Spinner";
import type { HooksService } from "../services/HooksService";
import { formatDateTime, toDate } from "../model/format";
import { describeResult } from "../model/notifications";
import { ErrorCard } from "./ErrorCard";
import { NotificationDetail } from "./NotificationDetail";
import { Select } from "./Select";

const resultOptions = [
  { value: "all", text: "All results" },
  { value: String(NotificationResult.Succeeded), text: "Delivered" },
  { value: String(NotificationResult.Failed), text: "Failed" },
  { value: String(NotificationResult.Filtered), text: "Not sent (filtered)" },
  { value: String(NotificationResult.Pending), text: "Pending" },
];

const periodOptions = [
  { value: "1", text: "Last 24 hours" },
  { value: "2", text: "Last 2 days" },
  { value: "7", text: "Last 7 days" },
  { value: "all", text: "Everything kept" },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The subscription's notification history, loaded when the panel opens, filtered by result and time.
 * The list carries no details; opening an entry fetches that one notification (NotificationDetail).
 */
export function HistoryList(props: { service: HooksService; subscriptionId: string; reloadKey?: number }): JSX.Element {
  const [notifications, setNotifications] = React.useState<Notification[] | undefined>();
  const [error, setError] = React.useState<unknown>();
  const [result, setResult] = React.useState("all");
  const [period, setPeriod] = React.useState("all");
  const [openId, setOpenId] = React.useState<number | undefined>();
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    let current = true;
    setNotifications(undefined);
    setError(undefined);
    props.service.notifications(props.subscriptionId).then(
      (list) => current && setNotifications(newestFirst(list)),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [props.service, props.subscriptionId, props.reloadKey, attempt]);

  const visible = (notifications ?? []).filter((n) => matchesResult(n, result) && matchesPeriod(n, period));
  return (
    <section className="hr-history" aria-label="Notification history">
      <h3>History</h3>
      <div className="hr-filters">
        <Select id="history-result" label="Result" value={result} options={resultOptions} onChange={setResult} />
        <Select id="history-period" label="Period" value={period} options={periodOptions} onChange={setPeriod} />
      </div>
      {error ? <ErrorCard error={error} onRetry={() => setAttempt((a) => a + 1)} /> : null}
      {!error && !notifications ? <Spinner size={SpinnerSize.medium} label="Loading history…" /> : null}
      {notifications && visible.length === 0 ? <p>No notifications match. Azure DevOps keeps about 7 days of history.</p> : null}
      {visible.length > 0 ? (
        <ul className="hr-history-list" aria-label="Notifications">
          {visible.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className="hr-history-item"
                aria-expanded={openId === n.id}
                onClick={() => setOpenId(openId === n.id ? undefined : n.id)}
              >
                {summaryOf(n)}
              </button>
              {openId === n.id ? <NotificationDetail service={props.service} notification={n} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function summaryOf(notification: Notification): string {
  return [`#${notification.id}`, describeResult(notification), formatDateTime(notification.createdDate, "date unknown")].join(" · ");
}

function matchesResult(notification: Notification, result: string): boolean {
  return result === "all" || notification.result === Number(result);
}

function matchesPeriod(notification: Notification, period: string): boolean {
  if (period === "all") return true;
  const created = toDate(notification.createdDate)?.getTime() ?? 0;
  return created >= Date.now() - Number(period) * DAY_MS;
}

function newestFirst(list: Notification[]): Notification[] {
  return [...list].sort((a, b) => (toDate(b.createdDate)?.getTime() ?? 0) - (toDate(a.createdDate)?.getTime() ?? 0));
}
