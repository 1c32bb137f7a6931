/**
 * Recovery from notification history, rule by rule, against the stand-in: a failed notification's
 * event is stored with its original id and body; one already held is not; a truncated payload, a
 * payload withheld from the token's user and details Azure DevOps deleted are each accounted for.
 */
import { startDevhost } from "../../devhost/support/devhost";
import { publish } from "../../../src/devhost/core/publish";
import { READER } from "../../../src/devhost/core/seed";
import { AdoClient } from "../../../src/endpoint/reconcile/client";
import { recoverFromHistory } from "../../../src/endpoint/reconcile/history";
import { listWatchedSubscriptions, type WatchedSubscription } from "../../../src/endpoint/reconcile/subscriptions";
import { MemoryLedger } from "./memoryLedger";
import { bodyText } from "../../../src/endpoint/store/types";
import { subscribe } from "./subscribe";

/** Nothing listens here: every delivery fails at once. */
const DEAD_URL = "http://127.0.0.1:9/hooks/lost";
const HOUR = 3600_000;

async function scenario(options: { patUser?: string } = {}) {
  const devhost = await startDevhost({ timeScale: 0.01, ...options });
  subscribe(devhost.state, { eventType: "git.push", url: DEAD_URL });
  const client = new AdoClient({ organizationUrl: devhost.rootPath, token: devhost.personalAccessToken });
  const [subscription] = await listWatchedSubscriptions(client, ["http://127.0.0.1:9/"], Date.now());
  const ledger = new MemoryLedger();
  const context = { client, ledger, record: ledger.record, now: Date.now() + HOUR };
  /** Raises a push, lets its delivery fail, and takes the subscription off probation so the next one is tried too. */
  const failedPush = async (overrides?: Record<string, unknown>) => {
    const { event } = publish(devhost.state, devhost.engine, { eventType: "git.push", overrides });
    await devhost.engine.idle();
    devhost.state.updateSubscription(subscription.id, { status: 0, probationRetries: 0, lastProbationRetryDate: null });
    return event;
  };
  return { devhost, subscription: subscription as WatchedSubscription, ledger, context, failedPush };
}

test("a failed notification's event is stored with its original id and body, once", async () => {
  const { devhost, subscription, ledger, context, failedPush } = await scenario();
  try {
    expect(subscription.channel).toBe("lost");
    const event = await failedPush();
    const scan = await recoverFromHistory(context, subscription, 0);
    expect(scan).toMatchObject({ unsettled: 1, recovered: 1, alreadyHeld: 0, unrecoverable: [], truncated: [], summary: { failed: 1 } });
    expect(ledger.stored).toHaveLength(1);
    expect(ledger.stored[0]).toMatchObject({ channel: "lost", eventId: event.id, origin: "recovered", naturalKey: expect.stringMatching(/^git\.push:/) });
    expect(JSON.parse(bodyText(ledger.stored[0].body))).toEqual(event);

    const again = await recoverFromHistory({ ...context, now: Date.now() + HOUR }, subscription, 0);
    expect(again).toMatchObject({ unsettled: 1, recovered: 0, alreadyHeld: 1 });
    expect(ledger.stored).toHaveLength(1);
  } finally {
    await devhost.close();
  }
});

test("a truncated payload is left to the Git rebuild; deleted details are older than history", async () => {
  const { devhost, subscription, ledger, context, failedPush } = await scenario();
  try {
    const big = await failedPush({ resource: { padding: "x".repeat(70_000) } });
    const old = await failedPush();
    const notification = devhost.state.data.notifications.find((n) => n.eventId === old.id)!;
    delete notification.details;
    const scan = await recoverFromHistory(context, subscription, 0);
    expect(scan.recovered).toBe(0);
    expect(scan.truncated).toEqual([expect.objectContaining({ eventId: big.id, reason: "truncated_not_rebuildable" })]);
    expect(scan.unrecoverable).toEqual([expect.objectContaining({ eventId: old.id, reason: "older_than_history" })]);
    expect(ledger.stored).toEqual([]);
  } finally {
    await devhost.close();
  }
});

test("a token whose user may not view diagnostics gets scrubbed payloads: reported, nothing stored", async () => {
  const { devhost, subscription, ledger, context, failedPush } = await scenario({ patUser: READER.uniqueName });
  try {
    const event = await failedPush();
    const scan = await recoverFromHistory(context, subscription, 0);
    expect(scan.unrecoverable).toEqual([expect.objectContaining({ eventId: event.id, reason: "history_scrubbed" })]);
    expect(ledger.stored).toEqual([]);
  } finally {
    await devhost.close();
  }
});
