/** Stored records → the JSON the real service returns, in the caller's wire format. */
import { NotificationResult, NotificationStatus, SubscriptionStatus } from "../core/contracts";
import { maskInputs } from "../core/masking";
import type { DevhostState, NotificationDetails, StoredNotification, StoredSubscription } from "../core/state";
import { dateText, enumText, minDateText, type WireOptions } from "./wire";

/** Where the caller reached us, e.g. "http://127.0.0.1:3000/fabrikam/". */
export interface Location {
  collectionUrl: string;
}

/** An IdentityRef; for an identity the organization no longer knows (old data, deleted users) only its `id`. */
export function identityRef(state: DevhostState, id: string, location: Location) {
  const identity = state.identity(id);
  if (!identity) return { id };
  return {
    displayName: identity.displayName,
    url: `${location.collectionUrl}_apis/Identities/${identity.id}`,
    id: identity.id,
    uniqueName: identity.uniqueName,
    descriptor: identity.descriptor,
    imageUrl: `${location.collectionUrl}_api/_common/identityImage?id=${identity.id}`,
  };
}

export interface SubscriptionView {
  /** List and query results carry no `subscriber` (rest-responses §2); single reads and writes do. */
  withSubscriber: boolean;
}

export function presentSubscription(s: StoredSubscription, state: DevhostState, location: Location, wire: WireOptions, view: SubscriptionView) {
  const url = `${location.collectionUrl}_apis/hooks/subscriptions/${s.id}`;
  return {
    id: s.id,
    url,
    // Serialized even when enabled (0).
    status: enumText(s.status, SubscriptionStatus, wire),
    publisherId: s.publisherId,
    eventType: s.eventType,
    ...(view.withSubscriber ? { subscriber: identityRef(state, s.subscriberId, location) } : {}),
    resourceVersion: s.resourceVersion,
    eventDescription: s.eventDescription,
    consumerId: s.consumerId,
    consumerActionId: s.consumerActionId,
    actionDescription: s.actionDescription,
    // Omitted when 0, as the real service does.
    ...(s.probationRetries > 0 ? { probationRetries: s.probationRetries } : {}),
    createdBy: identityRef(state, s.createdById, location),
    createdDate: dateText(s.createdDate, wire),
    modifiedBy: identityRef(state, s.modifiedById, location),
    modifiedDate: dateText(s.modifiedDate, wire),
    // A non-nullable DateTime: DateTime.MinValue (year 1) when never on probation.
    lastProbationRetryDate: s.lastProbationRetryDate ? dateText(s.lastProbationRetryDate, wire) : minDateText(wire),
    ...(s.lastSuccessfulAttemptDate ? { lastSuccessfulAttemptDate: dateText(s.lastSuccessfulAttemptDate, wire) } : {}),
    publisherInputs: { ...s.publisherInputs },
    consumerInputs: maskInputs(s.consumerId, s.consumerInputs),
    _links: {
      self: { href: url },
      consumer: { href: `${location.collectionUrl}_apis/hooks/Consumers/${s.consumerId}` },
      actions: { href: `${location.collectionUrl}_apis/hooks/Consumers/${s.consumerId}/Actions` },
      notifications: { href: `${url}/Notifications` },
      publisher: { href: `${location.collectionUrl}_apis/hooks/Publishers/${s.publisherId}` },
    },
  };
}

/**
 * A notification as lists and queries return it: no details, and only these fields
 * [DEC NotificationBinder]. Whether the single GET adds `subscriberId` is not in the reference; it
 * is left out there too.
 */
export function presentNotification(n: StoredNotification, wire: WireOptions) {
  return {
    id: n.id,
    subscriptionId: n.subscriptionId,
    eventId: n.eventId,
    status: enumText(n.status, NotificationStatus, wire),
    result: enumText(n.result, NotificationResult, wire),
    createdDate: dateText(n.createdDate, wire),
    modifiedDate: dateText(n.modifiedDate, wire),
  };
}

const DETAIL_DATES: readonly (keyof NotificationDetails)[] = ["queuedDate", "dequeuedDate", "processedDate", "completedDate"];
/** Left null for a caller without diagnostics rights [DEC ScrubNotificationHistory]. */
const DIAGNOSTICS: readonly (keyof NotificationDetails)[] = ["event", "request", "response"];

export interface DetailsView {
  /** Whether the caller may see the event, request and response. */
  diagnostics: boolean;
}

/**
 * The single notification GET (and a test notification's answer): the only answers with `details`.
 * Null and default fields are left out (EmitDefaultValue=false); so are the scrubbed ones. Details
 * deleted by the retention cleanup leave the notification without `details`.
 */
export function presentNotificationWithDetails(n: StoredNotification, wire: WireOptions, view: DetailsView) {
  const row = presentNotification(n, wire);
  if (!n.details) return row;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(n.details) as [keyof NotificationDetails, unknown][]) {
    if (value === null || value === undefined || value === 0 || value === false) continue;
    if (!view.diagnostics && DIAGNOSTICS.includes(key)) continue;
    details[key] = DETAIL_DATES.includes(key) ? dateText(value as string, wire) : value;
  }
  return { ...row, details };
}
