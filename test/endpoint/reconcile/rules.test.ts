/** The rules reconciliation decides by, each on its own: natural keys, ids, subscriptions, drop windows. */
import { naturalKeyOf, pushKey } from "../../../src/contract/naturalKey";
import { rebuiltEventId } from "../../../src/endpoint/reconcile/gitRebuild";
import { SubscriptionStatus } from "../../../src/endpoint/reconcile/contracts";
import { channelOfUrl, deliversHere, dropWindows, meaningfulDate, type StatusObservation } from "../../../src/endpoint/reconcile/subscriptions";
import { loadSample } from "../helpers";

describe("natural keys", () => {
  test("a push is its repository and push id, whatever the event id or the case of the repository id", () => {
    const event = JSON.parse(loadSample("git.push.json").raw);
    const key = naturalKeyOf(event);
    expect(key).toBe(pushKey(event.resource.repository.id, event.resource.pushId));
    const again = { ...event, id: "another-id", resource: { ...event.resource, repository: { ...event.resource.repository, id: event.resource.repository.id.toUpperCase() } } };
    expect(naturalKeyOf(again)).toBe(key);
  });

  test("a pull request's creation and its merge differ, and the merge names its merge commit", () => {
    const created = JSON.parse(loadSample("git.pullrequest.created.json").raw);
    const merged = JSON.parse(loadSample("git.pullrequest.merged.json").raw);
    const createdKey = naturalKeyOf(created)!;
    const mergedKey = naturalKeyOf(merged)!;
    expect(createdKey).toMatch(/^git\.pullrequest\.created:[0-9a-f-]+:\d+$/);
    expect(mergedKey).toContain(`:${merged.resource.pullRequestId}:${merged.resource.lastMergeCommit.commitId.toLowerCase()}`);
    const remerged = structuredClone(merged);
    remerged.resource.lastMergeCommit.commitId = "0".repeat(40);
    expect(naturalKeyOf(remerged)).not.toBe(mergedKey);
  });

  test("updates, comments, unknown types and resources without ids have none", () => {
    expect(naturalKeyOf(JSON.parse(loadSample("git.pullrequest.updated.json").raw))).toBeUndefined();
    expect(naturalKeyOf({ eventType: "git.push", resource: { pushId: 3 } })).toBeUndefined();
    expect(naturalKeyOf({ eventType: "git.push", resource: null })).toBeUndefined();
    expect(naturalKeyOf({ eventType: "build.complete", resource: { pushId: 3, repository: { id: "r" } } })).toBeUndefined();
  });

  test("a rebuilt event's id is a UUID derived from its key: the same on every run, different per key", () => {
    const id = rebuiltEventId("git.push:abc:1");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rebuiltEventId("git.push:abc:1")).toBe(id);
    expect(rebuiltEventId("git.push:abc:2")).not.toBe(id);
  });
});

describe("subscriptions delivering here", () => {
  test("the channel is what the URL's path gives: /hooks is the default channel, /hooks/x is x", () => {
    expect(channelOfUrl("https://relay.example.com/hooks")).toBe("");
    expect(channelOfUrl("https://relay.example.com/hooks/")).toBe("");
    expect(channelOfUrl("https://relay.example.com/prefix/hooks/fiber")).toBe("fiber");
    expect(channelOfUrl("https://relay.example.com/other")).toBeUndefined();
    expect(channelOfUrl("not a url")).toBeUndefined();
  });

  test("a subscription belongs here when its URL starts with a public URL, case aside", () => {
    const publicUrls = ["https://relay.example.com/", "https://backup.example.com/relay/"];
    expect(deliversHere("https://RELAY.example.com/hooks", publicUrls)).toBe(true);
    expect(deliversHere("https://backup.example.com/relay/hooks/x", publicUrls)).toBe(true);
    expect(deliversHere("https://backup.example.com/hooks", publicUrls)).toBe(false);
    expect(deliversHere(undefined, publicUrls)).toBe(false);
  });

  test("year 1 is Azure DevOps's 'never', in ISO or Microsoft date form", () => {
    expect(meaningfulDate("0001-01-01T00:00:00")).toBeUndefined();
    expect(meaningfulDate("/Date(-62135596800000)/")).toBeUndefined();
    expect(meaningfulDate("/Date(1700000000000)/")).toBe(new Date(1700000000000).toISOString());
    expect(meaningfulDate("2026-12-01T10:00:00.1234567Z")).toBe("2026-12-01T10:00:00.123Z");
    expect(meaningfulDate(undefined)).toBeUndefined();
  });
});

describe("windows in which Azure DevOps dropped events", () => {
  const seen = (status: SubscriptionStatus, modifiedDate: string, lastProbationRetryDate?: string): StatusObservation => ({
    subscriptionId: "s",
    observedAt: Date.parse(modifiedDate) + 1000,
    status,
    probationRetries: status === SubscriptionStatus.OnProbation ? 1 : 0,
    modifiedDate,
    lastProbationRetryDate,
  });

  test("probation then disabled then enabled again: two windows, closed", () => {
    const windows = dropWindows([
      seen(SubscriptionStatus.Enabled, "2026-12-01T08:00:00.000Z"),
      seen(SubscriptionStatus.OnProbation, "2026-12-01T09:00:00.000Z"),
      seen(SubscriptionStatus.DisabledBySystem, "2026-12-01T10:00:00.000Z"),
      seen(SubscriptionStatus.Enabled, "2026-12-01T11:00:00.000Z"),
    ]);
    expect(windows).toEqual([
      { status: "onProbation", from: "2026-12-01T09:00:00.000Z", to: "2026-12-01T10:00:00.000Z" },
      { status: "disabledBySystem", from: "2026-12-01T10:00:00.000Z", to: "2026-12-01T11:00:00.000Z" },
    ]);
  });

  test("a window still open has no end; a subscription first seen enabled after a probation shows its last retry", () => {
    expect(dropWindows([seen(SubscriptionStatus.OnProbation, "2026-12-01T09:00:00.000Z")])).toEqual([
      { status: "onProbation", from: "2026-12-01T09:00:00.000Z" },
    ]);
    expect(dropWindows([seen(SubscriptionStatus.Enabled, "2026-12-01T09:00:00.000Z", "2026-12-01T08:30:00.000Z")])).toEqual([
      { status: "onProbation", from: "2026-12-01T08:30:00.000Z", to: "2026-12-01T08:30:00.000Z" },
    ]);
    expect(dropWindows([seen(SubscriptionStatus.Enabled, "2026-12-01T09:00:00.000Z")])).toEqual([]);
  });
});
