/** _apis/hooks/Subscriptions and _apis/hooks/SubscriptionsQuery. */
import { randomUUID } from "node:crypto";
import { eventCatalogue, isGitEventType, PUBLISHER_ID } from "../../contract/events";
import { findAction, inputDescriptorsOf, type ConsumerModel } from "../core/consumers";
import { SubscriptionStatus } from "../core/contracts";
import { newSubscriptionBookkeeping, type DevhostState, type StoredSubscription } from "../core/state";
import { bodyObject, type RouteContext, type RouteHandler } from "./context";
import { maskInputs } from "../core/masking";
import { presentSubscription } from "./present";
import { scopesCover } from "../core/permissions";
import { checkInputAddresses, resolveConsumer, validateConsumerInputs } from "../core/validation";
import { ApiError, errorTypes } from "../core/errors";
import { listBody, parseEnum } from "./wire";

const SERVER_PUBLISHER_INPUTS = ["projectId", "tfsSubscriptionId", "hostId"];

function notFound(id: string): ApiError {
  return new ApiError(404, `Subscription ${id} could not be found.`, errorTypes.subscriptionNotFound);
}

function badRequest(message: string): ApiError {
  return new ApiError(400, message, errorTypes.subscriptionInput);
}

/** The caller's scopes do not cover this event type: reads answer 404, writes 403 (rest-responses §2). */
function outOfScope(eventType: string): ApiError {
  // The service's wording is not in the reference.
  return new ApiError(403, `The access token's scopes do not allow managing subscriptions to '${eventType}' events.`, errorTypes.unauthorizedRequest);
}

/** A subscription the caller can read: it exists and its event type is within the caller's scopes. */
export function findSubscription(context: RouteContext, id: string): StoredSubscription {
  const found = context.state.subscription(id);
  if (!found || !scopesCover(context.scopes, found.eventType)) throw notFound(id);
  return found;
}

/** For a write: 404 when it does not exist, 403 when it exists outside the caller's scopes. */
function subscriptionToWrite(context: RouteContext, id: string): StoredSubscription {
  const found = context.state.subscription(id);
  if (!found) throw notFound(id);
  if (!scopesCover(context.scopes, found.eventType)) throw outOfScope(found.eventType);
  return found;
}

export function checkWriteScope(context: RouteContext, eventType: string): void {
  if (!scopesCover(context.scopes, eventType)) throw outOfScope(eventType);
}

const present = (context: RouteContext, s: StoredSubscription) =>
  presentSubscription(s, context.state, context.location, context.wire, { withSubscriber: true });
const presentInList = (context: RouteContext, s: StoredSubscription) =>
  presentSubscription(s, context.state, context.location, context.wire, { withSubscriber: false });

/** Subscriptions lists and queries keep only the event types the caller's scopes cover. */
function visibleSubscriptions(context: RouteContext): StoredSubscription[] {
  return context.state.data.subscriptions.filter((s) => scopesCover(context.scopes, s.eventType));
}

export const listSubscriptions: RouteHandler = (context) => {
  const q = context.query;
  const matches = (field: string | undefined, value: string) => !field || value.toLowerCase() === field.toLowerCase();
  const results = visibleSubscriptions(context).filter(
    (s) =>
      matches(q.get("publisherId") ?? undefined, s.publisherId) &&
      matches(q.get("eventType") ?? undefined, s.eventType) &&
      matches(q.get("consumerId") ?? undefined, s.consumerId) &&
      matches(q.get("consumerActionId") ?? undefined, s.consumerActionId),
  );
  return { body: listBody(results.map((s) => presentInList(context, s)), context.wire) };
};

export const getSubscription: RouteHandler = (context) => ({
  body: present(context, findSubscription(context, context.params.id)),
});

export const deleteSubscription: RouteHandler = (context) => {
  subscriptionToWrite(context, context.params.id);
  context.state.deleteSubscription(context.params.id);
  return { status: 204 };
};

