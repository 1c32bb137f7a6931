/**
 * Who may see what, as the service decides it:
 * - diagnostics (a notification's event, request and response) belong to the subscription's creator,
 *   collection administrators and the administrators of its project
 *   [DEC ServiceHooksPublisherControllerBase.CanUserViewDiagnostics];
 * - an extension's token scopes decide which event types its subscription reads and writes reach
 *   [DEC GetUserEventTypes, CheckScope].
 */
import type { DevhostState, StoredNotification, StoredSubscription } from "./state";

export function canViewDiagnostics(state: DevhostState, callerId: string, subscription: StoredSubscription | undefined, notification: StoredNotification): boolean {
  if (state.data.collectionAdmins.includes(callerId)) return true;
  // A test notification sent before its subscription was saved has no subscription: its tester is its subscriber.
  if (!subscription) return notification.subscriberId === callerId;
  if (subscription.createdById === callerId) return true;
  return state.project(subscription.publisherInputs.projectId ?? "")?.administrators.includes(callerId) ?? false;
}

/**
 * Event types by the scope family that covers them. The reference gives the families
 * ("vso.code* covers git/tfvc/repo events, vso.work* work items, vso.build* build and pipelines,
 * vso.hooks* everything") but not the service's exact s_eventTypeScopes table, so families are
 * matched by event type prefix here.
 */
const SCOPE_FAMILIES: { scope: string; eventTypePrefixes: string[] }[] = [
  { scope: "vso.code", eventTypePrefixes: ["git.", "tfvc.", "ms.vss-code."] },
  { scope: "vso.work", eventTypePrefixes: ["workitem."] },
  { scope: "vso.build", eventTypePrefixes: ["build.", "ms.vss-pipelines."] },
  { scope: "vso.hooks", eventTypePrefixes: [""] },
];

/** Whether a token with `scopes` (e.g. the manifest's ["vso.code"]) reaches subscriptions of `eventType`. */
export function scopesCover(scopes: readonly string[], eventType: string): boolean {
  return SCOPE_FAMILIES.some(
    (family) =>
      scopes.some((scope) => scope === family.scope || scope.startsWith(`${family.scope}_`)) &&
      family.eventTypePrefixes.some((prefix) => eventType.startsWith(prefix)),
  );
}
