/**
 * The facts people query events by, read from the typed payloads of the five Git events.
 * Used by the endpoint (indexing) and the devhost (matching subscription filters).
 */
import type { GitPullRequest, GitRepository, IdentityRef } from "./apiTypes";
import { isGitEventType, type GitEventType, type ResourceByEventType } from "./events";

export interface EventFacts {
  eventType: string;
  /** False for event types outside the catalogue; such events are still stored. */
  known: boolean;
  projectId?: string;
  repositoryId?: string;
  repositoryName?: string;
  /** Refs the event is about: every ref a push updated; a pull request's target then source. */
  refs: string[];
  pullRequestId?: number;
  /** Unique name of who caused it: pusher, pull request author, comment author. */
  actor?: string;
  createdDate?: string;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function identityName(identity: IdentityRef | undefined): string | undefined {
  return stringOrUndefined(identity?.uniqueName) ?? stringOrUndefined(identity?.displayName);
}

function repositoryFacts(repository: Partial<GitRepository> | undefined) {
  return {
    repositoryId: stringOrUndefined(repository?.id),
    repositoryName: stringOrUndefined(repository?.name),
    projectId: stringOrUndefined(repository?.project?.id),
  };
}

function pullRequestFacts(pullRequest: Partial<GitPullRequest> | undefined) {
  const refs = [pullRequest?.targetRefName, pullRequest?.sourceRefName].filter(
    (r): r is string => typeof r === "string" && r.length > 0,
  );
  const id = pullRequest?.pullRequestId;
  return {
    ...repositoryFacts(pullRequest?.repository),
    refs,
    pullRequestId: typeof id === "number" && Number.isSafeInteger(id) ? id : undefined,
    actor: identityName(pullRequest?.createdBy),
  };
}

type Extractor<T extends GitEventType> = (resource: Partial<ResourceByEventType[T]>) => Partial<EventFacts>;

const extractors: { [T in GitEventType]: Extractor<T> } = {
  "git.push": (push) => ({
    ...repositoryFacts(push.repository),
    refs: (Array.isArray(push.refUpdates) ? push.refUpdates : [])
      .map((u) => u?.name)
      .filter((n): n is string => typeof n === "string" && n.length > 0),
    actor: identityName(push.pushedBy),
  }),
  "git.pullrequest.created": pullRequestFacts,
  "git.pullrequest.updated": pullRequestFacts,
  "git.pullrequest.merged": pullRequestFacts,
  "ms.vss-code.git-pullrequest-comment-event": (resource) => ({
    ...pullRequestFacts(asObject(resource.pullRequest) as GitPullRequest | undefined),
    actor: identityName(asObject(resource.comment)?.author as IdentityRef | undefined),
  }),
};

/** Never throws: a payload with odd shapes yields fewer facts, not an error. */
export function extractFacts(event: Json): EventFacts {
  const eventType = String(event.eventType);
  const known = isGitEventType(eventType);
  const resource = asObject(event.resource) ?? {};
  const fromResource = known ? (extractors[eventType] as Extractor<GitEventType>)(resource) : {};
  const containerProject = stringOrUndefined(asObject(asObject(event.resourceContainers)?.project)?.id);
  return {
    eventType,
    known,
    refs: [],
    ...fromResource,
    projectId: containerProject ?? fromResource.projectId,
    createdDate: stringOrUndefined(event.createdDate),
  };
}
