/** What every route handler receives, and what it returns. */
import type { DevhostState } from "../core/state";
import type { Location } from "./present";
import type { WireOptions } from "./wire";

/** Test notifications are handed to the delivery engine; without one they stay queued. */
export interface TestNotificationSender {
  sendTest(request: Record<string, unknown>): Promise<import("../core/state").StoredNotification>;
}

export interface RouteContext {
  state: DevhostState;
  wire: WireOptions;
  location: Location;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  allowHttp: boolean;
  now: () => Date;
  delivery?: TestNotificationSender;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (context: RouteContext) => RouteResult | Promise<RouteResult>;

export function bodyObject(context: RouteContext): Record<string, unknown> {
  const body = context.body;
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