export const createSubscription: RouteHandler = async (context) => {
  const body = bodyObject(context);
  checkWriteScope(context, String(body.eventType ?? ""));
  const { consumer, action } = resolveConsumer(body.consumerId, body.consumerActionId, body.eventType);
  checkResourceVersion(body.resourceVersion);
  const publisherInputs = validatePublisherInputs(context, String(body.publisherId ?? ""), String(body.eventType), body.publisherInputs);
  const consumerInputs = validateConsumerInputs(consumer, action.id, body.consumerInputs, { allowHttp: context.allowHttp });
  await checkInputAddresses(consumer, action.id, consumerInputs, context.addressRule);
  const user = context.caller;
  const now = context.now().toISOString();
  const subscription = context.state.addSubscription({
    id: randomUUID(),
    status: requestedStatus(body.status) ?? SubscriptionStatus.Enabled,
    publisherId: PUBLISHER_ID,
    eventType: String(body.eventType),
    eventDescription: describeFilters(context.state, String(body.eventType), publisherInputs),
    consumerId: consumer.id,
    consumerActionId: action.id,
    actionDescription: describeAction(consumer, action.id, consumerInputs),
    publisherInputs: { ...publisherInputs, tfsSubscriptionId: randomUUID(), hostId: context.state.data.collectionId },
    consumerInputs,
    ...newSubscriptionBookkeeping(user.id, now),
  });
  return { body: present(context, subscription) };
};

/** What a PUT must carry [DEC SubscriptionExtensions.Validate]. */
const REQUIRED_ON_REPLACE = ["publisherId", "eventType", "consumerId", "consumerActionId"] as const;

/** PUT of the whole object; `status` enables or disables (the UI's Enable/Disable buttons). */
export const replaceSubscription: RouteHandler = async (context) => {
  const stored = subscriptionToWrite(context, context.params.id);
  const body = bodyObject(context);
  for (const field of REQUIRED_ON_REPLACE) {
    // The service's wording is not in the reference; the status is.
    if (typeof body[field] !== "string" || body[field] === "") throw new ApiError(400, `The subscription's ${field} is required.`, errorTypes.argument);
  }
  const eventType = String(body.eventType);
  checkWriteScope(context, eventType);
  const { consumer, action } = resolveConsumer(body.consumerId, body.consumerActionId, eventType);
  checkResourceVersion(body.resourceVersion);
  const publisherInputs = validatePublisherInputs(context, String(body.publisherId), eventType, body.publisherInputs ?? stored.publisherInputs);
  const consumerInputs = validateConsumerInputs(consumer, action.id, body.consumerInputs ?? maskInputs(stored.consumerId, stored.consumerInputs), {
    allowHttp: context.allowHttp,
    stored: stored.consumerId === consumer.id ? stored.consumerInputs : undefined,
  });
  await checkInputAddresses(consumer, action.id, consumerInputs, context.addressRule);
  const status = requestedStatus(body.status) ?? stored.status;
  const reenabled = status === SubscriptionStatus.Enabled && stored.status !== SubscriptionStatus.Enabled;
  const updated = context.state.updateSubscription(stored.id, {
    status,
    eventType,
    eventDescription: describeFilters(context.state, eventType, publisherInputs),
    consumerId: consumer.id,
    consumerActionId: action.id,
    actionDescription: describeAction(consumer, action.id, consumerInputs),
    publisherInputs: {
      ...publisherInputs,
      tfsSubscriptionId: stored.publisherInputs.tfsSubscriptionId,
      hostId: stored.publisherInputs.hostId,
    },
    consumerInputs,
    modifiedById: context.caller.id,
    modifiedDate: context.now().toISOString(),
    ...(reenabled ? { probationRetries: 0, lastProbationRetryDate: null } : {}),
  });
  return { body: present(context, updated) };
};

function requestedStatus(value: unknown): SubscriptionStatus | undefined {
  const status = parseEnum(value, SubscriptionStatus);
  if (status === undefined) return undefined;
  if (SubscriptionStatus[status] === undefined) throw badRequest(`'${String(value)}' is not a valid subscription status.`);
  return status;
}

function checkResourceVersion(value: unknown): void {
  if (value !== undefined && value !== null && value !== "") {
    throw badRequest(`The subscription specifies an unexpected resource version '${String(value)}': this consumer action does not allow a resource version override.`);
  }
}

