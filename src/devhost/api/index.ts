/**
 * The Azure DevOps REST surface the hub and the real azure-devops-extension-api clients call,
 * as a framework-free handler: routes under /<org>/_apis/… and /<org>/<project>/_apis/…,
 * matched case-insensitively, answered in the caller's wire format.
 */
import { manifest } from "../../contract/manifest";
import { resolveWithDns, type HostResolver } from "../core/addresses";
import type { DevhostState, Identity } from "../core/state";
import type { RouteContext, RouteHandler, RouteResult, TestNotificationSender } from "./context";
import * as git from "./git";
import * as metadata from "./metadata";
import * as notifications from "./notifications";
import * as subscriptions from "./subscriptions";
import { ApiError, errorTypes } from "../core/errors";
import { wireOptions } from "./wire";

export interface ApiRequest {
  method: string;
  /** Path and query, e.g. "/fabrikam/_apis/hooks/Subscriptions?consumerId=…". */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or its text. */
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text; "" for 204. */
  body: string;
}

export interface AzureDevOpsApi {
  handle(request: ApiRequest): Promise<ApiResponse>;
}

export interface ApiOptions {
  /**
   * When set, every call must carry "Authorization: Bearer <token>" with a token this accepts, and runs
   * as the identity id it returns (401 otherwise). Without it, calls run as the state's current user.
   */
  authenticate?: (token: string) => string | undefined;
  /** The calling extension's scopes; default the manifest's. */
  scopes?: readonly string[];
  /** Accept http://127.0.0.1 / localhost endpoint URLs (see loopback.ts). Default false, as Azure DevOps. */
  allowHttp?: boolean;
  /** Accept endpoint URLs on private, loopback and link-local addresses. Default false, as Azure DevOps Services. */
  allowLocalDelivery?: boolean;
  /** How endpoint URLs' hosts are resolved for that rule; default DNS. */
  resolveHost?: HostResolver;
  /** Runs test notifications; without it POST …/TestNotifications answers 503. */
  delivery?: TestNotificationSender;
  /** Public origin used in returned URLs when the request has no Host header. Default http://localhost. */
  origin?: string;
  now?: () => Date;
  /** Where unknown routes and server errors are reported. Default console.warn. */
  log?: (message: string) => void;
}

type Route = { method: string; pattern: RegExp; keys: string[]; handler: RouteHandler };

/** "hooks/subscriptions/:id" → a case-insensitive regex over the path after "_apis/". */
function route(method: string, path: string, handler: RouteHandler): Route {
  const keys: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { method, pattern: new RegExp(`^${source}/?$`, "i"), keys, handler };
}

const routes: Route[] = [
  route("GET", "hooks/subscriptions", subscriptions.listSubscriptions),
  route("POST", "hooks/subscriptions", subscriptions.createSubscription),
  route("GET", "hooks/subscriptions/:id", subscriptions.getSubscription),
  route("PUT", "hooks/subscriptions/:id", subscriptions.replaceSubscription),
  route("DELETE", "hooks/subscriptions/:id", subscriptions.deleteSubscription),
  route("POST", "hooks/subscriptionsquery", subscriptions.querySubscriptions),
  route("GET", "hooks/subscriptions/:id/notifications", notifications.listNotifications),
  route("GET", "hooks/subscriptions/:id/notifications/:notificationId", notifications.getNotification),
  route("POST", "hooks/notificationsquery", notifications.queryNotifications),
  route("POST", "hooks/testnotifications", notifications.createTestNotification),
  route("GET", "hooks/consumers", metadata.listConsumers),
  route("GET", "hooks/consumers/:consumerId", metadata.getConsumer),
  route("GET", "hooks/consumers/:consumerId/actions", metadata.listConsumerActions),
  route("GET", "hooks/consumers/:consumerId/actions/:actionId", metadata.getConsumerAction),
  route("GET", "hooks/publishers", metadata.listPublishers),
  route("GET", "hooks/publishers/:publisherId", metadata.getPublisher),
  route("GET", "hooks/publishers/:publisherId/eventtypes", metadata.listEventTypes),
  route("GET", "projects", git.listProjects),
  route("GET", "projects/:projectId", git.getProject),
  route("GET", "git/repositories", git.listRepositories),
  route("GET", "git/repositories/:repositoryId", git.getRepository),
  route("GET", "git/repositories/:repositoryId/refs", git.listRefs),
];

