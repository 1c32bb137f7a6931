/**
 * The Git history a server-side caller reads to rebuild lost events (rest-responses §4): pushes,
 * pull requests and their threads.
 */
import { PullRequestStatus, PullRequestTimeRangeType } from "../core/contracts";
import type { Repository, StoredPullRequest } from "../core/state";
import type { RouteContext, RouteHandler } from "./context";
import { ApiError, errorTypes } from "../core/errors";
import { projectOrThrow, repositoryOrThrow } from "./git";
import { presentPullRequest, presentPush, presentThread } from "../core/gitPresent";
import { listBody, parseDate, parseEnum } from "../core/wire";

/** A query parameter, matched case-insensitively as ASP.NET binds them. */
function queryValue(context: RouteContext, name: string): string | undefined {
  const key = name.toLowerCase();
  for (const [candidate, value] of context.query) if (candidate.toLowerCase() === key && value !== "") return value;
  return undefined;
}

function queryFlag(context: RouteContext, name: string): boolean {
  return queryValue(context, name)?.toLowerCase() === "true";
}

function queryCount(context: RouteContext, name: string, fallback: number): number {
  const raw = queryValue(context, name);
  const n = Number(raw);
  if (raw === undefined) return fallback;
  if (!Number.isInteger(n) || n < 0) throw new ApiError(400, `The value '${raw}' is not valid for ${name}.`, errorTypes.argument);
  return n;
}

/** A date criterion; unreadable dates are refused as the service's model binding does. */
function queryDate(context: RouteContext, name: string): number | undefined {
  const raw = queryValue(context, name);
  if (raw === undefined) return undefined;
  const ms = parseDate(raw);
  if (ms === undefined) throw new ApiError(400, `The value '${raw}' is not valid for ${name}.`, errorTypes.argument);
  return ms;
}

function page<T>(items: T[], context: RouteContext, defaultTop: number, maxTop = Infinity): T[] {
  const skip = queryCount(context, "$skip", 0);
  const top = Math.min(queryCount(context, "$top", defaultTop), maxTop);
  return items.slice(skip, skip + top);
}

/** How many pushes a list returns without $top: 100 in the service's older REST docs (Git pushes, api 1.0). */
const DEFAULT_PUSHES_TOP = 100;

/** GET …/repositories/{repo}/pushes: shallow (no commits), newest first, dates inclusive. */
export const listPushes: RouteHandler = (context) => {
  const repository = repositoryOrThrow(context);
  const from = queryDate(context, "searchCriteria.fromDate");
  const to = queryDate(context, "searchCriteria.toDate");
  const pusherId = queryValue(context, "searchCriteria.pusherId")?.toLowerCase();
  const refName = queryValue(context, "searchCriteria.refName");
  const include = { refUpdates: queryFlag(context, "searchCriteria.includeRefUpdates"), links: queryFlag(context, "searchCriteria.includeLinks") };
  const pushes = context.state
    .pushesOf(repository.id)
    .filter((push) => {
      const date = Date.parse(push.date);
      if ((from !== undefined && date < from) || (to !== undefined && date > to)) return false;
      if (pusherId && push.pushedById.toLowerCase() !== pusherId) return false;
      return !refName || push.refUpdates.some((u) => u.name === refName || u.name === `refs/heads/${refName}`);
    })
    .sort((a, b) => b.pushId - a.pushId);
  return { body: listBody(page(pushes, context, DEFAULT_PUSHES_TOP).map((p) => presentPush(p, context, include)), context.wire) };
};

/**
 * GET …/pushes/{pushId}?includeCommits=N&includeRefUpdates=true: `commits` is empty and `refUpdates`
 * absent unless asked for, as in the service's documented samples.
 */
export const getPush: RouteHandler = (context) => {
  const repository = repositoryOrThrow(context);
  const pushId = Number(context.params.pushId);
  const push = context.state.pushesOf(repository.id).find((p) => p.pushId === pushId);
  if (!push) {
    // The service's wording is not in the reference; the status is.
    throw new ApiError(404, `TF401175: The push with ID ${context.params.pushId} does not exist in repository ${repository.name}.`, errorTypes.pushNotFound);
  }
  const include = { commits: queryCount(context, "includeCommits", 0), refUpdates: queryFlag(context, "includeRefUpdates"), links: true };
  return { body: presentPush(push, context, include) };
};

/** Without $top the service returns 101 pull requests; it takes at most 1000 (rest-responses §4). */
const DEFAULT_PULL_REQUESTS_TOP = 101;
const MAX_PULL_REQUESTS_TOP = 1000;

/** When `searchCriteria.queryTimeRangeType` asks about closing, the closed date; else the creation date. */
function rangeDate(pullRequest: StoredPullRequest, rangeType: PullRequestTimeRangeType): number | undefined {
  const date = rangeType === PullRequestTimeRangeType.Closed ? pullRequest.closedDate : pullRequest.creationDate;
  return date ? Date.parse(date) : undefined;
}