function validatePublisherInputs(context: RouteContext, publisherId: string, eventType: string, inputs: unknown): Record<string, string> {
  if (publisherId.toLowerCase() !== PUBLISHER_ID) {
    throw new ApiError(404, `No publisher with identifier '${publisherId}' could be found.`, errorTypes.publisherNotFound);
  }
  const filterIds = isGitEventType(eventType) ? eventCatalogue[eventType].filters.map((f) => f.id) : [];
  const resolved: Record<string, string> = {};
  for (const [id, raw] of Object.entries((inputs ?? {}) as Record<string, unknown>)) {
    if (!SERVER_PUBLISHER_INPUTS.includes(id) && !filterIds.includes(id)) {
      throw badRequest(`The publisher input '${id}' is not a known input of event type '${eventType}'.`);
    }
    if (raw !== null && raw !== undefined) resolved[id] = String(raw);
  }
  if (resolved.projectId && !context.state.project(resolved.projectId)) {
    throw badRequest(`The project '${resolved.projectId}' does not exist or you do not have permission to access it.`);
  }
  if (resolved.repository && !context.state.repository(resolved.repository, resolved.projectId)) {
    throw badRequest(`The repository '${resolved.repository}' does not exist in this project.`);
  }
  delete resolved.tfsSubscriptionId;
  delete resolved.hostId;
  return resolved;
}

function describeFilters(state: DevhostState, eventType: string, inputs: Record<string, string>): string {
  if (!isGitEventType(eventType)) return "";
  return eventCatalogue[eventType].filters
    .map((filter) => {
      const value = inputs[filter.id];
      if (!value) return `${filter.name}: [Any]`;
      const shown = filter.kind === "repository" ? state.repository(value)?.name ?? value : value;
      return `${filter.name}: ${shown}`;
    })
    .join(", ");
}

function describeAction(consumer: ConsumerModel, actionId: string, inputs: Record<string, string>): string {
  const action = findAction(consumer, actionId)!;
  return inputDescriptorsOf(consumer, action)
    .filter((d) => d.useInDefaultDescription && !d.isConfidential && inputs[d.id])
    .map((d) => `${d.name}: ${inputs[d.id]}`)
    .join(", ");
}

interface InputFilterCondition {
  inputId?: string;
  inputValue?: string;
  operator?: number | string;
  caseSensitive?: boolean;
}

function conditionHolds(inputs: Record<string, string>, condition: InputFilterCondition): boolean {
  const actual = inputs[condition.inputId ?? ""] ?? "";
  const expected = condition.inputValue ?? "";
  const equal = condition.caseSensitive ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
  const notEquals = condition.operator === 1 || String(condition.operator).toLowerCase() === "notequals";
  return notEquals ? !equal : equal;
}

/** A subscription passes when any filter has all of its conditions true (no filters: passes). */
function passesFilters(inputs: Record<string, string>, filters: unknown): boolean {
  if (!Array.isArray(filters) || filters.length === 0) return true;
  return filters.some((filter) =>
    ((filter?.conditions ?? []) as InputFilterCondition[]).every((condition) => conditionHolds(inputs, condition)),
  );
}

export const querySubscriptions: RouteHandler = (context) => {
  const query = bodyObject(context);
  const same = (expected: unknown, actual: string) =>
    expected === undefined || expected === null || expected === "" || String(expected).toLowerCase() === actual.toLowerCase();
  const results = visibleSubscriptions(context).filter(
    (s) =>
      same(query.publisherId, s.publisherId) &&
      same(query.eventType, s.eventType) &&
      same(query.consumerId, s.consumerId) &&
      same(query.consumerActionId, s.consumerActionId) &&
      same(query.subscriberId, s.subscriberId) &&
      passesFilters(s.publisherInputs, query.publisherInputFilters) &&
      passesFilters(maskInputs(s.consumerId, s.consumerInputs), query.consumerInputFilters),
  );
  return { body: { ...query, results: results.map((s) => presentInList(context, s)) } };
};
