/**
 * Git records → the JSON the Git REST API returns (GitRepository, GitPush, GitPullRequest,
 * GitPullRequestCommentThread), in the caller's wire format. Events raised by the stand-in carry the
 * same JSON (ISO dates, enum names) as their resource, so a receiver can match one with the other.
 */
import { CommentThreadStatus, CommentType, PullRequestAsyncStatus, PullRequestStatus } from "./contracts";
import type { DevhostState, Project, Repository, StoredComment, StoredPullRequest, StoredPush, StoredThread } from "./state";
import { identityRef, type Location } from "./identityRef";
import { dateText, enumText, type WireOptions } from "./wire";

/** What presenting needs: RouteContext has it; events use `eventView`. */
export interface GitView {
  state: DevhostState;
  location: Location;
  wire: WireOptions;
}

/** How events are written: the organization's public URL, ISO dates, enum names. */
export function eventView(state: DevhostState): GitView {
  return {
    state,
    location: { collectionUrl: `https://dev.azure.com/${state.organization}/` },
    wire: { enumsAsNumbers: false, msDateFormat: false, noArrayWrap: false },
  };
}

export function presentProject(project: Project, view: GitView) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    url: `${view.location.collectionUrl}_apis/projects/${project.id}`,
    state: view.wire.enumsAsNumbers ? 1 : "wellFormed",
    revision: 1,
    visibility: view.wire.enumsAsNumbers ? 0 : "private",
    lastUpdateTime: "2025-01-06T09:00:00Z",
  };
}

function repositoryUrl(repository: Repository, view: GitView): string {
  return `${view.location.collectionUrl}${repository.projectId}/_apis/git/repositories/${repository.id}`;
}

export function presentRepository(repository: Repository, view: GitView) {
  const project = view.state.project(repository.projectId)!;
  const webUrl = `${view.location.collectionUrl}${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`;
  return {
    id: repository.id,
    name: repository.name,
    url: repositoryUrl(repository, view),
    project: presentProject(project, view),
    defaultBranch: repository.defaultBranch,
    size: 1024 * repository.branches.length,
    remoteUrl: webUrl,
    sshUrl: `git@ssh.example.invalid:v3/${view.state.organization}/${project.name}/${repository.name}`,
    webUrl,
    isDisabled: false,
    isInMaintenance: false,
  };
}

function repositoryOf(view: GitView, id: string): Repository {
  const repository = view.state.data.repositories.find((r) => r.id === id);
  if (!repository) throw new Error(`No repository ${id}`);
  return repository;
}

function commitRef(repository: Repository, commitId: string, view: GitView) {
  return { commitId, url: `${repositoryUrl(repository, view)}/commits/${commitId}` };
}

export interface PushView {
  /** How many commits to include, or undefined for none at all (lists leave the field out; a single push has `[]`). */
  commits?: number;
  refUpdates: boolean;
  links: boolean;
}

export function presentPush(push: StoredPush, view: GitView, include: PushView) {
  const repository = repositoryOf(view, push.repositoryId);
  const url = `${repositoryUrl(repository, view)}/pushes/${push.pushId}`;
  const pusher = identityRef(view.state, push.pushedById, view.location);
  const signature = (authorId: string, date: string) => {
    const identity = view.state.identity(authorId);
    return { name: identity?.displayName ?? authorId, email: identity?.uniqueName ?? "", date: dateText(date, view.wire) };
  };
  const [firstRef] = push.refUpdates;
  return {
    repository: presentRepository(repository, view),
    pushedBy: pusher,
    pushId: push.pushId,
    date: dateText(push.date, view.wire),
    url,
    ...(include.refUpdates ? { refUpdates: push.refUpdates.map((u) => ({ repositoryId: repository.id, ...u })) } : {}),
    ...(include.commits !== undefined
      ? {
          commits: push.commits.slice(0, include.commits).map((c) => ({
            commitId: c.commitId,
            author: signature(c.authorId, c.date),
            committer: signature(c.authorId, c.date),
            comment: c.comment,
            parents: [...c.parents],
            url: commitRef(repository, c.commitId, view).url,
          })),
        }
      : {}),
    ...(include.links
      ? {
          _links: {
            self: { href: url },
            repository: { href: repositoryUrl(repository, view) },
            commits: { href: `${url}/commits` },
            pusher: { href: `${view.location.collectionUrl}_apis/Identities/${push.pushedById}` },
            ...(include.refUpdates && firstRef ? { refs: { href: `${repositoryUrl(repository, view)}/refs/${firstRef.name}` } } : {}),
          },
        }
      : {}),
  };
}

export function pullRequestUrl(pullRequest: StoredPullRequest, view: GitView): string {
  return `${repositoryUrl(repositoryOf(view, pullRequest.repositoryId), view)}/pullRequests/${pullRequest.pullRequestId}`;
}

