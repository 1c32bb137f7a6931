/**
 * Rebuilding events from the Git REST API (rest-responses §4.2), for what Azure DevOps dropped while a
 * subscription was on probation and what history holds only truncated: `git.push` from the pushes of
 * the repositories the subscription's filters match, `git.pullrequest.created` from the pull requests
 * created in the window and `git.pullrequest.merged` from those completed in it. A rebuilt event gets
 * a new id derived from its natural key (the same on every run and replica), its resource as the Git
 * API returns it now, and message texts marked as rebuilt.
 */
import { createHash } from "node:crypto";
import { eventCatalogue, toRefName } from "../../contract/events";
import { extractFacts } from "../../contract/facts";
import { keyOfPullRequest, pushKey, type KeyedEventType } from "../../contract/naturalKey";
import type { AdoClient } from "./client";
import type { GitPullRequest, GitPush, GitRepository } from "./contracts";
import type { WatchedSubscription } from "./subscriptions";
import type { ReconcileLedger, RecordDelivery } from "./types";

export const PUSHES_PAGE = 100;
/** The most pull requests the service returns per call. */
export const PULL_REQUESTS_PAGE = 1000;
/** Commits a rebuilt push carries, as the service's push events do. */
const PUSH_COMMITS = 100;

/** Filters of the `tfs` publisher the rebuild applies (the project is where it looks); the others are reported as not checked. */
const CHECKED_FILTERS = new Set(["repository", "branch"]);

export interface RebuildContext {
  client: AdoClient;
  ledger: ReconcileLedger;
  record: RecordDelivery;
  /** The organization's id (connectionData's instanceId), for resourceContainers. */
  collectionId: string;
  now: number;
  signal?: AbortSignal;
}

export interface RebuildScan {
  /** Git changes in the window that match the subscription's filters. */
  changes: number;
  rebuilt: number;
  alreadyHeld: number;
  notChecked: string[];
}

export function isRebuildable(eventType: string): eventType is KeyedEventType {
  return eventType === "git.push" || eventType === "git.pullrequest.created" || eventType === "git.pullrequest.merged";
}

