/** The azure-devops-extension-api enums the stand-in speaks, loadable in Node. */
import "../../contract/nodeSelf";

export { InputDataType, InputMode } from "azure-devops-extension-api/FormInput";
export { AuthenticationType, NotificationResult, NotificationStatus, SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
export { CommentThreadStatus, CommentType, PullRequestAsyncStatus, PullRequestStatus, PullRequestTimeRangeType } from "azure-devops-extension-api/Git";
