/** Everything the hub asks Azure DevOps, through the real REST clients. */
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { GitRestClient } from "azure-devops-extension-api/Git";
import { InputFilterOperator } from "azure-devops-extension-api/FormInput";
import {
  SubscriptionStatus,
  type Notification,
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
  /** The id Azure DevOps gave this extension's consumer (see confirmConsumerId). */
  consumerId: string;
}

export type SubscriptionScope = "ours" | "all";

/** Subscriptions per NotificationsQuery: one request per page of rows on screen, never one per row. */
export const HEALTH_BATCH_SIZE = 50;

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
   * Success counts and the newest notification of up to HEALTH_BATCH_SIZE subscriptions, in one request.
   * With includeDetails false Azure DevOps returns only the summary, so it is left unset: the results
   * then come without details, one per subscription (the newest), and the summary counts every
   * notification Azure DevOps keeps, whatever the limits.
   */
  async deliveryHealth(subscriptionIds: string[]): Promise<Map<string, DeliveryHealth>> {
    const answer = await this.hooks.queryNotifications({
      subscriptionIds,
      maxResultsPerSubscription: 1,
      maxResults: subscriptionIds.length,
    } as NotificationsQuery);
    const latest = latestBySubscription(answer.results ?? []);
    const health = new Map<string, DeliveryHealth>();
    for (const id of subscriptionIds) {
      const key = id.toLowerCase();
      const summary = answer.summary?.find((s) => s.subscriptionId.toLowerCase() === key);
      health.set(key, healthFromSummary(summary, latest.get(key)));
    }
    return health;
  }

  /** One page of a subscription's history, newest first, without details (Azure DevOps never lists them). */
  notifications(subscriptionId: string, maxResults = 100): Promise<Notification[]> {
    return this.hooks.getNotifications(subscriptionId, maxResults);
  }

  /** The only call that returns a notification's details: status code, request, response and event. */
  notification(subscriptionId: string, notificationId: number): Promise<Notification> {
    return this.hooks.getNotification(subscriptionId, notificationId);
  }

  /** A PUT of the whole subscription, as Azure DevOps expects every change; a confidential input sent back masked keeps its stored value. */
  replaceSubscription(subscription: Subscription): Promise<Subscription> {
    return this.hooks.replaceSubscription(subscription, subscription.id);
  }

  setStatus(subscription: Subscription, status: SubscriptionStatus): Promise<Subscription> {
    return this.replaceSubscription({ ...subscription, status });
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

function sameId(a: string | undefined, b: string): boolean {
  return !!a && a.toLowerCase() === b.toLowerCase();
}