/** .NET writes Microsoft dates with escaped slashes, "\/Date(ms)\/", and the clients look for exactly that. */
function toJson(body: unknown): string {
  return JSON.stringify(body).replace(/"\/Date\((-?\d+)\)\/"/g, '"\\/Date($1)\\/"');
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8; api-version=7.2-preview.1" };

function header(request: ApiRequest, name: string): string | undefined {
  const entry = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new ApiError(400, "The request body is not valid JSON.", errorTypes.argument);
  }
}

export function createAzureDevOpsApi(state: DevhostState, options: ApiOptions = {}): AzureDevOpsApi {
  const log = options.log ?? ((message: string) => console.warn(message));
  const now = options.now ?? (() => new Date());

  function routeNotFound(method: string, path: string): ApiError {
    log(`[devhost] no Azure DevOps route for ${method} ${path} — answering 404 as the real service does`);
    return new ApiError(404, `The controller for path '${path}' was not found or does not implement IController.`, errorTypes.routeNotFound);
  }

  function authenticate(request: ApiRequest): Identity {
    if (!options.authenticate) return state.currentUser();
    const authorization = header(request, "authorization") ?? "";
    const token = authorization.replace(/^Bearer\s+/i, "");
    const identityId = token === authorization ? undefined : options.authenticate(token);
    const identity = identityId === undefined ? undefined : state.identity(identityId);
    if (!identity) throw new ApiError(401, "TF400813: The user '' is not authorized to access this resource.", errorTypes.unauthorized);
    return identity;
  }

  async function dispatch(request: ApiRequest): Promise<RouteResult> {
    const url = new URL(request.url, "http://devhost.invalid");
    const path = decodeURI(url.pathname);
    const match = /^\/([^/]+)\/(?:([^/]+)\/)?_apis\/(.*)$/i.exec(path);
    if (!match || match[1].toLowerCase() !== state.organization.toLowerCase()) throw routeNotFound(request.method, path);
    const [, , project, rest] = match;
    const method = request.method.toUpperCase();
    for (const candidate of routes) {
      if (candidate.method !== method) continue;
      const values = candidate.pattern.exec(rest);
      if (!values) continue;
      const caller = authenticate(request);
      const params: Record<string, string> = project ? { project } : {};
      candidate.keys.forEach((key, index) => (params[key] = values[index + 1]));
      const origin = header(request, "host") ? `http://${header(request, "host")}` : options.origin ?? "http://localhost";
      const context: RouteContext = {
        state,
        wire: wireOptions(header(request, "accept")),
        location: { collectionUrl: `${origin}/${state.organization}/` },
        params,
        query: url.searchParams,
        body: parseBody(request.body),
        caller,
        scopes: options.scopes ?? manifest.scopes,
        allowHttp: options.allowHttp ?? false,
        addressRule: { allowLocalDelivery: options.allowLocalDelivery ?? false, resolveHost: options.resolveHost ?? resolveWithDns },
        now,
        delivery: options.delivery,
      };
      return candidate.handler(context);
    }
    throw routeNotFound(method, path);
  }

  return {
    async handle(request) {
      try {
        const result = await dispatch(request);
        const status = result.status ?? 200;
        const body = status === 204 || result.body === undefined ? "" : toJson(result.body);
        return { status, headers: body ? { ...JSON_HEADERS, ...result.headers } : { ...result.headers }, body };
      } catch (error) {
        const apiError =
          error instanceof ApiError ? error : new ApiError(500, `VS402345: ${(error as Error).message}`, errorTypes.argument);
        if (!(error instanceof ApiError)) log(`[devhost] ${request.method} ${request.url} failed: ${(error as Error).stack}`);
        const headers: Record<string, string> = { ...JSON_HEADERS };
        if (apiError.status === 401) headers["www-authenticate"] = "Bearer";
        return { status: apiError.status, headers, body: JSON.stringify(apiError.toBody()) };
      }
    },
  };
}
