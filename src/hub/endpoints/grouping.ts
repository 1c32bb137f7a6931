/** Subscriptions grouped by the endpoint they deliver to, with the group's worst status and combined success rate. */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { formatPercent } from "../model/format";
import { isUnavailable } from "../model/notifications";
import { describeStatus, statusOf, type StatusTone } from "../model/status";
import type { SubscriptionRow } from "../model/tableView";

export interface CombinedHealth {
  delivered: number;
  failed: number;
  /** delivered / (delivered + failed) over the subscriptions whose history has loaded; undefined without completed deliveries. */
  successRate?: number;
  /** Subscriptions whose history has loaded (unavailable ones included). */
  loaded: number;
  /** Subscriptions whose history could not be read. */
  unavailable: number;
}

export interface EndpointGroup {
  /** The endpoint URL as the group's first subscription spells it; "" for subscriptions without one. */
  url: string;
  rows: SubscriptionRow[];
  /** The subscription whose status needs attention most. */
  worst: Subscription;
  health: CombinedHealth;
}

/** Groups in the order their first subscription comes in the rows, so the table's sort carries over. */
export function groupByEndpoint(rows: readonly SubscriptionRow[]): EndpointGroup[] {
  const byKey = new Map<string, SubscriptionRow[]>();
  for (const row of rows) {
    const key = endpointKey(row.subscription.consumerInputs?.url);
    const group = byKey.get(key);
    if (group) group.push(row);
    else byKey.set(key, [row]);
  }
  return [...byKey.values()].map((group) => ({
    url: group[0].subscription.consumerInputs?.url ?? "",
    rows: group,
    worst: worstOf(group.map((r) => r.subscription)),
    health: combineHealth(group),
  }));
}

/** The same endpoint however its scheme and host are cased (or a default port written); the path stays case-sensitive. */
export function endpointKey(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Failed (disabled by Azure DevOps or a lost owner) before probation, before disabled by a user, before enabled. */
const SEVERITY: Record<StatusTone, number> = { failed: 3, warning: 2, neutral: 1, success: 0 };

export function worstOf(subscriptions: readonly Subscription[]): Subscription {
  const severity = (s: Subscription) => SEVERITY[describeStatus(s).tone] * 1000 + statusOf(s);
  return subscriptions.reduce((worst, s) => (severity(s) > severity(worst) ? s : worst));
}

export function combineHealth(rows: readonly SubscriptionRow[]): CombinedHealth {
  let delivered = 0;
  let failed = 0;
  let loaded = 0;
  let unavailable = 0;
  for (const { health } of rows) {
    if (!health) continue;
    loaded++;
    if (isUnavailable(health)) {
      unavailable++;
      continue;
    }
    delivered += health.delivered;
    failed += health.failed;
  }
  const completed = delivered + failed;
  return { delivered, failed, successRate: completed > 0 ? delivered / completed : undefined, loaded, unavailable };
}

/** The combined rate and what it is computed from, e.g. ["83% of 12 succeeded", "History of all 3 subscriptions"]; a single subscription needs no basis (""). */
export function combinedRateInWords(group: Pick<EndpointGroup, "rows" | "health">): [string, string] {
  const { health } = group;
  const total = group.rows.length;
  const rate =
    health.successRate === undefined
      ? health.loaded < total ? "Loading…" : "No completed deliveries"
      : `${formatPercent(health.successRate)} of ${health.delivered + health.failed} succeeded`;
  const readable = health.loaded - health.unavailable;
  const basis =
    health.loaded < total
      ? `History of ${health.loaded} of ${total} subscriptions loaded`
      : health.unavailable > 0
        ? `History of ${readable} of ${total} subscriptions; ${health.unavailable} unavailable`
        : total === 1 ? "" : `History of all ${total} subscriptions`;
  return [rate, basis];
}
