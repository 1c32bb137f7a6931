/** The azure-devops-extension-api contracts reconciliation reads, loadable in Node. */
import "../../contract/nodeSelf";

export { NotificationResult, SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
export type { Notification, NotificationsQuery, NotificationSummary, Subscription } from "azure-devops-extension-api/ServiceHooks";
export { PullRequestStatus } from "azure-devops-extension-api/Git";
export type { GitPullRequest, GitPush, GitRepository } from "azure-devops-extension-api/Git";
