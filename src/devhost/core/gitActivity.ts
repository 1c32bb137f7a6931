/**
 * What a raised Git event leaves in the repositories, as it would on Azure DevOps: a `git.push` is
 * a push with its repository's next push id; a pull request event opens, updates, comments on or
 * completes a pull request (ids unique in the organization). The Git REST API then answers with
 * these records, and the delivered event carries them (rest-responses §4).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { toRefName } from "../../contract/events";
import { CommentThreadStatus, CommentType, PullRequestAsyncStatus, PullRequestStatus } from "./contracts";
import { serviceTimestamp } from "./dates";
import type { DevhostState, IsoDate, Repository, StoredComment, StoredCommit, StoredPullRequest, StoredPush, StoredThread } from "./state";

type Json = Record<string, unknown>;

export class GitActivityError extends Error {}

/** The object id a ref points at: its last push's commit, or a stable made-up id before any push. */
export function headOf(repository: Repository, ref: string): string {
  return repository.heads?.[ref] ?? createHash("sha1").update(`${repository.id}:${ref}`).digest("hex");
}

/** 40 hex digits, as a real commit id. */
function newCommitId(): string {
  return randomBytes(20).toString("hex");
}

const EMPTY_OBJECT_ID = "0".repeat(40);

function moveHead(repository: Repository, ref: string, objectId: string): void {
  repository.heads = { ...repository.heads, [ref]: objectId };
  if (!repository.branches.includes(ref)) repository.branches.push(ref);
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function objectsIn(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === "object") : [];
}

export interface ActivityContext {
  state: DevhostState;
  repository: Repository;
  /** Who pushed, opened, updated or commented. */
  actorId: string;
  now: Date;
}

/** A push of the built event's first ref and commits (their messages are kept, their ids are new). */
export function recordPush(context: ActivityContext, resource: Json): StoredPush {
  const { state, repository, actorId, now } = context;
  const ref = toRefName(text(objectsIn(resource.refUpdates)[0]?.name, repository.defaultBranch));
  const date = serviceTimestamp(now);
  const oldObjectId = repository.branches.includes(ref) ? headOf(repository, ref) : EMPTY_OBJECT_ID;
  const sampleCommits = objectsIn(resource.commits);
  const commits: StoredCommit[] = [];
  for (const commit of sampleCommits.length > 0 ? sampleCommits : [{}]) {
    const parent = commits.length > 0 ? commits[commits.length - 1].commitId : oldObjectId;
    commits.push({
      commitId: newCommitId(),
      parents: parent === EMPTY_OBJECT_ID ? [] : [parent],
      comment: text(commit.comment, "Update"),
      authorId: actorId,
      date: now.toISOString(),
    });
  }
  const newObjectId = commits[commits.length - 1].commitId;
  moveHead(repository, ref, newObjectId);
  return state.addPush({ repositoryId: repository.id, date, pushedById: actorId, refUpdates: [{ name: ref, oldObjectId, newObjectId }], commits });
}

/** A new active pull request from the built event's source and target refs, title and description. */
export function openPullRequest(context: ActivityContext, resource: Json): StoredPullRequest {
  const { state, repository, actorId, now } = context;
  const sourceRefName = toRefName(text(resource.sourceRefName, "refs/heads/topic"));
  const targetRefName = toRefName(text(resource.targetRefName, repository.defaultBranch));
  return state.addPullRequest({
    repositoryId: repository.id,
    title: text(resource.title, "Pull request"),
    description: typeof resource.description === "string" ? resource.description : "",
    sourceRefName,
    targetRefName,
    createdById: actorId,
    creationDate: serviceTimestamp(now),
    status: PullRequestStatus.Active,
    closedDate: null,
    closedById: null,
    // The service computes a merge preview as soon as the pull request exists.
    mergeStatus: PullRequestAsyncStatus.Succeeded,
    mergeId: randomUUID(),
    lastMergeSourceCommit: headOf(repository, sourceRefName),
    lastMergeTargetCommit: headOf(repository, targetRefName),
    lastMergeCommit: newCommitId(),
    reviewers: objectsIn(resource.reviewers),
    threads: [],
  });
}

function nextThreadId(pullRequest: StoredPullRequest): number {
  return pullRequest.threads.reduce((max, t) => Math.max(max, t.id), 0) + 1;
}

function addThread(context: ActivityContext, pullRequest: StoredPullRequest, thread: { content: string; type: CommentType; properties: Record<string, string>; status: CommentThreadStatus }): StoredThread {
  const date: IsoDate = serviceTimestamp(context.now);
  const comment: StoredComment = { id: 1, parentCommentId: 0, authorId: context.actorId, content: thread.content, publishedDate: date, commentType: thread.type };
  const stored: StoredThread = { id: nextThreadId(pullRequest), publishedDate: date, lastUpdatedDate: date, status: thread.status, comments: [comment], properties: thread.properties };
  pullRequest.threads.push(stored);
  return stored;
}

