/** A Hook Relay subscription in the stand-in's seeded project, made by its signed-in user. */
import { randomUUID } from "node:crypto";
import { CONSUMER_ID, consumer } from "../../../src/contract/manifest";
import { PUBLISHER_ID } from "../../../src/contract/events";
import { SEED_PROJECT } from "../../../src/devhost/core/seed";
import { newSubscriptionBookkeeping, type DevhostState } from "../../../src/devhost/core/state";

export const SUBSCRIPTION_TOKEN = "ingest-token-0123456789";

export interface SubscribeOptions {
  eventType: string;
  url: string;
  token?: string;
  id?: string;
  /** SubscriptionStatus; enabled (0) unless given. */
  status?: number;
  /** Filters beside the project. */
  publisherInputs?: Record<string, string>;
}

export function subscribe(state: DevhostState, options: SubscribeOptions): string {
  const subscription = state.addSubscription({
    id: options.id ?? randomUUID(),
    status: options.status ?? 0,
    publisherId: PUBLISHER_ID,
    eventType: options.eventType,
    eventDescription: "",
    consumerId: CONSUMER_ID,
    consumerActionId: consumer.actions[0].id,
    actionDescription: "",
    publisherInputs: { projectId: SEED_PROJECT.id, ...options.publisherInputs },
    consumerInputs: { url: options.url, token: options.token ?? SUBSCRIPTION_TOKEN },
    ...newSubscriptionBookkeeping(state.currentUser().id, new Date().toISOString()),
  });
  return subscription.id;
}
