/**
 * One reconciliation run: list the subscriptions delivering here and record their status, recover
 * from history, rebuild from Git, and account for the rest. Every step checks what the store holds
 * before it writes, and the store keeps one event per id and per natural key, so a run that is killed
 * half-way and run again stores nothing twice and loses nothing.
 */
import type { AdoClient } from "./client";
import { recoverFromHistory } from "./history";
import { isRebuildable, rebuildFromGit } from "./gitRebuild";
import { dropWindows, listWatchedSubscriptions, statusName, type WatchedSubscription } from "./subscriptions";
import type { ReconcileLedger, RecordDelivery, SubscriptionReport, Unrecoverable } from "./types";

export interface RunContext {
  client: AdoClient;
  ledger: ReconcileLedger;
  record: RecordDelivery;
  /** URL prefixes Azure DevOps delivers to (HOOKRELAY_PUBLIC_URL). */
  publicUrls: string[];
  /** How far back a run looks, in ms. */
  windowMs: number;
  /** The organization's id, for rebuilt events' resourceContainers. */
  collectionId: string;
  signal?: AbortSignal;
}

export async function reconcileOnce(context: RunContext): Promise<SubscriptionReport[]> {
  const now = Date.now();
  const subscriptions = await listWatchedSubscriptions(context.client, context.publicUrls, now, context.signal);
  await context.ledger.observeStatus(subscriptions.map((s) => s.status));
  const reports: SubscriptionReport[] = [];
  for (const subscription of subscriptions) reports.push(await reconcileSubscription(context, subscription, now));
  return reports;
}

async function reconcileSubscription(context: RunContext, subscription: WatchedSubscription, now: number): Promise<SubscriptionReport> {
  // Nothing raised before the subscription existed was ever meant for it.
  const from = Math.max(now - context.windowMs, Date.parse(subscription.createdDate) || 0);
  const shared = { ...context, now };
  const history = await recoverFromHistory(shared, subscription, from);
  const { eventType } = subscription;
  const rebuildable = isRebuildable(eventType);
  const rebuild = rebuildable ? await rebuildFromGit(shared, { ...subscription, eventType }, from) : undefined;
  const windows = dropWindows(await context.ledger.statusHistory(subscription.id));
  const unrecoverable: Unrecoverable[] = [...history.unrecoverable];
  if (!rebuildable) {
    // Truncated history, and whatever was dropped in the window, of a type the Git history cannot give back.
    unrecoverable.push(...history.truncated);
    const dropped = windows.filter((window) => (window.to === undefined ? now : Date.parse(window.to)) >= from);
    unrecoverable.push(...dropped.map((window) => ({ reason: "event_type_not_rebuildable" as const, window })));
  }
  return {
    subscriptionId: subscription.id,
    eventType: subscription.eventType,
    channel: subscription.channel,
    status: statusName(subscription.status.status),
    droppedWindows: windows,
    azureDevOps: history.summary,
    held: await context.ledger.countEvents(subscription.channel, subscription.eventType, from),
    history: { unsettled: history.unsettled, alreadyHeld: history.alreadyHeld, recovered: history.recovered, truncated: history.truncated.length },
    git: rebuild && { changes: rebuild.changes, alreadyHeld: rebuild.alreadyHeld, rebuilt: rebuild.rebuilt },
    unrecoverable,
    notChecked: rebuild?.notChecked ?? [],
  };
}
