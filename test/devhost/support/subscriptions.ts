/** A new Hook Relay subscription as a client would send it, for tests of the stand-in's hooks API. */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { CONSUMER_ID, consumer } from "../../../src/contract/manifest";
import { PUBLISHER_ID } from "../../../src/contract/events";
import { SEED_PROJECT } from "../../../src/devhost/core/seed";

export const deliverAction = consumer.actions[0];

export function newSubscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    publisherId: PUBLISHER_ID,
    eventType: "git.push",
    consumerId: CONSUMER_ID,
    consumerActionId: deliverAction.id,
    publisherInputs: { projectId: SEED_PROJECT.id },
    consumerInputs: { url: "https://hooks.example.com/hooks", token: "a-very-secret-token-123" },
    ...overrides,
  } as Subscription;
}
