/** What each subscription status means, in words, and what the user can do about it. */
import { SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";

export type StatusTone = "success" | "warning" | "failed" | "neutral";

export interface StatusDescription {
  label: string;
  tone: StatusTone;
  explanation: string;
  action?: string;
}

/** The old spec examples leave `status` out of enabled subscriptions; missing means enabled. */
export function statusOf(subscription: Partial<Pick<Subscription, "status">>): SubscriptionStatus {
  return subscription.status ?? SubscriptionStatus.Enabled;
}

export function describeStatus(subscription: Pick<Subscription, "status" | "modifiedBy">): StatusDescription {
  const status = statusOf(subscription);
  switch (status) {
    case SubscriptionStatus.Enabled:
      return { label: "Enabled", tone: "success", explanation: "Azure DevOps delivers every matching event." };
    case SubscriptionStatus.OnProbation:
      return {
        label: "On probation",
        tone: "warning",
        explanation:
          "The last delivery failed with a non-retryable error. Azure DevOps drops new events until the next probe window (about 20 min, doubling up to 15 h); after 7 failed probes it disables the subscription.",
        action: "Fix the endpoint, then Test or Re-enable.",
      };
    case SubscriptionStatus.DisabledByUser:
      return {
        label: "Disabled by user",
        tone: "neutral",
        explanation: `Someone${by(subscription)} turned this subscription off. No events are delivered.`,
        action: "Enable it when you want deliveries again.",
      };
    case SubscriptionStatus.DisabledBySystem:
      return {
        label: "Disabled by system",
        tone: "failed",
        explanation:
          "Disabled by Azure DevOps after repeated failures during probation or a 410 Gone from the endpoint. Events since then were not delivered and cannot be replayed.",
        action: "Fix the endpoint, Test it, then Enable.",
      };
    case SubscriptionStatus.DisabledByInactiveIdentity:
      return {
        label: "Disabled: inactive owner",
        tone: "failed",
        explanation: `Disabled because its owner${named(subscription)} left the project or lost access.`,
        action: "Enable it to take ownership, or create a new subscription.",
      };
    default:
      return { label: `Status ${String(status)}`, tone: "neutral", explanation: "Azure DevOps reported a status this page does not know." };
  }
}

function by(subscription: Pick<Subscription, "modifiedBy">): string {
  return subscription.modifiedBy?.displayName ? ` (last changed by ${subscription.modifiedBy.displayName})` : "";
}

function named(subscription: Pick<Subscription, "modifiedBy">): string {
  return subscription.modifiedBy?.displayName ? ` ${subscription.modifiedBy.displayName}` : "";
}

/** Statuses caused by failures or lost access, which "Re-enable all" turns back on. Disabled-by-user ones stay off. */
export function needsReenable(subscription: Pick<Subscription, "status">): boolean {
  const status = statusOf(subscription);
  return status === SubscriptionStatus.OnProbation || status === SubscriptionStatus.DisabledBySystem || status === SubscriptionStatus.DisabledByInactiveIdentity;
}

export function isEnabled(subscription: Pick<Subscription, "status">): boolean {
  const status = statusOf(subscription);
  return status === SubscriptionStatus.Enabled || status === SubscriptionStatus.OnProbation;
}
