/** Stored records → the JSON the real service returns, in the caller's wire format. */
import { NotificationResult, NotificationStatus, SubscriptionStatus } from "../core/contracts";
import { maskInputs } from "../core/masking";
import type { DevhostState, Identity, StoredNotification, StoredSubscription } from "../core/state";
import { dateText, enumText, type WireOptions } from "./wire";

/** Where the caller reached us, e.g. "http://127.0.0.1:3000/fabrikam/". */
export interface Location {
  collectionUrl: string;
}

export function identityRef(identity: Identity | undefined, location: Location) {
  if (!identity) return undefined;
  return {
    displayName: identity.displayName,
    url: `${location.collectionUrl}_apis/Identities/${identity.id}`,
    id: identity.id,
    uniqueName: identity.uniqueName,
    descriptor: identity.descriptor,
    imageUrl: `${location.collectionUrl}_api/_common/identityImage?id=${identity.id}`,
  };
}

export function presentSubscription(s: StoredSubscription, state: DevhostState, location: Location, wire: WireOptions) {
  const url = `${location.collectionUrl}_apis/hooks/subscriptions/${s.id}`;
  return {
    id: s.id,
    url,
    status: enumText(s.status, SubscriptionStatus, wire),
    publisherId: s.publisherId,
    eventType: s.eventType,
    subscriber: identityRef(state.identity(s.subscriberId), location),
    resourceVersion: s.resourceVersion,
    eventDescription: s.eventDescription,
    consumerId: s.consumerId,
    consumerActionId: s.consumerActionId,
    actionDescription: s.actionDescription,
    // Omitted when 0, as the real service does.
    ...(s.probationRetries > 0 ? { probationRetries: s.probationRetries } : {}),
    createdBy: identityRef(state.identity(s.createdById), location),
    createdDate: dateText(s.createdDate, wire),
    modifiedBy: identityRef(state.identity(s.modifiedById), location),
    modifiedDate: dateText(s.modifiedDate, wire),
    ...(s.lastProbationRetryDate ? { lastProbationRetryDate: dateText(s.lastProbationRetryDate, wire) } : {}),
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

const detailDateFields = ["queuedDate", "dequeuedDate", "processedDate", "completedDate"] as const;

export function presentNotification(n: StoredNotification, wire: WireOptions, includeDetails = true) {
  const details = { ...n.details } as Record<string, unknown>;
  for (const field of detailDateFields) details[field] = dateText(n.details[field], wire);
  return {
    id: n.id,
    subscriptionId: n.subscriptionId,
    subscriberId: n.subscriberId,
    eventId: n.eventId,
    status: enumText(n.status, NotificationStatus, wire),
    result: enumText(n.result, NotificationResult, wire),
    createdDate: dateText(n.createdDate, wire),
    modifiedDate: dateText(n.modifiedDate, wire),
    ...(includeDetails ? { details } : {}),
  };
}
