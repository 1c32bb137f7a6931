/**
 * Notification history as the service answers it (rest-responses §1): lists and queries without
 * details, the single GET with them (scrubbed for callers without diagnostics rights), and
 * TestNotifications.
 */
import { NotificationResult, NotificationStatus } from "../core/contracts";
import { ApiError, errorTypes } from "../core/errors";
import { canViewDiagnostics, scopesCover } from "../core/permissions";
import { UNSAVED_SUBSCRIPTION_ID, type StoredNotification, type StoredSubscription } from "../core/state";
import { bodyObject, type RouteContext, type RouteHandler } from "./context";
import { presentNotification, presentNotificationWithDetails } from "./present";
import { checkWriteScope, findSubscription } from "./subscriptions";
import { enumText, listBody, parseDate, parseEnum, type WireOptions } from "./wire";

/** The list's default page [DEC HooksPublisherNotificationsController]; queries have no default limit. */
const DEFAULT_LIST_MAX_RESULTS = 100;

const newestFirst = (a: StoredNotification, b: StoredNotification) => b.id - a.id;

/** The subscription whose history is asked for: 404 once deleted or outside the caller's scopes. */
function historyOwner(context: RouteContext): StoredSubscription | undefined {
  const { id } = context.params;
  return id === UNSAVED_SUBSCRIPTION_ID ? undefined : findSubscription(context, id);
}

function positiveInteger(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== null && value !== "" && Number.isInteger(n) && n > 0 ? n : undefined;
}

export const listNotifications: RouteHandler = (context) => {
  historyOwner(context);
  const status = parseEnum(context.query.get("status"), NotificationStatus);
  const result = parseEnum(context.query.get("result"), NotificationResult);
  const max = positiveInteger(context.query.get("maxResults")) ?? DEFAULT_LIST_MAX_RESULTS;
  const found = context.state
    .notificationsOf(context.params.id)
    .filter((n) => (status === undefined || n.status === status) && (result === undefined || n.result === result))
    .sort(newestFirst)
    .slice(0, max);
  return { body: listBody(found.map((n) => presentNotification(n, context.wire)), context.wire) };
};

export const getNotification: RouteHandler = (context) => {
  const subscription = historyOwner(context);
  const notification = context.state.notification(Number(context.params.notificationId));
  if (!notification || notification.subscriptionId !== context.params.id.toLowerCase()) {
    throw new ApiError(404, `Notification ${context.params.notificationId} could not be found.`, errorTypes.notificationNotFound);
  }
  const diagnostics = canViewDiagnostics(context.state, context.caller.id, subscription, notification);
  return { body: presentNotificationWithDetails(notification, context.wire, { diagnostics }) };
};

/**
 * POST NotificationsQuery. `results` honour every filter and limit; `summary` counts all retained
 * history of the subscriptions asked about, whatever the filters and limits [DEC GetNotificationSummary].
 * Whether subscriptions without any notification get an empty summary entry is not in the reference;
 * they get none here.
 */
export const queryNotifications: RouteHandler = (context) => {
  const query = bodyObject(context);
  const minDate = parseDate(query.minCreatedDate);
  const maxDate = parseDate(query.maxCreatedDate);
  if (minDate !== undefined && maxDate !== undefined && minDate >= maxDate) {
    // The service's wording is not in the reference; the status is.
    throw new ApiError(400, "The minimum created date must be earlier than the maximum created date.", errorTypes.argument);
  }
  const requested = Array.isArray(query.subscriptionIds) ? query.subscriptionIds.map((s) => String(s).toLowerCase()) : [];
  // Empty subscriptionIds means every subscription the caller can see.
  const visible = new Set(context.state.data.subscriptions.filter((s) => scopesCover(context.scopes, s.eventType)).map((s) => s.id));
  const subscriptionIds = new Set(requested.length > 0 ? requested.filter((id) => visible.has(id)) : visible);
  const history = context.state.data.notifications.filter((n) => subscriptionIds.has(n.subscriptionId)).sort(newestFirst);
  const results = query.includeDetails === false ? [] : select(history, query, requested.length > 0, minDate, maxDate);
  return {
    body: {
      ...query,
      results: results.map((n) => presentNotification(n, context.wire)),
      summary: summarize(history, context.wire),
    },
  };
};

function select(history: StoredNotification[], query: Record<string, unknown>, bySubscription: boolean, minDate?: number, maxDate?: number) {
  const status = parseEnum(query.status, NotificationStatus);
  const result = parseEnum(query.resultType, NotificationResult);
  // maxResults unset means no limit (int.MaxValue); the per-subscription limit needs subscriptionIds.
  const maxResults = positiveInteger(query.maxResults) ?? Infinity;
  const perSubscription = (bySubscription && positiveInteger(query.maxResultsPerSubscription)) || Infinity;
  const taken = new Map<string, number>();
  const selected: StoredNotification[] = [];
  for (const n of history) {
    const created = Date.parse(n.createdDate);
    if (status !== undefined && n.status !== status) continue;
    if (result !== undefined && n.result !== result) continue;
    if ((minDate !== undefined && created < minDate) || (maxDate !== undefined && created > maxDate)) continue;
    const count = taken.get(n.subscriptionId) ?? 0;
    if (count >= perSubscription) continue;
    taken.set(n.subscriptionId, count + 1);
    selected.push(n);
    if (selected.length >= maxResults) break;
  }
  return selected;
}

function summarize(notifications: StoredNotification[], wire: WireOptions) {
  const bySubscription = new Map<string, Map<number, number>>();
  for (const n of notifications) {
    const results = bySubscription.get(n.subscriptionId) ?? new Map<number, number>();
    results.set(n.result, (results.get(n.result) ?? 0) + 1);
    bySubscription.set(n.subscriptionId, results);
  }
  return [...bySubscription].map(([subscriptionId, results]) => ({
    subscriptionId,
    results: [...results].map(([result, notificationCount]) => ({ result: enumText(result, NotificationResult, wire), notificationCount })),
  }));
}

/** What a test notification must name (unless `useRealData` takes them from a saved subscription). */
const REQUIRED_TEST_DETAILS = ["eventType", "consumerId", "consumerActionId", "consumerInputs"] as const;

export const createTestNotification: RouteHandler = async (context) => {
  if (!context.delivery) {
    throw new ApiError(503, "This devhost API was created without a delivery engine.", errorTypes.argument);
  }
  if (context.query.get("useRealData") === "true") {
    throw new ApiError(404, "Sending test notifications with real data is not implemented by this stand-in.", errorTypes.argument);
  }
  const body = bodyObject(context);
  const details = (body.details ?? {}) as Record<string, unknown>;
  for (const field of REQUIRED_TEST_DETAILS) {
    const value = details[field];
    const missing = field === "consumerInputs" ? value === null || typeof value !== "object" : typeof value !== "string" || value === "";
    // The service's wording is not in the reference; the status is.
    if (missing) throw new ApiError(400, `The test notification's details.${field} is required.`, errorTypes.argument);
  }
  checkWriteScope(context, String(details.eventType));
  const notification = await context.delivery.sendTest(body, context.caller.id);
  // The answer carries the canned sample that was sent, in details.event.
  return { body: presentNotificationWithDetails(notification, context.wire, { diagnostics: true }) };
};
