/** Test a subscription as Azure DevOps's Test button does: send the sample event, then follow the notification until it completes. */
import type { Notification, Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "./HooksService";
import { pollUntil, type PollOptions } from "./poll";
import { isFinished } from "../model/notifications";

export async function sendTestAndWait(
  service: HooksService,
  subscription: Subscription,
  polling: PollOptions,
  onProgress?: (notification: Notification) => void,
): Promise<Notification> {
  const queued = await service.sendTest(subscription);
  const subscriptionId = queued.subscriptionId || subscription.id;
  return pollUntil(() => service.notification(subscriptionId, queued.id), isFinished, polling, onProgress);
}