/** A UUID (version 5 layout, SHA-1) named by the natural key: every run and replica derives the same id. */
export function rebuiltEventId(naturalKey: string): string {
  const hash = createHash("sha1").update(`hookrelay-rebuilt:${naturalKey}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const REBUILT_NOTE = "(Rebuilt by Hook Relay from the Git history: Azure DevOps did not deliver this event.)";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The texts Azure DevOps renders server-side, rebuilt plainly and marked; names and titles escaped in the html. */
function messages(text: string) {
  const marked = `${text} ${REBUILT_NOTE}`;
  const message = { text: marked, html: marked.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]), markdown: marked };
  return { message, detailedMessage: message };
}

function shortRef(ref: string | undefined): string {
  return (ref ?? "").replace(/^refs\/heads\//, "");
}

/** A Git change found in the window, as the event to rebuild for it. */
interface Change {
  eventType: KeyedEventType;
  naturalKey: string;
  resource: GitPush | GitPullRequest;
  /** When the change happened: the push's date, the pull request's creation or closing. */
  createdDate: string;
  /** What the event's message says, before it is marked as rebuilt. */
  text: string;
}

/** The event in the shape Azure DevOps publishes it (samples/payloads). */
export function buildEvent(subscription: WatchedSubscription, change: Change, collectionId: string): Record<string, unknown> {
  const projectId = (change.resource as { repository?: GitRepository }).repository?.project?.id ?? subscription.publisherInputs.projectId;
  return {
    subscriptionId: subscription.id,
    id: rebuiltEventId(change.naturalKey),
    eventType: change.eventType,
    publisherId: "tfs",
    ...messages(change.text),
    resource: change.resource,
    resourceVersion: "1.0",
    resourceContainers: { collection: { id: collectionId }, account: { id: collectionId }, project: { id: projectId } },
    createdDate: change.createdDate,
  };
}

/** Stores the rebuilt event of a change; false when the store already held the change after all. */
async function storeRebuilt(context: RebuildContext, subscription: WatchedSubscription, change: Change): Promise<boolean> {
  const event = buildEvent(subscription, change, context.collectionId);
  const naturalKey = change.naturalKey;
  const outcome = await context.record({
    channel: subscription.channel,
    eventId: String(event.id),
    facts: extractFacts(event),
    body: JSON.stringify(event),
    headers: {},
    receivedAt: Date.now(),
    origin: "rebuilt",
    naturalKey,
  });
  return !outcome.duplicate;
}

async function repositoriesOf(context: RebuildContext, subscription: WatchedSubscription): Promise<string[]> {
  const { projectId, repository } = subscription.publisherInputs;
  if (repository) return [repository];
  const path = projectId ? `${encodeURIComponent(projectId)}/_apis/git/repositories` : "_apis/git/repositories";
  const repositories = await context.client.list<GitRepository>(path, {}, context.signal);
  return repositories.map((r) => r.id);
}

function branchMatches(subscription: WatchedSubscription, refs: (string | undefined)[]): boolean {
  const branch = subscription.publisherInputs.branch;
  return !branch || refs.includes(toRefName(branch));
}

async function rebuildPushes(context: RebuildContext, subscription: WatchedSubscription, from: number, scan: RebuildScan): Promise<void> {
  for (const repositoryId of await repositoriesOf(context, subscription)) {
    const base = `_apis/git/repositories/${encodeURIComponent(repositoryId)}/pushes`;
    for (let skip = 0; ; skip += PUSHES_PAGE) {
      const pushes = await context.client.list<GitPush>(
        base,
        {
          "searchCriteria.fromDate": new Date(from).toISOString(),
          "searchCriteria.toDate": new Date(context.now).toISOString(),
          "searchCriteria.includeRefUpdates": true,
          $top: PUSHES_PAGE,
          $skip: skip,
        },
        context.signal,
      );
      for (const listed of pushes) {
        if (!branchMatches(subscription, (listed.refUpdates ?? []).map((u) => u.name))) continue;
        const key = pushKey(listed.repository?.id ?? repositoryId, listed.pushId);
        scan.changes++;
        if (await context.ledger.hasNaturalKey(subscription.channel, key)) {
          scan.alreadyHeld++;
          continue;
        }
        const push = await context.client.get<GitPush>(`${base}/${listed.pushId}`, { includeCommits: PUSH_COMMITS, includeRefUpdates: true }, context.signal);
        const ref = shortRef(push.refUpdates?.[0]?.name);
        const text = `${push.pushedBy?.displayName ?? "Someone"} pushed updates to ${push.repository?.name ?? repositoryId}:${ref}.`;
        const change = { eventType: "git.push" as const, naturalKey: key, resource: push, createdDate: String(push.date), text };
        if (await storeRebuilt(context, subscription, change)) scan.rebuilt++;
        else scan.alreadyHeld++;
      }
      if (pushes.length < PUSHES_PAGE) break;
    }
  }
}

/** Pull requests of the subscription's project created (or closed) within the window, every page. */
async function pullRequestsIn(context: RebuildContext, subscription: WatchedSubscription, from: number, range: "created" | "closed"): Promise<GitPullRequest[]> {
  const { projectId, repository } = subscription.publisherInputs;
  const path = projectId ? `${encodeURIComponent(projectId)}/_apis/git/pullrequests` : "_apis/git/pullrequests";
  const found: GitPullRequest[] = [];
  for (let skip = 0; ; skip += PULL_REQUESTS_PAGE) {
    const page = await context.client.list<GitPullRequest>(
      path,
      {
        "searchCriteria.status": range === "closed" ? "completed" : "all",
        "searchCriteria.queryTimeRangeType": range,
        "searchCriteria.minTime": new Date(from).toISOString(),
        "searchCriteria.maxTime": new Date(context.now).toISOString(),
        "searchCriteria.repositoryId": repository || undefined,
        $top: PULL_REQUESTS_PAGE,
        $skip: skip,
      },
      context.signal,
    );
    found.push(...page);
    if (page.length < PULL_REQUESTS_PAGE) return found;
  }
}

async function rebuildPullRequests(context: RebuildContext, subscription: WatchedSubscription, eventType: "git.pullrequest.created" | "git.pullrequest.merged", from: number, scan: RebuildScan) {
  const merged = eventType === "git.pullrequest.merged";
  for (const pullRequest of await pullRequestsIn(context, subscription, from, merged ? "closed" : "created")) {
    if (!branchMatches(subscription, [pullRequest.targetRefName])) continue;
    const key = keyOfPullRequest(eventType, pullRequest);
    if (!key) continue;
    scan.changes++;
    if (await context.ledger.hasNaturalKey(subscription.channel, key)) {
      scan.alreadyHeld++;
      continue;
    }
    const who = (merged ? pullRequest.closedBy : pullRequest.createdBy)?.displayName ?? "Someone";
    const what = merged ? "completed" : "created";
    const text = `${who} ${what} pull request ${pullRequest.pullRequestId} (${pullRequest.title ?? ""}) in ${pullRequest.repository?.name ?? ""}.`;
    const date = String((merged ? pullRequest.closedDate : pullRequest.creationDate) ?? new Date(context.now).toISOString());
    if (await storeRebuilt(context, subscription, { eventType, naturalKey: key, resource: pullRequest, createdDate: date, text })) scan.rebuilt++;
    else scan.alreadyHeld++;
  }
}

/** Rebuilds the subscription's events of [from, now] that the endpoint does not hold. */
export async function rebuildFromGit(context: RebuildContext, subscription: WatchedSubscription & { eventType: KeyedEventType }, from: number): Promise<RebuildScan> {
  const notChecked = eventCatalogue[subscription.eventType]?.filters
    .filter((filter) => subscription.publisherInputs[filter.id] && !CHECKED_FILTERS.has(filter.id))
    .map((filter) => filter.id) ?? [];
  const scan: RebuildScan = { changes: 0, rebuilt: 0, alreadyHeld: 0, notChecked };
  if (subscription.eventType === "git.push") await rebuildPushes(context, subscription, from, scan);
  else await rebuildPullRequests(context, subscription, subscription.eventType, from, scan);
  return scan;
}
