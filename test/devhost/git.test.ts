/**
 * The Git history a server-side caller reads to rebuild lost events (rest-responses §4): pushes and
 * pull requests the published events leave behind, through the real GitRestClient, and the events
 * delivered carrying the same ids.
 */
import { startDevhost, type RunningDevhost } from "./support/devhost";
import { PullRequestStatus, PullRequestTimeRangeType, type GitPullRequestSearchCriteria, type GitPushSearchCriteria } from "azure-devops-extension-api/Git";
import { CONSUMER_ID, consumer } from "../../src/contract/manifest";
import { PUBLISHER_ID } from "../../src/contract/events";
import { SEED_PROJECT } from "../../src/devhost/core/seed";
import { startReceiver, type Receiver, type Received } from "./support/receiver";

let devhost: RunningDevhost;
let receiver: Receiver;

beforeAll(async () => {
  [devhost, receiver] = await Promise.all([startDevhost(), startReceiver()]);
});
afterAll(async () => {
  await devhost.close();
  await receiver.close();
});

type Json = Record<string, any>;

function repositoryNamed(name: string) {
  const repository = devhost.state.data.repositories.find((r) => r.name === name);
  if (!repository) throw new Error(`no repository ${name}`);
  return repository;
}

async function publish(request: Json): Promise<Json> {
  const response = await fetch(`${devhost.origin}/_devhost/publish`, { method: "POST", body: JSON.stringify(request) });
  const body = (await response.json()) as Json;
  if (response.status !== 200) throw new Error(`publish answered ${response.status}: ${body.message}`);
  await fetch(`${devhost.origin}/_devhost/idle`);
  return body;
}

/** A subscription delivering `eventType` of one repository to the receiver. */
async function subscribe(eventType: string, repositoryId: string): Promise<void> {
  await devhost.hooks.createSubscription({
    publisherId: PUBLISHER_ID,
    eventType,
    consumerId: CONSUMER_ID,
    consumerActionId: consumer.actions[0].id,
    publisherInputs: { projectId: SEED_PROJECT.id, repository: repositoryId },
    consumerInputs: { url: receiver.url, token: "receiver-token-0123456789" },
  } as never);
}

function deliveredEvent(eventId: string): Received["body"] {
  const found = receiver.received.find((r) => r.body.id === eventId);
  if (!found) throw new Error(`event ${eventId} was not delivered`);
  return found.body;
}

const search = (criteria: Partial<GitPushSearchCriteria>) => criteria as GitPushSearchCriteria;
const prSearch = (criteria: Partial<GitPullRequestSearchCriteria>) => criteria as GitPullRequestSearchCriteria;

