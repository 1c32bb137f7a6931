/**
 * Raising events (POST /_devhost/publish): an event built from the official sample for the type,
 * placed in a project and repository of the stand-in, published to every matching subscription.
 */
import { randomUUID } from "node:crypto";
import { isGitEventType, PUBLISHER_ID, toRefName, type GitEventType } from "../../contract/events";
import { extractFacts, type EventFacts } from "../../contract/facts";
import { loadSample } from "../../contract/samples";
import { serviceTimestamp } from "./dates";
import { SubscriptionStatus } from "./contracts";
import type { DevhostState, Repository, StoredNotification, StoredSubscription } from "./state";

export interface PublishRequest {
  eventType: string;
  /** Id or name; default the first project. */
  projectId?: string;
  /** Id or name of a repository of that project; default its first repository. */
  repository?: string;
  /** Pushed branch, or a pull request's target branch; default the sample's. */
  branch?: string;
  /** For git.pullrequest.updated: which change it is (PushNotification, ReviewersUpdateNotification, …). */
  notificationType?: string;
  /** Deep-merged into the event last. */
  overrides?: Record<string, unknown>;
}

export class PublishError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepMerge(target: Json, patch: Json): Json {
  for (const [key, value] of Object.entries(patch)) {
    target[key] = isObject(value) && isObject(target[key]) ? deepMerge(target[key] as Json, value) : value;
  }
  return target;
}

/** Where the repository sits in each event type's resource. */
function repositoryHolder(eventType: GitEventType, resource: Json): Json {
  return eventType === "ms.vss-code.git-pullrequest-comment-event" ? (resource.pullRequest as Json) : resource;
}

function placeRepository(event: Json, eventType: GitEventType, repository: Repository, state: DevhostState): void {
  const project = state.project(repository.projectId)!;
  const holder = repositoryHolder(eventType, event.resource as Json);
  const previous = isObject(holder.repository) ? holder.repository : {};
  holder.repository = {
    ...previous,
    id: repository.id,
    name: repository.name,
    url: `https://dev.azure.com/${state.organization}/_apis/git/repositories/${repository.id}`,
    project: { ...(isObject(previous.project) ? previous.project : {}), id: project.id, name: project.name },
    defaultBranch: repository.defaultBranch,
  };
}

function placeBranch(event: Json, eventType: GitEventType, branch: string): void {
  const resource = event.resource as Json;
  if (eventType === "git.push") {
    const updates = Array.isArray(resource.refUpdates) ? (resource.refUpdates as Json[]) : [];
    resource.refUpdates = updates.length > 0 ? updates.map((u, i) => (i === 0 ? { ...u, name: toRefName(branch) } : u)) : [{ name: toRefName(branch) }];
  } else {
    repositoryHolder(eventType, resource).targetRefName = toRefName(branch);
  }
}

export function buildEvent(state: DevhostState, request: PublishRequest, now: Date): Json {
  if (!isGitEventType(request.eventType)) throw new PublishError(`Unknown or unsupported event type '${request.eventType}'.`);
  const project = request.projectId ? state.project(request.projectId) : state.data.projects[0];
  if (!project) throw new PublishError(`No project '${request.projectId ?? ""}' in the devhost state (seed it first).`);
  const repository = request.repository
    ? state.repository(request.repository, project.id)
    : state.data.repositories.find((r) => r.projectId === project.id);
  if (!repository) throw new PublishError(`No repository '${request.repository ?? ""}' in project ${project.name}.`);
  const { scope: _ignored, ...sample } = loadSample(request.eventType) as unknown as Json;
  const event: Json = {
    ...structuredClone(sample),
    id: randomUUID(),
    createdDate: serviceTimestamp(now),
    resourceContainers: {
      collection: { id: state.data.collectionId },
      account: { id: state.data.collectionId },
      project: { id: project.id },
    },
  };
  placeRepository(event, request.eventType, repository, state);
  if (request.branch) placeBranch(event, request.eventType, request.branch);
  return request.overrides ? deepMerge(event, request.overrides) : event;
}

function identityMatches(state: DevhostState, filterValue: string, identities: (string | undefined)[]): boolean {
  const wanted = filterValue.toLowerCase();
  const members = (state.data.groups[filterValue] ?? []).map((m) => m.toLowerCase());
  return identities.some((id) => id !== undefined && (id.toLowerCase() === wanted || members.includes(id.toLowerCase())));
}

function reviewerNames(event: Json): string[] {
  const resource = event.resource as Json;
  const pullRequest = isObject(resource.pullRequest) ? resource.pullRequest : resource;
  const reviewers = Array.isArray(pullRequest.reviewers) ? (pullRequest.reviewers as Json[]) : [];
  return reviewers.flatMap((r) => [r.uniqueName, r.displayName, r.id].filter((v): v is string => typeof v === "string"));
}

const MERGE_RESULTS: Record<string, string> = {
  succeeded: "Succeeded",
  conflicts: "Conflicts",
  failure: "Failure",
  rejectedbypolicy: "RejectedByPolicy",
};

/** The `tfs` publisher's input filters (service-hooks-internals §5). An empty value means Any. */
export function matches(state: DevhostState, subscription: StoredSubscription, event: Json, facts: EventFacts, request: PublishRequest): boolean {
  const checks: Record<string, (value: string) => boolean> = {
    projectId: (v) => v.toLowerCase() === (facts.projectId ?? "").toLowerCase(),
    repository: (v) => v.toLowerCase() === (facts.repositoryId ?? "").toLowerCase(),
    branch: (v) => (event.eventType === "git.push" ? facts.refs : facts.refs.slice(0, 1)).includes(toRefName(v)),
    pushedBy: (v) => identityMatches(state, v, [facts.actor]),
    pullrequestCreatedBy: (v) => identityMatches(state, v, [facts.actor]),
    pullrequestReviewersContains: (v) => identityMatches(state, v, reviewerNames(event)),
    notificationType: (v) => v === (request.notificationType ?? "StatusUpdateNotification"),
    mergeResult: (v) => {
      const status = String(((event.resource as Json).mergeStatus as string | undefined) ?? "").toLowerCase();
      return v === (MERGE_RESULTS[status] ?? "Unsuccessful");
    },
  };
  return Object.entries(subscription.publisherInputs).every(([id, value]) => !value || !checks[id] || checks[id](value));
}

export interface PublishResult {
  event: Json;
  notifications: StoredNotification[];
  /** Subscriptions that matched but were on probation inside their window. */
  dropped: string[];
}

/** What publishing hands each matching subscription to: the delivery engine. */
export interface EventDelivery {
  /** The notification created, or undefined when the event is dropped (probation window, undeliverable consumer). */
  deliverEvent(subscription: StoredSubscription, event: Json): StoredNotification | undefined;
}

export function publish(state: DevhostState, engine: EventDelivery, request: PublishRequest, now = new Date()): PublishResult {
  const event = buildEvent(state, request, now);
  const facts = extractFacts(event);
  const notifications: StoredNotification[] = [];
  const dropped: string[] = [];
  const active: number[] = [SubscriptionStatus.Enabled, SubscriptionStatus.OnProbation];
  for (const subscription of state.data.subscriptions) {
    if (subscription.publisherId !== PUBLISHER_ID || subscription.eventType !== event.eventType) continue;
    if (!active.includes(subscription.status) || !matches(state, subscription, event, facts, request)) continue;
    const notification = engine.deliverEvent(subscription, event);
    if (notification) notifications.push(notification);
    else if (subscription.status === SubscriptionStatus.OnProbation) dropped.push(subscription.id);
  }
  return { event, notifications, dropped };
}
