/**
 * What Azure DevOps's answer tells about the time a subscription has been dropping events (on
 * probation or disabled). It records no start of probation or of disabling, so each statement is a
 * bound the returned dates prove, never a guessed window (rest-responses.md §2, §4).
 */
import { SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { manifest } from "../../contract";
import { formatDateTime, toDate } from "./format";
import { statusOf } from "./status";

export interface DroppedEvents {
  /** Since when, as far as the returned dates prove it. */
  since: string;
  /** Why events raised meanwhile are gone. */
  consequence: string;
}

type Dates = Partial<Pick<Subscription, "status" | "modifiedDate" | "lastProbationRetryDate" | "lastSuccessfulAttemptDate">>;

/** undefined for a subscription that delivers (enabled, or a status this page does not know). */
export function droppedEvents(subscription: Dates): DroppedEvents | undefined {
  switch (statusOf(subscription)) {
    case SubscriptionStatus.OnProbation:
      return {
        since: atTheLatest("On probation", subscription.lastProbationRetryDate, "the last probation date Azure DevOps gives; it does not record when probation began"),
        consequence:
          "Azure DevOps dropped every event raised while it is on probation: they are not in its history and it will not send them again.",
      };
    case SubscriptionStatus.DisabledByUser:
      // Disabling is a change of the subscription, so it happened at or before the last change.
      return { since: atTheLatest("Disabled", subscription.modifiedDate, "its last change"), consequence: DISABLED };
    case SubscriptionStatus.DisabledBySystem:
    case SubscriptionStatus.DisabledByInactiveIdentity:
      return { since: disabledAfter(subscription), consequence: DISABLED };
    default:
      return undefined;
  }
}

const DISABLED = "Azure DevOps dropped every event raised while it is disabled: they are not in its history and it will not send them again.";

function atTheLatest(state: string, date: Date | string | undefined, meaning: string): string {
  return toDate(date) ? `${state} since ${formatDateTime(date)} at the latest: ${meaning}.` : `${state}; Azure DevOps does not say since when.`;
}

/** Azure DevOps disables a subscription itself without changing its modified date; only the last probe or success before it are known. */
function disabledAfter(subscription: Dates): string {
  const known = [subscription.lastProbationRetryDate, subscription.lastSuccessfulAttemptDate]
    .map((d) => toDate(d))
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => b.getTime() - a.getTime());
  return known.length > 0
    ? `Disabled by Azure DevOps some time after ${formatDateTime(known[0])} (its last probe or successful delivery); Azure DevOps does not record when.`
    : "Disabled by Azure DevOps; it does not say since when.";
}

/** The README section on the endpoint's reconciliation, which recovers what Azure DevOps dropped. */
export const RECONCILIATION_DOCS_URL = `${manifest.repository.uri}#reconciliation`;