export function presentPullRequest(pullRequest: StoredPullRequest, view: GitView, include: { links: boolean }) {
  const repository = repositoryOf(view, pullRequest.repositoryId);
  const project = view.state.project(repository.projectId)!;
  const url = pullRequestUrl(pullRequest, view);
  const closed = pullRequest.closedDate !== null;
  return {
    repository: presentRepository(repository, view),
    pullRequestId: pullRequest.pullRequestId,
    codeReviewId: pullRequest.pullRequestId,
    status: enumText(pullRequest.status, PullRequestStatus, view.wire),
    createdBy: identityRef(view.state, pullRequest.createdById, view.location),
    creationDate: dateText(pullRequest.creationDate, view.wire),
    // Absent while the pull request is open.
    ...(closed ? { closedDate: dateText(pullRequest.closedDate, view.wire) } : {}),
    ...(closed && pullRequest.closedById ? { closedBy: identityRef(view.state, pullRequest.closedById, view.location) } : {}),
    title: pullRequest.title,
    description: pullRequest.description,
    sourceRefName: pullRequest.sourceRefName,
    targetRefName: pullRequest.targetRefName,
    mergeStatus: enumText(pullRequest.mergeStatus, PullRequestAsyncStatus, view.wire),
    isDraft: false,
    mergeId: pullRequest.mergeId,
    lastMergeSourceCommit: commitRef(repository, pullRequest.lastMergeSourceCommit, view),
    lastMergeTargetCommit: commitRef(repository, pullRequest.lastMergeTargetCommit, view),
    ...(pullRequest.lastMergeCommit ? { lastMergeCommit: commitRef(repository, pullRequest.lastMergeCommit, view) } : {}),
    reviewers: pullRequest.reviewers.map((r) => ({ ...r })),
    url,
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${project.id}%2f${repository.id}%2f${pullRequest.pullRequestId}`,
    ...(include.links
      ? {
          _links: {
            self: { href: url },
            repository: { href: repositoryUrl(repository, view) },
            workItems: { href: `${url}/workitems` },
            sourceBranch: { href: `${repositoryUrl(repository, view)}/refs/${pullRequest.sourceRefName.replace(/^refs\//, "")}` },
            targetBranch: { href: `${repositoryUrl(repository, view)}/refs/${pullRequest.targetRefName.replace(/^refs\//, "")}` },
            statuses: { href: `${url}/statuses` },
            createdBy: { href: `${view.location.collectionUrl}_apis/Identities/${pullRequest.createdById}` },
          },
        }
      : {}),
  };
}

export function presentComment(pullRequest: StoredPullRequest, thread: StoredThread, comment: StoredComment, view: GitView) {
  const threadUrl = `${pullRequestUrl(pullRequest, view)}/threads/${thread.id}`;
  return {
    id: comment.id,
    parentCommentId: comment.parentCommentId,
    author: identityRef(view.state, comment.authorId, view.location),
    content: comment.content,
    publishedDate: dateText(comment.publishedDate, view.wire),
    lastUpdatedDate: dateText(comment.publishedDate, view.wire),
    lastContentUpdatedDate: dateText(comment.publishedDate, view.wire),
    commentType: enumText(comment.commentType, CommentType, view.wire),
    usersLiked: [],
    _links: {
      self: { href: `${threadUrl}/comments/${comment.id}` },
      repository: { href: repositoryUrl(repositoryOf(view, pullRequest.repositoryId), view) },
      threads: { href: threadUrl },
      pullRequests: { href: pullRequestUrl(pullRequest, view) },
    },
  };
}

/** Thread properties are a PropertiesCollection: each value wrapped with its .NET type. */
function presentProperties(properties: Record<string, string>) {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, { $type: "System.String", $value: value }]));
}

export function presentThread(pullRequest: StoredPullRequest, thread: StoredThread, view: GitView) {
  const url = `${pullRequestUrl(pullRequest, view)}/threads/${thread.id}`;
  return {
    pullRequestThreadContext: null,
    id: thread.id,
    publishedDate: dateText(thread.publishedDate, view.wire),
    lastUpdatedDate: dateText(thread.lastUpdatedDate, view.wire),
    comments: thread.comments.map((c) => presentComment(pullRequest, thread, c, view)),
    // System threads have no status (Unknown), which the service leaves out.
    ...(thread.status !== CommentThreadStatus.Unknown ? { status: enumText(thread.status, CommentThreadStatus, view.wire) } : {}),
    threadContext: null,
    properties: presentProperties(thread.properties),
    identities: null,
    isDeleted: false,
    _links: {
      self: { href: url },
      repository: { href: repositoryUrl(repositoryOf(view, pullRequest.repositoryId), view) },
    },
  };
}
