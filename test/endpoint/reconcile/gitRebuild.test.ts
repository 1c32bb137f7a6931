/**
 * Rebuilding from the Git history, rule by rule, against the stand-in: the subscription's repository
 * and branch filters apply, other filters are reported as not checked, changes already held are not
 * rebuilt, and a rebuilt event is in the payload's shape with a deterministic id and marked texts.
 */
import { randomUUID } from "node:crypto";
import { startDevhost, type RunningDevhost } from "../../devhost/support/devhost";
import { publish } from "../../../src/devhost/core/publish";
import { SEED_PROJECT } from "../../../src/devhost/core/seed";
import { naturalKeyOf, type KeyedEventType } from "../../../src/contract/naturalKey";
import { AdoClient } from "../../../src/endpoint/reconcile/client";
import { rebuildFromGit, rebuiltEventId, type RebuildContext } from "../../../src/endpoint/reconcile/gitRebuild";
import { listWatchedSubscriptions, type WatchedSubscription } from "../../../src/endpoint/reconcile/subscriptions";
import { MemoryLedger } from "./memoryLedger";
import { bodyText } from "../../../src/endpoint/store/types";
import { subscribe } from "./subscribe";

const URL_PREFIX = "https://relay.example.com/";
let devhost: RunningDevhost;
let client: AdoClient;

beforeAll(async () => {
  devhost = await startDevhost();
  client = new AdoClient({ organizationUrl: devhost.rootPath, token: devhost.personalAccessToken });
});
afterAll(() => devhost.close());

/** A disabled subscription: Azure DevOps raises nothing for it, so every change of the window is the rebuild's. */
async function watched<T extends KeyedEventType>(eventType: T, publisherInputs: Record<string, string>): Promise<WatchedSubscription & { eventType: T }> {
  const id = randomUUID();
  subscribe(devhost.state, { id, status: 20, eventType, url: `${URL_PREFIX}hooks/${id.slice(0, 8)}`, publisherInputs });
  const all = await listWatchedSubscriptions(client, [URL_PREFIX], Date.now());
  return all.find((s) => s.id === id)! as WatchedSubscription & { eventType: T };
}

function context(ledger: MemoryLedger): RebuildContext {
  return { client, ledger, record: ledger.record, collectionId: devhost.state.data.collectionId, now: Date.now() + 1000 };
}

/** A published event, as JSON. */
const raise = (request: Parameters<typeof publish>[2]): Record<string, any> => publish(devhost.state, devhost.engine, request).event;

const repositories = () => devhost.state.data.repositories.filter((r) => r.projectId === SEED_PROJECT.id);

test("git.push: the pushes of the matching repository and branch, each once, in the payload's shape", async () => {
  const [repository, other] = repositories();
  const subscription = await watched("git.push", { repository: repository.id, branch: "main", pushedBy: "[Fabrikam-Fiber]\\Contributors" });
  const wanted = raise({ eventType: "git.push", repository: repository.name, branch: "main" });
  raise({ eventType: "git.push", repository: repository.name, branch: "develop" });
  raise({ eventType: "git.push", repository: other.name, branch: "main" });

  const ledger = new MemoryLedger();
  const scan = await rebuildFromGit(context(ledger), subscription, Date.parse(subscription.createdDate));
  expect(scan).toEqual({ changes: 1, rebuilt: 1, alreadyHeld: 0, notChecked: ["pushedBy"] });
  const [stored] = ledger.stored;
  const key = naturalKeyOf(wanted)!;
  expect(stored).toMatchObject({ channel: subscription.channel, eventId: rebuiltEventId(key), origin: "rebuilt", naturalKey: key });
  const event = JSON.parse(bodyText(stored.body));
  expect(event).toMatchObject({
    id: rebuiltEventId(key),
    eventType: "git.push",
    publisherId: "tfs",
    subscriptionId: subscription.id,
    resourceContainers: { project: { id: SEED_PROJECT.id }, collection: { id: devhost.state.data.collectionId } },
    resource: { pushId: wanted.resource.pushId, repository: { id: repository.id }, refUpdates: wanted.resource.refUpdates },
  });
  expect(event.resource.commits.map((c: { commitId: string }) => c.commitId)).toEqual(wanted.resource.commits.map((c: { commitId: string }) => c.commitId));
  expect(event.message.text).toContain("Rebuilt by Hook Relay");
  expect(stored.facts).toMatchObject({ repositoryId: repository.id, refs: ["refs/heads/main"] });

  const again = await rebuildFromGit(context(ledger), subscription, Date.parse(subscription.createdDate));
  expect(again).toMatchObject({ changes: 1, rebuilt: 0, alreadyHeld: 1 });
  expect(ledger.stored).toHaveLength(1);
});

test("pull requests: created from those opened in the window, merged from those completed in it", async () => {
  const [repository] = repositories();
  const created = await watched("git.pullrequest.created", { repository: repository.id });
  const merged = await watched("git.pullrequest.merged", { repository: repository.id });
  const opened = raise({ eventType: "git.pullrequest.created", repository: repository.name });
  const stillOpen = raise({ eventType: "git.pullrequest.created", repository: repository.name, overrides: { resource: { title: "<img src=x onerror=alert(1)>" } } });
  const completed = raise({ eventType: "git.pullrequest.merged", repository: repository.name, pullRequestId: opened.resource.pullRequestId });

  const ledger = new MemoryLedger();
  expect(await rebuildFromGit(context(ledger), created, Date.parse(created.createdDate))).toMatchObject({ changes: 2, rebuilt: 2 });
  expect(await rebuildFromGit(context(ledger), merged, Date.parse(merged.createdDate))).toMatchObject({ changes: 1, rebuilt: 1 });
  expect(ledger.stored.map((d) => d.naturalKey).sort()).toEqual([naturalKeyOf(opened), naturalKeyOf(stillOpen), naturalKeyOf(completed)].sort());
  const titled = JSON.parse(bodyText(ledger.stored.find((d) => d.naturalKey === naturalKeyOf(stillOpen))!.body));
  expect(titled.message.text).toContain("<img src=x onerror=alert(1)>");
  expect(titled.message.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  expect(titled.message.html).not.toContain("<img");
  const mergeEvent = JSON.parse(bodyText(ledger.stored.find((d) => d.facts.eventType === "git.pullrequest.merged")!.body));
  expect(mergeEvent.resource).toMatchObject({ pullRequestId: opened.resource.pullRequestId, lastMergeCommit: { commitId: completed.resource.lastMergeCommit.commitId } });
});

test("changes from before the window's start are not rebuilt", async () => {
  const [repository] = repositories();
  raise({ eventType: "git.push", repository: repository.name, branch: "main" });
  const subscription = await watched("git.push", { repository: repository.id });
  const ledger = new MemoryLedger();
  expect(await rebuildFromGit(context(ledger), subscription, Date.now() + 1)).toMatchObject({ changes: 0, rebuilt: 0 });
});