/** A system thread as the service leaves one for a change it made (rest-responses §4). */
function addSystemThread(context: ActivityContext, pullRequest: StoredPullRequest, threadType: string, content: string): StoredThread {
  // System threads carry no status of their own.
  return addThread(context, pullRequest, { content, type: CommentType.System, properties: { CodeReviewThreadType: threadType }, status: CommentThreadStatus.Unknown });
}

function close(context: ActivityContext, pullRequest: StoredPullRequest, status: PullRequestStatus): void {
  pullRequest.status = status;
  pullRequest.closedDate = serviceTimestamp(context.now);
  pullRequest.closedById = context.actorId;
}

/**
 * Completes the pull request with a successful merge: a new merge commit on the target branch and a
 * MergeAttempt thread. The merge commit's push to the target branch is not recorded (nor raised as a
 * git.push), so that every push in the stand-in is one that a published git.push raised.
 */
export function completePullRequest(context: ActivityContext, pullRequest: StoredPullRequest): void {
  const name = context.state.identity(context.actorId)?.displayName ?? "Someone";
  const mergeCommit = newCommitId();
  pullRequest.lastMergeSourceCommit = headOf(context.repository, pullRequest.sourceRefName);
  pullRequest.lastMergeTargetCommit = headOf(context.repository, pullRequest.targetRefName);
  pullRequest.lastMergeCommit = mergeCommit;
  pullRequest.mergeStatus = PullRequestAsyncStatus.Succeeded;
  moveHead(context.repository, pullRequest.targetRefName, mergeCommit);
  close(context, pullRequest, PullRequestStatus.Completed);
  addSystemThread(context, pullRequest, "MergeAttempt", `${name} merged the pull request`);
  context.state.changed();
}

/** The `notificationType` of a git.pullrequest.updated event → the system thread it leaves. */
const UPDATE_THREADS: Record<string, string> = {
  PushNotification: "RefUpdate",
  ReviewersUpdateNotification: "ReviewersUpdate",
  ReviewerVoteNotification: "VoteUpdate",
};

/**
 * A git.pullrequest.updated change: a push to the source branch moves the merge source, a status
 * change takes the status the event carries (completed, abandoned or active again), reviewer and
 * vote changes leave their system thread.
 */
export function updatePullRequest(context: ActivityContext, pullRequest: StoredPullRequest, notificationType: string, resource: Json): void {
  if (notificationType === "StatusUpdateNotification") {
    const status = text(resource.status, "").toLowerCase();
    if (status === "completed") return completePullRequest(context, pullRequest);
    if (status === "abandoned") close(context, pullRequest, PullRequestStatus.Abandoned);
    if (status === "active") Object.assign(pullRequest, { status: PullRequestStatus.Active, closedDate: null, closedById: null });
  } else if (notificationType === "PushNotification") {
    const commit = newCommitId();
    moveHead(context.repository, pullRequest.sourceRefName, commit);
    pullRequest.lastMergeSourceCommit = commit;
    pullRequest.lastMergeCommit = newCommitId();
  } else if (notificationType === "ReviewersUpdateNotification") {
    pullRequest.reviewers = objectsIn(resource.reviewers);
  }
  const threadType = UPDATE_THREADS[notificationType];
  const name = context.state.identity(context.actorId)?.displayName ?? "Someone";
  if (threadType) addSystemThread(context, pullRequest, threadType, `${name} updated the pull request (${notificationType})`);
  context.state.changed();
}

/** A reviewer's comment: a new active text thread. */
export function addComment(context: ActivityContext, pullRequest: StoredPullRequest, content: string): { thread: StoredThread; comment: StoredComment } {
  const thread = addThread(context, pullRequest, { content, type: CommentType.Text, properties: {}, status: CommentThreadStatus.Active });
  context.state.changed();
  return { thread, comment: thread.comments[0] };
}

/**
 * The pull request a later event is about: the one named, or the repository's newest active one.
 * With none, one is opened silently (no git.pullrequest.created is raised for it).
 */
export function pullRequestFor(context: ActivityContext, resource: Json, pullRequestId?: number): StoredPullRequest {
  if (pullRequestId !== undefined) {
    const named = context.state.pullRequest(pullRequestId);
    if (!named || named.repositoryId !== context.repository.id) {
      throw new GitActivityError(`No pull request ${pullRequestId} in repository ${context.repository.name}.`);
    }
    return named;
  }
  const active = context.state.data.pullRequests.filter((p) => p.repositoryId === context.repository.id && p.status === PullRequestStatus.Active);
  return active[active.length - 1] ?? openPullRequest(context, resource);
}
