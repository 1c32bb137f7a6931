/** Optional JSON-file persistence of the stand-in's state. */
import { mkdtempSync, rmSync } from "node:fs";
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
