/** Optional JSON-file persistence of the stand-in's state. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seed } from "../../src/devhost/core/seed";
import { SubscriptionStatus } from "../../src/devhost/core/contracts";
import { DevhostState } from "../../src/devhost/core/state";

test("a state file is written on flush and read back by a new state", () => {
  const dir = mkdtempSync(join(tmpdir(), "devhost-state-"));
  try {
    const file = join(dir, "state.json");
    const first = new DevhostState({ file });
    seed(first, { subscriptions: 5 });
    const [subscription] = first.data.subscriptions;
    first.updateSubscription(subscription.id, { status: SubscriptionStatus.DisabledByUser });
    first.flush();
    const second = new DevhostState({ file });
    expect(second.data.subscriptions).toHaveLength(first.data.subscriptions.length);
    expect(second.subscription(subscription.id)?.status).toBe(SubscriptionStatus.DisabledByUser);
    expect(second.data.nextNotificationId).toBe(first.data.nextNotificationId);
    // The Git history, so push and pull request ids keep counting after a restart.
    expect(first.data.pushes.length).toBeGreaterThan(0);
    expect(second.data.pushes).toEqual(first.data.pushes);
    expect(second.data.pullRequests).toEqual(first.data.pullRequests);
    expect(second.data.nextPushIds).toEqual(first.data.nextPushIds);
    expect(second.data.nextPullRequestId).toBe(first.data.nextPullRequestId);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a state file from before the Git history loads with none", () => {
  const dir = mkdtempSync(join(tmpdir(), "devhost-state-"));
  try {
    const file = join(dir, "state.json");
    const first = new DevhostState({ file });
    seed(first);
    first.flush();
    const { pushes: _pushes, pullRequests: _pullRequests, nextPushIds: _ids, nextPullRequestId: _next, ...older } = first.data;
    writeFileSync(file, JSON.stringify(older));
    const second = new DevhostState({ file });
    expect(second.data.pushes).toEqual([]);
    expect(second.data.nextPullRequestId).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
