/** Everything the hub asks Azure DevOps, through the real REST clients. */
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { GitRestClient } from "azure-devops-extension-api/Git";
import { InputFilterOperator } from "azure-devops-extension-api/FormInput";
import {
  SubscriptionStatus,
  type Notification,
  type NotificationResult,
  type NotificationSummary,
  type NotificationsQuery,
  type Subscription,
  type SubscriptionsQuery,
} from "azure-devops-extension-api/ServiceHooks";
import type { ServiceHooksRestClient } from "azure-devops-extension-api/ServiceHooks";
import { PUBLISHER_ID } from "../../contract";
import { healthFromSummary, latestBySubscription, type DeliveryHealth } from "../model/notifications";

export interface HubContext {
  projectId: string;
  projectName: string;
  /** <publisher>.<extension>.<consumer contribution>, from the running extension's context. */
  consumerId: string;
}

export type SubscriptionScope = "ours" | "all";

/** Subscriptions per NotificationsQuery: one request per page of rows, never one per row. */
export const HEALTH_BATCH_SIZE = 50;
/** Azure DevOps returns at most 100 notifications per subscription by default and keeps about 7 days. */
const HISTORY_PER_SUBSCRIPTION = 100;

export class HooksService {
  constructor(
    private readonly hooks: ServiceHooksRestClient,
    private readonly git: GitRestClient,
    readonly context: HubContext,
  ) {}

  async listSubscriptions(scope: SubscriptionScope): Promise<Subscription[]> {
    const query = {
      publisherId: PUBLISHER_ID,
      consumerId: scope === "ours" ? this.context.consumerId : undefined,
      publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: InputFilterOperator.Equals, inputValue: this.context.projectId, caseSensitive: false }] }],
    } as unknown as SubscriptionsQuery;
    const answer = await this.hooks.createSubscriptionsQuery(query);
    // The query filters on the server; checking again keeps other projects out whatever the server does.
    return (answer.results ?? []).filter((s) => sameId(s.publisherInputs?.projectId, this.context.projectId));
  }

  repositories(): Promise<GitRepository[]> {
    return this.git.getRepositories(this.context.projectId);
  }

  /**
   * Success counts and the latest notification for up to HEALTH_BATCH_SIZE subscriptions, in one request
   * without details. The per-subscription limit covers the history Azure DevOps keeps, so the summary
   * counts that whole history whether the server summarises before or after applying the limits.
   */
  async deliveryHealth(subscriptionIds: string[]): Promise<Map<string, DeliveryHealth>> {
    const answer = await this.hooks.queryNotifications({
      subscriptionIds,
      maxResultsPerSubscription: HISTORY_PER_SUBSCRIPTION,
      maxResults: subscriptionIds.length * HISTORY_PER_SUBSCRIPTION,
      includeDetails: false,
    } as NotificationsQuery);
    const results = answer.results ?? [];
    const latest = latestBySubscription(results);
    const health = new Map<string, DeliveryHealth>();
    for (const id of subscriptionIds) {
      const key = id.toLowerCase();
      const summary = answer.summary?.find((s) => s.subscriptionId.toLowerCase() === key) ?? summarize(key, results);
      health.set(key, healthFromSummary(summary, latest.get(key)));
    }
    return health;
  }

  notifications(subscriptionId: string, maxResults = 100): Promise<Notification[]> {
    return this.hooks.getNotifications(subscriptionId, maxResults);
  }

  notification(subscriptionId: string, notificationId: number): Promise<Notification> {
    return this.hooks.getNotification(subscriptionId, notificationId);
  }

  /** A PUT of the whole subscription with the new status; confidential inputs stay masked and the server keeps their values. */
  setStatus(subscription: Subscription, status: SubscriptionStatus): Promise<Subscription> {
    return this.hooks.replaceSubscription({ ...subscription, status }, subscription.id);
  }

  enable(subscription: Subscription): Promise<Subscription> {
    return this.setStatus(subscription, SubscriptionStatus.Enabled);
  }

  disable(subscription: Subscription): Promise<Subscription> {
    return this.setStatus(subscription, SubscriptionStatus.DisabledByUser);
  }

  deleteSubscription(subscriptionId: string): Promise<void> {
    return this.hooks.deleteSubscription(subscriptionId);
  }

  createSubscription(subscription: Subscription): Promise<Subscription> {
    return this.hooks.createSubscription(subscription);
  }

  /** Ask Azure DevOps to send its sample event with this subscription's settings. */
  sendTest(subscription: Subscription): Promise<Notification> {
    return this.hooks.createTestNotification({
      subscriptionId: subscription.id,
      details: {
        publisherId: subscription.publisherId,
        eventType: subscription.eventType,
        consumerId: subscription.consumerId,
        consumerActionId: subscription.consumerActionId,
        publisherInputs: subscription.publisherInputs,
        consumerInputs: subscription.consumerInputs,
      },
    } as Notification);
  }
}

function summarize(subscriptionId: string, notifications: Notification[]): NotificationSummary {
  const counts = new Map<NotificationResult, number>();
  for (const n of notifications) {
    if (n.subscriptionId.toLowerCase() === subscriptionId) counts.set(n.result, (counts.get(n.result) ?? 0) + 1);
  }
  return { subscriptionId, results: [...counts].map(([result, notificationCount]) => ({ result, notificationCount })) };
}

function sameId(a: string | undefined, b: string): boolean {
  return !!a && a.toLowerCase() === b.toLowerCase();
}