/**
 * The pull request search (GitPullRequestSearchCriteria): status defaults to active, the time range
 * to created; minTime / maxTime bound that date (inclusive here: the spec says "after" and "before"
 * without saying whether the bounds count). Newest first by that date.
 */
function searchPullRequests(context: RouteContext, projectId: string | undefined, repositoryId: string | undefined) {
  const status = parseEnum(queryValue(context, "searchCriteria.status"), PullRequestStatus) ?? PullRequestStatus.Active;
  const rangeType = parseEnum(queryValue(context, "searchCriteria.queryTimeRangeType"), PullRequestTimeRangeType) ?? PullRequestTimeRangeType.Created;
  const min = queryDate(context, "searchCriteria.minTime");
  const max = queryDate(context, "searchCriteria.maxTime");
  const creatorId = queryValue(context, "searchCriteria.creatorId")?.toLowerCase();
  const sourceRefName = queryValue(context, "searchCriteria.sourceRefName");
  const targetRefName = queryValue(context, "searchCriteria.targetRefName");
  const inProject = (pullRequest: StoredPullRequest) =>
    !projectId || context.state.data.repositories.some((r) => r.id === pullRequest.repositoryId && r.projectId === projectId);
  const found = context.state.data.pullRequests.filter((pullRequest) => {
    if (!inProject(pullRequest) || (repositoryId && pullRequest.repositoryId !== repositoryId)) return false;
    if (status !== PullRequestStatus.All && pullRequest.status !== status) return false;
    const date = rangeDate(pullRequest, rangeType);
    if ((min !== undefined || max !== undefined) && date === undefined) return false;
    if ((min !== undefined && date! < min) || (max !== undefined && date! > max)) return false;
    if (creatorId && pullRequest.createdById.toLowerCase() !== creatorId) return false;
    if (sourceRefName && pullRequest.sourceRefName !== sourceRefName) return false;
    return !targetRefName || pullRequest.targetRefName === targetRefName;
  });
  const newestFirst = found.sort((a, b) => (rangeDate(b, rangeType) ?? 0) - (rangeDate(a, rangeType) ?? 0) || b.pullRequestId - a.pullRequestId);
  const include = { links: queryFlag(context, "searchCriteria.includeLinks") };
  const pulled = page(newestFirst, context, DEFAULT_PULL_REQUESTS_TOP, MAX_PULL_REQUESTS_TOP);
  return { body: listBody(pulled.map((p) => presentPullRequest(p, context, include)), context.wire) };
}

/** GET {project}/_apis/git/pullrequests: every repository of the project, or `searchCriteria.repositoryId`'s. */
export const listProjectPullRequests: RouteHandler = (context) => {
  const project = projectOrThrow(context);
  const repositoryName = queryValue(context, "searchCriteria.repositoryId");
  const repository = repositoryName ? context.state.repository(repositoryName, project?.id) : undefined;
  if (repositoryName && !repository) return { body: listBody([], context.wire) };
  return searchPullRequests(context, project?.id, repository?.id);
};

export const listRepositoryPullRequests: RouteHandler = (context) => {
  const repository = repositoryOrThrow(context);
  return searchPullRequests(context, repository.projectId, repository.id);
};

function pullRequestOrThrow(context: RouteContext, repository?: Repository): StoredPullRequest {
  const pullRequest = context.state.pullRequest(Number(context.params.pullRequestId));
  const project = projectOrThrow(context);
  const owner = pullRequest && context.state.data.repositories.find((r) => r.id === pullRequest.repositoryId);
  if (!pullRequest || !owner || (repository && owner.id !== repository.id) || (project && owner.projectId !== project.id)) {
    throw new ApiError(404, `TF401180: The requested pull request was not found.`, errorTypes.pullRequestNotFound);
  }
  return pullRequest;
}

/** GET {project}/_apis/git/pullrequests/{id} (getPullRequestById). */
export const getProjectPullRequest: RouteHandler = (context) => ({
  body: presentPullRequest(pullRequestOrThrow(context), context, { links: true }),
});

export const getRepositoryPullRequest: RouteHandler = (context) => ({
  body: presentPullRequest(pullRequestOrThrow(context, repositoryOrThrow(context)), context, { links: true }),
});

/** GET …/pullRequests/{id}/threads: oldest first, system threads with their CodeReviewThreadType. */
export const listThreads: RouteHandler = (context) => {
  const pullRequest = pullRequestOrThrow(context, repositoryOrThrow(context));
  return { body: listBody(pullRequest.threads.map((t) => presentThread(pullRequest, t, context)), context.wire) };
};
