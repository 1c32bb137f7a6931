import type { Notification, Subscription } from "azure-devops-extension-api/ServiceHooks";
import { isFinished } from "../model/notifications";
import type { HooksService } from "./HooksService";
import { pollUntil, type PollOptions } from "./poll";

/** Sends Azure DevOps's sample event with the subscription's settings and follows its notification until it completes. */
export async function testDelivery(
  service: HooksService,
  subscription: Subscription,
  polling: PollOptions,
  onProgress?: (notification: Notification) => void,
): Promise<Notification> {
  const queued = await service.sendTest(subscription);
  const subscriptionId = queued.subscriptionId || subscription.id;
  return pollUntil(() => service.notification(subscriptionId, queued.id), isFinished, polling, onProgress);
}
