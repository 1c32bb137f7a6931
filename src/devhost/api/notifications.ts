/** Notification history: subscriptions/{id}/Notifications[/{nid}], NotificationsQuery, TestNotifications. */
import type { StoredNotification } from "../core/state";
import { bodyObject, type RouteHandler } from "./context";
import { NotificationResult, NotificationStatus } from "../core/contracts";
import { presentNotification } from "./present";
import { findSubscription } from "./subscriptions";
import { ApiError, errorTypes } from "../core/errors";
import { enumText, listBody, parseEnum, type WireOptions } from "./wire";

const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";
const DEFAULT_MAX_RESULTS = 100;

const newestFirst = (a: StoredNotification, b: StoredNotification) => b.id - a.id;

export const listNotifications: RouteHandler = (context) => {
  const { id } = context.params;
  if (id !== EMPTY_GUID) findSubscription(context.state, id);
  const status = parseEnum(context.query.get("status"), NotificationStatus);
  const result = parseEnum(context.query.get("result"), NotificationResult);
  const max = Number(context.query.get("maxResults")) || DEFAULT_MAX_RESULTS;
  const found = context.state
    .notificationsOf(id)
    .filter((n) => (status === undefined || n.status === status) && (result === undefined || n.result === result))
    .sort(newestFirst)
    .slice(0, max);
  return { body: listBody(found.map((n) => presentNotification(n, context.wire)), context.wire) };
};

export const getNotification: RouteHandler = (context) => {
  const notification = context.state.notification(Number(context.params.notificationId));
  if (!notification || notification.subscriptionId !== context.params.id.toLowerCase()) {
    throw new ApiError(404, `Notification ${context.params.notificationId} could not be found.`, errorTypes.notificationNotFound);
  }
  return { body: presentNotification(notification, context.wire) };
};

export const queryNotifications: RouteHandler = (context) => {
  const query = bodyObject(context);
  const ids = Array.isArray(query.subscriptionIds) ? query.subscriptionIds.map((s) => String(s).toLowerCase()) : undefined;
  const status = parseEnum(query.status, NotificationStatus);
  const result = parseEnum(query.resultType, NotificationResult);
  const minDate = query.minCreatedDate ? Date.parse(String(query.minCreatedDate)) : -Infinity;
  const maxDate = query.maxCreatedDate ? Date.parse(String(query.maxCreatedDate)) : Infinity;
  const perSubscription = Number(query.maxResultsPerSubscription) || Infinity;
  const counts = new Map<string, number>();
  const matching = context.state.data.notifications
    .filter((n) => {
      const created = Date.parse(n.createdDate);
      return (
        (!ids || ids.includes(n.subscriptionId)) &&
        (status === undefined || n.status === status) &&
        (result === undefined || n.result === result) &&
        created >= minDate &&
        created <= maxDate
      );
    })
    .sort(newestFirst)
    .filter((n) => {
      const seen = counts.get(n.subscriptionId) ?? 0;
      counts.set(n.subscriptionId, seen + 1);
      return seen < perSubscription;
    })
    .slice(0, Number(query.maxResults) || DEFAULT_MAX_RESULTS);
  return {
    body: {
      ...query,
      results: matching.map((n) => presentNotification(n, context.wire, query.includeDetails === true)),
      summary: summarize(matching, context.wire),
    },
  };
};

function summarize(notifications: StoredNotification[], wire: WireOptions) {
  const bySubscription = new Map<string, Map<number, number>>();
  for (const n of notifications) {
    const results = bySubscription.get(n.subscriptionId) ?? new Map<number, number>();
    results.set(n.result, (results.get(n.result) ?? 0) + 1);
    bySubscription.set(n.subscriptionId, results);
  }
  return [...bySubscription].map(([subscriptionId, results]) => ({
    subscriptionId,
    results: [...results].map(([result, notificationCount]) => ({
      result: enumText(result, NotificationResult, wire),
      notificationCount,
    })),
  }));
}

export const createTestNotification: RouteHandler = async (context) => {
  if (!context.delivery) {
    throw new ApiError(503, "This devhost API was created without a delivery engine.", errorTypes.argument);
  }
  if (context.query.get("useRealData") === "true") {
    throw new ApiError(404, "Sending test notifications with real data is not implemented by this stand-in.", errorTypes.argument);
  }
  const notification = await context.delivery.sendTest(bodyObject(context));
  return { body: presentNotification(notification, context.wire) };
};
