/** The lists the page shows, fetched together: its subscriptions and the project's repositories. */
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService, SubscriptionScope } from "./HooksService";

export interface PageLists {
  subscriptions: Subscription[];
  /** Empty without Git read access: the filters then show repository ids instead of names. */
  repositories: GitRepository[];
}

export async function loadPageLists(service: HooksService, scope: SubscriptionScope): Promise<PageLists> {
  const [subscriptions, repositories] = await Promise.all([
    service.listSubscriptions(scope),
    service.repositories().catch(() => [] as GitRepository[]),
  ]);
  return { subscriptions, repositories };
}