describe("pushes", () => {
  test("a published git.push is the repository's next push, and the delivered event carries it", async () => {
    const web = repositoryNamed("fabrikam-web");
    await subscribe("git.push", web.id);
    const first = await publish({ eventType: "git.push", repository: web.name, branch: "feature/new-checkout" });
    const second = await publish({ eventType: "git.push", repository: web.name, branch: "main" });
    expect(first.repositoryId).toBe(web.id);
    expect(second.pushId).toBe(first.pushId + 1);

    const event = deliveredEvent(second.eventId) as Json;
    const push = await devhost.git.getPush(web.id, second.pushId, SEED_PROJECT.name, 100, true);
    expect(event.resource.pushId).toBe(second.pushId);
    expect(push.pushId).toBe(second.pushId);
    expect(push.date.getTime()).toBe(Date.parse(event.resource.date));
    expect(event.resource.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{4,7}Z$/);
    expect(push.refUpdates).toEqual(event.resource.refUpdates);
    expect(push.refUpdates[0]).toMatchObject({ name: "refs/heads/main", newObjectId: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(push.commits.map((c) => c.commitId)).toEqual(event.resource.commits.map((c: Json) => c.commitId));
    expect(push.commits[0].commitId).toBe(push.refUpdates[0].newObjectId);
    expect(push.commits[0].parents).toEqual([push.refUpdates[0].oldObjectId]);
    expect(push.refUpdates[0].repositoryId).toBe(web.id);
    expect(push._links.refs.href).toMatch(/\/refs\/refs\/heads\/main$/);
    expect(push.pushedBy.id).toBe(event.resource.pushedBy.id);
    expect(push.repository.id).toBe(web.id);
    expect(push._links.self.href).toContain(`/pushes/${second.pushId}`);
    // The ref now points at the pushed commit, and the next push starts from it.
    const refs = await devhost.git.getRefs(web.id, SEED_PROJECT.name, "heads/main");
    expect(refs[0].objectId).toBe(push.refUpdates[0].newObjectId);
    const third = await publish({ eventType: "git.push", repository: web.name, branch: "main" });
    const next = await devhost.git.getPush(web.id, third.pushId, SEED_PROJECT.name, 0, true);
    expect(next.refUpdates[0].oldObjectId).toBe(push.refUpdates[0].newObjectId);
  });

  test("push ids count per repository", async () => {
    const payments = repositoryNamed("payments-api");
    const infrastructure = repositoryNamed("infrastructure");
    const before = devhost.state.pushesOf(infrastructure.id).length;
    const a = await publish({ eventType: "git.push", repository: payments.id });
    const b = await publish({ eventType: "git.push", repository: infrastructure.id });
    expect(b.pushId).toBe(before + 1);
    expect(a.repositoryId).not.toBe(b.repositoryId);
  });

  test("getPush includes commits and ref updates only when asked for", async () => {
    const fiber = repositoryNamed("Fabrikam-Fiber-Git");
    const { pushId } = await publish({ eventType: "git.push", repository: fiber.name });
    const bare = await devhost.git.getPush(fiber.id, pushId, SEED_PROJECT.name);
    expect(bare.commits).toEqual([]);
    expect(bare.refUpdates).toBeUndefined();
    expect(bare._links.refs).toBeUndefined();
    const missing = await devhost.raw("GET", `${SEED_PROJECT.name}/_apis/git/repositories/${fiber.id}/pushes/99999`);
    expect(missing.status).toBe(404);
  });

  test("the list is shallow, newest first, filtered by date window and paged with $top/$skip", async () => {
    const android = repositoryNamed("fabrikam-android");
    const project = devhost.state.project(android.projectId)!.name;
    const start = new Date();
    const raised: number[] = [];
    for (let i = 0; i < 3; i++) raised.push((await publish({ eventType: "git.push", projectId: project, repository: android.name })).pushId);

    const recent = await devhost.git.getPushes(android.id, project, undefined, undefined, search({ fromDate: start, includeRefUpdates: true }));
    expect(recent.map((p) => p.pushId)).toEqual([...raised].reverse());
    expect(recent[0]).not.toHaveProperty("commits");
    expect(recent[0].refUpdates).toHaveLength(1);
    const withoutRefs = await devhost.git.getPushes(android.id, project, undefined, undefined, search({ fromDate: start }));
    expect(withoutRefs[0]).not.toHaveProperty("refUpdates");

    const paged = await devhost.git.getPushes(android.id, project, 1, 1, search({ fromDate: start }));
    expect(paged.map((p) => p.pushId)).toEqual([raised[1]]);
    // The seed's two history pushes are older than the window.
    const all = await devhost.git.getPushes(android.id, project);
    expect(all).toHaveLength(raised.length + 2);
    const older = await devhost.git.getPushes(android.id, project, undefined, undefined, search({ toDate: new Date(start.getTime() - 1) }));
    expect(older.map((p) => p.pushId)).toEqual([2, 1]);
  });

  test("the seeded history's events are pushes of their repositories", async () => {
    const fiber = repositoryNamed("Fabrikam-Fiber-Git");
    const subscription = devhost.state.data.subscriptions.find((s) => s.consumerInputs.url.endsWith("/hooks/fiber"))!;
    const history = devhost.state.notificationsOf(subscription.id);
    const pushes = await devhost.git.getPushes(fiber.id, SEED_PROJECT.name, undefined, 1000);
    const pushIds = new Set(pushes.map((p) => p.pushId));
    expect(history.length).toBeGreaterThan(0);
    for (const notification of history) {
      const resource = notification.details!.event!.resource as Json;
      expect(pushIds.has(resource.pushId)).toBe(true);
      expect(resource.repository.id).toBe(fiber.id);
    }
  });
});

describe("pull requests", () => {
  test("created opens one with the next id; merged completes it; both events carry its id", async () => {
    const web = repositoryNamed("fabrikam-web");
    await subscribe("git.pullrequest.created", web.id);
    await subscribe("git.pullrequest.merged", web.id);
    const created = await publish({ eventType: "git.pullrequest.created", repository: web.name, branch: "main" });
    const createdEvent = deliveredEvent(created.eventId) as Json;
    expect(createdEvent.resource.pullRequestId).toBe(created.pullRequestId);
    const open = await devhost.git.getPullRequestById(created.pullRequestId, SEED_PROJECT.name);
    expect(open).toMatchObject({ pullRequestId: created.pullRequestId, status: PullRequestStatus.Active, targetRefName: "refs/heads/main" });
    expect(open.creationDate.getTime()).toBe(Date.parse(createdEvent.resource.creationDate));
    expect(open.closedDate).toBeUndefined();
    expect(open.createdBy.id).toBe(createdEvent.resource.createdBy.id);

    const merged = await publish({ eventType: "git.pullrequest.merged", repository: web.name });
    expect(merged.pullRequestId).toBe(created.pullRequestId);
    const mergedEvent = deliveredEvent(merged.eventId) as Json;
    const done = await devhost.git.getPullRequest(web.id, created.pullRequestId, SEED_PROJECT.name);
    expect(done.status).toBe(PullRequestStatus.Completed);
    expect(done.mergeStatus).toBe(3 /* PullRequestAsyncStatus.Succeeded */);
    expect(done.closedDate.getTime()).toBe(Date.parse(mergedEvent.resource.closedDate));
    expect(done.lastMergeCommit.commitId).toBe(mergedEvent.resource.lastMergeCommit.commitId);
    expect(mergedEvent.resource).toMatchObject({ status: "completed", mergeStatus: "succeeded", pullRequestId: created.pullRequestId });
  });

  test("ids are unique in the organization, not per repository", async () => {
    const a = await publish({ eventType: "git.pullrequest.created", repository: "payments-api" });
    const b = await publish({ eventType: "git.pullrequest.created", repository: "infrastructure" });
    expect(b.pullRequestId).toBe(a.pullRequestId + 1);
  });

  test("the project search: status, created or closed time range, repository, $top/$skip", async () => {
    const infrastructure = repositoryNamed("infrastructure");
    const start = new Date();
    const first = await publish({ eventType: "git.pullrequest.created", repository: infrastructure.name });
    const second = await publish({ eventType: "git.pullrequest.created", repository: infrastructure.name });
    await publish({ eventType: "git.pullrequest.merged", repository: infrastructure.name, pullRequestId: first.pullRequestId });
    const end = new Date();
    const ids = (list: { pullRequestId: number }[]) => list.map((p) => p.pullRequestId);
    const inWindow = { repositoryId: infrastructure.id, minTime: start, maxTime: end };

    // Default status: active only.
    expect(ids(await devhost.git.getPullRequestsByProject(SEED_PROJECT.name, prSearch({ repositoryId: infrastructure.id, minTime: start })))).toEqual([second.pullRequestId]);
    const createdInWindow = await devhost.git.getPullRequestsByProject(SEED_PROJECT.name, prSearch({ ...inWindow, status: PullRequestStatus.All }));
    expect(ids(createdInWindow)).toEqual([second.pullRequestId, first.pullRequestId]);
    const closedInWindow = await devhost.git.getPullRequestsByProject(
      SEED_PROJECT.name,
      prSearch({ ...inWindow, status: PullRequestStatus.All, queryTimeRangeType: PullRequestTimeRangeType.Closed }),
    );
    expect(ids(closedInWindow)).toEqual([first.pullRequestId]);
    const completed = await devhost.git.getPullRequests(infrastructure.id, prSearch({ status: PullRequestStatus.Completed, minTime: start }), SEED_PROJECT.name);
    expect(ids(completed)).toEqual([first.pullRequestId]);
    const before = await devhost.git.getPullRequestsByProject(SEED_PROJECT.name, prSearch({ repositoryId: infrastructure.id, status: PullRequestStatus.All, maxTime: new Date(start.getTime() - 1) }));
    expect(ids(before)).not.toContain(first.pullRequestId);
    const paged = await devhost.git.getPullRequestsByProject(SEED_PROJECT.name, prSearch({ ...inWindow, status: PullRequestStatus.All }), undefined, 1, 1);
    expect(ids(paged)).toEqual([first.pullRequestId]);
  });

  test("the query's wire form, as a server-side caller writes it", async () => {
    const payments = repositoryNamed("payments-api");
    const path = `${SEED_PROJECT.name}/_apis/git/pullrequests?searchCriteria.status=all&searchCriteria.queryTimeRangeType=closed&searchCriteria.minTime=2000-01-01T00:00:00Z&searchCriteria.repositoryId=${payments.name}&$top=5000`;
    const answer = await devhost.raw("GET", path);
    expect(answer.status).toBe(200);
    // The seed's history merged three pull requests in payments-api; a closed range leaves out open ones.
    expect(answer.json.length).toBeGreaterThanOrEqual(3);
    expect(answer.json.every((p: Json) => p.repository.id === payments.id && p.closedDate)).toBe(true);
    const unreadable = await devhost.raw("GET", `${SEED_PROJECT.name}/_apis/git/pullrequests?searchCriteria.minTime=yesterday`);
    expect(unreadable.status).toBe(400);
  });

  test("updates and comments leave threads; system threads carry CodeReviewThreadType", async () => {
    const fiber = repositoryNamed("Fabrikam-Fiber-Git");
    await subscribe("ms.vss-code.git-pullrequest-comment-event", fiber.id);
    const { pullRequestId } = await publish({ eventType: "git.pullrequest.created", repository: fiber.name });
    await publish({ eventType: "git.pullrequest.updated", repository: fiber.name, notificationType: "ReviewerVoteNotification" });
    await publish({ eventType: "git.pullrequest.updated", repository: fiber.name, notificationType: "PushNotification" });
    const comment = await publish({ eventType: "ms.vss-code.git-pullrequest-comment-event", repository: fiber.name, user: "fabrikamfiber3@hotmail.com" });
    expect(comment.pullRequestId).toBe(pullRequestId);
    await publish({ eventType: "git.pullrequest.merged", repository: fiber.name, pullRequestId });

    const threads = await devhost.git.getThreads(fiber.id, pullRequestId, SEED_PROJECT.name);
    const types = threads.map((t) => (t.properties as Json)?.CodeReviewThreadType?.$value ?? "text");
    expect(types).toEqual(["VoteUpdate", "RefUpdate", "text", "MergeAttempt"]);
    const commentEvent = deliveredEvent(comment.eventId) as Json;
    const textThread = threads[2];
    expect(textThread.comments[0]).toMatchObject({ id: commentEvent.resource.comment.id, content: commentEvent.resource.comment.content, commentType: 1 });
    expect(textThread.comments[0].author.uniqueName).toBe("fabrikamfiber3@hotmail.com");
    expect(commentEvent.resource.pullRequest.pullRequestId).toBe(pullRequestId);
    expect(threads[0].comments[0].commentType).toBe(3 /* CommentType.System */);
  });

  test("a status update takes the status its event carries: abandoned closes the pull request", async () => {
    const payments = repositoryNamed("payments-api");
    const { pullRequestId } = await publish({ eventType: "git.pullrequest.created", repository: payments.name });
    const update = await publish({
      eventType: "git.pullrequest.updated",
      repository: payments.name,
      pullRequestId,
      notificationType: "StatusUpdateNotification",
      overrides: { resource: { status: "abandoned" } },
    });
    expect(update.pullRequestId).toBe(pullRequestId);
    const abandoned = await devhost.git.getPullRequestById(pullRequestId, SEED_PROJECT.name);
    expect(abandoned.status).toBe(PullRequestStatus.Abandoned);
    expect(abandoned.closedDate).toBeInstanceOf(Date);
    const listed = await devhost.git.getPullRequests(payments.id, prSearch({ status: PullRequestStatus.Abandoned }), SEED_PROJECT.name);
    expect(listed.map((p) => p.pullRequestId)).toContain(pullRequestId);
    // Nothing merged: no MergeAttempt thread.
    expect(await devhost.git.getThreads(payments.id, pullRequestId, SEED_PROJECT.name)).toEqual([]);
  });

  test("an unknown pull request is refused: 404 on read, 400 on publish", async () => {
    const missing = await devhost.raw("GET", `${SEED_PROJECT.name}/_apis/git/pullrequests/424242`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toContain("TF401180");
    const response = await fetch(`${devhost.origin}/_devhost/publish`, {
      method: "POST",
      body: JSON.stringify({ eventType: "git.pullrequest.merged", repository: "fabrikam-web", pullRequestId: 424242 }),
    });
    expect(response.status).toBe(400);
  });
});
