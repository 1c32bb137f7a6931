/**
 * The event catalogue: the five Git events Hook Relay handles, in words, with the publisher
 * inputs (filters) Azure DevOps offers for each, and the resource type each one carries.
 * The list of ids is the manifest's; `test/contract` checks that this catalogue covers it exactly.
 */
import type { Comment, GitPullRequest, GitPush } from "azure-devops-extension-api/Git";
import type { Event as ServiceHookEvent } from "azure-devops-extension-api/ServiceHooks";

export type GitEventType =
  | "git.push"
  | "git.pullrequest.created"
  | "git.pullrequest.updated"
  | "git.pullrequest.merged"
  | "ms.vss-code.git-pullrequest-comment-event";

export interface PullRequestCommentResource {
  comment: Comment;
  pullRequest: GitPullRequest;
}

export interface ResourceByEventType {
  "git.push": GitPush;
  "git.pullrequest.created": GitPullRequest;
  "git.pullrequest.updated": GitPullRequest;
  "git.pullrequest.merged": GitPullRequest;
  "ms.vss-code.git-pullrequest-comment-event": PullRequestCommentResource;
}

/**
 * What arrives on the wire. Dates are ISO strings in JSON, so the api's `Date` fields are
 * loosened; `data` appears on test notifications.
 */
export type HookEvent<T extends GitEventType = GitEventType> = Omit<ServiceHookEvent, "resource" | "createdDate" | "eventType"> & {
  eventType: T;
  resource: ResourceByEventType[T] | null;
  createdDate: string;
  data?: Record<string, unknown>;
};

export type FilterKind = "repository" | "branch" | "group" | "choice";

/** A publisher input of the `tfs` publisher, as the subscription's `publisherInputs` carry it. */
export interface EventFilter {
  id: string;
  name: string;
  kind: FilterKind;
  /** For `choice` filters: the values Azure DevOps accepts, in words. "" (any) is implicit. */
  choices?: { value: string; label: string }[];
}

export interface EventTypeInfo {
  id: GitEventType;
  /** As the subscription wizard names it. */
  name: string;
  /** A short phrase for tables: "pushes", "pull requests created". */
  noun: string;
  filters: EventFilter[];
}

export const PUBLISHER_ID = "tfs";

const repository: EventFilter = { id: "repository", name: "Repository", kind: "repository" };
const pushBranch: EventFilter = { id: "branch", name: "Branch", kind: "branch" };
const targetBranch: EventFilter = { id: "branch", name: "Target branch", kind: "branch" };
const pullRequestFilters: EventFilter[] = [
  repository,
  targetBranch,
  { id: "pullrequestCreatedBy", name: "Requested by a member of group", kind: "group" },
  { id: "pullrequestReviewersContains", name: "Reviewer includes group", kind: "group" },
];

export const eventCatalogue: Record<GitEventType, EventTypeInfo> = {
  "git.push": {
    id: "git.push",
    name: "Code pushed",
    noun: "pushes",
    filters: [repository, pushBranch, { id: "pushedBy", name: "Pushed by a member of group", kind: "group" }],
  },
  "git.pullrequest.created": {
    id: "git.pullrequest.created",
    name: "Pull request created",
    noun: "pull requests created",
    filters: pullRequestFilters,
  },
  "git.pullrequest.updated": {
    id: "git.pullrequest.updated",
    name: "Pull request updated",
    noun: "pull request updates",
    filters: [
      ...pullRequestFilters,
      {
        id: "notificationType",
        name: "Change",
        kind: "choice",
        choices: [
          { value: "PushNotification", label: "Source branch updated" },
          { value: "ReviewersUpdateNotification", label: "Reviewers changed" },
          { value: "StatusUpdateNotification", label: "Status changed" },
          { value: "ReviewerVoteNotification", label: "Votes score changed" },
        ],
      },
    ],
  },
  "git.pullrequest.merged": {
    id: "git.pullrequest.merged",
    name: "Pull request merge attempted",
    noun: "merge attempts",
    filters: [
      ...pullRequestFilters,
      {
        id: "mergeResult",
        name: "Merge result",
        kind: "choice",
        choices: [
          { value: "Succeeded", label: "Succeeded" },
          { value: "Unsuccessful", label: "Unsuccessful" },
          { value: "Conflicts", label: "Conflicts" },
          { value: "Failure", label: "Failure" },
          { value: "RejectedByPolicy", label: "Rejected by policy" },
        ],
      },
    ],
  },
  "ms.vss-code.git-pullrequest-comment-event": {
    id: "ms.vss-code.git-pullrequest-comment-event",
    name: "Pull request commented on",
    noun: "pull request comments",
    filters: [repository, targetBranch],
  },
};

export const gitEventTypes = Object.keys(eventCatalogue) as GitEventType[];

export function isGitEventType(eventType: unknown): eventType is GitEventType {
  return typeof eventType === "string" && Object.prototype.hasOwnProperty.call(eventCatalogue, eventType);
}

export function describeEventType(eventType: string): string {
  return isGitEventType(eventType) ? eventCatalogue[eventType].name : eventType;
}

const REF_PREFIX = "refs/heads/";

/** "main" and "refs/heads/main" name the same branch; filters may carry either. */
export function toRefName(branch: string): string {
  return branch.startsWith("refs/") ? branch : REF_PREFIX + branch;
}

export function toBranchName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}
