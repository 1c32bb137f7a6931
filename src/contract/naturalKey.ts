/**
 * The natural key of the Git change an event reports, whatever event id it carries: a push, a pull
 * request's creation, a pull request's merge. An event delivered by Azure DevOps and one the endpoint
 * rebuilt from the Git REST API for the same change share it, so the store keeps one event for both.
 * Other event types (updates, comments) have no key: nothing but their id identifies them.
 */
import type { GitPullRequest, GitPush } from "./apiTypes";

type Json = Record<string, unknown>;

export const KEYED_EVENT_TYPES = ["git.push", "git.pullrequest.created", "git.pullrequest.merged"] as const;
export type KeyedEventType = (typeof KEYED_EVENT_TYPES)[number];

export function isKeyedEventType(eventType: string): eventType is KeyedEventType {
  return (KEYED_EVENT_TYPES as readonly string[]).includes(eventType);
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

/** Repository ids are GUIDs, compared case-insensitively by Azure DevOps. */
function repositoryIdOf(resource: Partial<GitPush> | Partial<GitPullRequest>): string | undefined {
  return text(asObject(resource.repository)?.id)?.toLowerCase();
}

export function pushKey(repositoryId: string, pushId: number): string {
  return `git.push:${repositoryId.toLowerCase()}:${pushId}`;
}

export function pullRequestCreatedKey(repositoryId: string, pullRequestId: number): string {
  return `git.pullrequest.created:${repositoryId.toLowerCase()}:${pullRequestId}`;
}

export function pullRequestMergedKey(repositoryId: string, pullRequestId: number, mergeCommitId: string): string {
  return `git.pullrequest.merged:${repositoryId.toLowerCase()}:${pullRequestId}:${mergeCommitId.toLowerCase()}`;
}

/** The key of a push resource, or undefined when it lacks the repository or push id. */
export function keyOfPush(push: Partial<GitPush>): string | undefined {
  const repositoryId = repositoryIdOf(push);
  const pushId = count(push.pushId);
  return repositoryId && pushId !== undefined ? pushKey(repositoryId, pushId) : undefined;
}

export function keyOfPullRequest(eventType: "git.pullrequest.created" | "git.pullrequest.merged", pullRequest: Partial<GitPullRequest>): string | undefined {
  const repositoryId = repositoryIdOf(pullRequest);
  const pullRequestId = count(pullRequest.pullRequestId);
  if (!repositoryId || pullRequestId === undefined) return undefined;
  if (eventType === "git.pullrequest.created") return pullRequestCreatedKey(repositoryId, pullRequestId);
  const mergeCommitId = text(asObject(pullRequest.lastMergeCommit)?.commitId);
  return mergeCommitId ? pullRequestMergedKey(repositoryId, pullRequestId, mergeCommitId) : undefined;
}

/** Never throws: an event of another type, or one without the ids, has no key. */
export function naturalKeyOf(event: Json): string | undefined {
  const resource = asObject(event.resource);
  if (!resource) return undefined;
  switch (event.eventType) {
    case "git.push":
      return keyOfPush(resource as Partial<GitPush>);
    case "git.pullrequest.created":
    case "git.pullrequest.merged":
      return keyOfPullRequest(event.eventType, resource as Partial<GitPullRequest>);
    default:
      return undefined;
  }
}
