/** What every route handler receives, and what it returns. */
import type { Identity, DevhostState, StoredNotification } from "../core/state";
import type { AddressRule } from "../core/validation";
import type { Location } from "./present";
import type { WireOptions } from "./wire";

/** Test notifications are handed to the delivery engine; without one they stay queued. */
export interface TestNotificationSender {
  sendTest(request: Record<string, unknown>, testerId: string): Promise<StoredNotification>;
}

export interface RouteContext {
  state: DevhostState;
  wire: WireOptions;
  location: Location;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The identity the call runs as. */
  caller: Identity;
  /** The calling extension's token scopes (the manifest's): they decide which event types it reaches. */
  scopes: readonly string[];
  allowHttp: boolean;
  addressRule: AddressRule;
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
