/**
 * The read API: GET /api/events (filtered, newest first in cursor pages, or oldest first after a
 * position) and GET /api/events/:id.
 */
import type { JsonSchemaToTsProvider } from "@fastify/type-provider-json-schema-to-ts";
import type { FastifyInstance } from "fastify";
import { requireBearer, type TokenCheck } from "../auth";
import { decodeCursor, encodeCursor } from "../cursor";
import { RequestError, sendError } from "../errors";
import { EVENT_ORIGINS, type EventOrigin, type EventQuery, type EventStore } from "../store/types";

export interface EventsOptions {
  checkToken: TokenCheck;
  store: EventStore;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * Query parameters are single strings without NUL (PostgreSQL text cannot hold one): a repeated
 * parameter arrives as an array and is refused like an unknown one.
 */
export function querySchema<const Name extends string>(names: readonly Name[]) {
  const parameter = { type: "string", maxLength: 1024, pattern: "^[^\\u0000]*$" } as const;
  return {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(names.map((name) => [name, parameter])) as { [N in Name]: typeof parameter },
  } as const;
}

const LIST_PARAMETERS = [
  "eventType", "channel", "repository", "branch", "ref", "pullRequestId", "actor", "projectId", "origin", "since", "until", "limit", "cursor", "after",
] as const;

const listQuerySchema = querySchema(LIST_PARAMETERS);

/** What the list route's schema lets through (the type provider gives handlers the same type). */
type ListQuery = Partial<Record<(typeof LIST_PARAMETERS)[number], string>>;

const eventParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[^\\u0000]*$" } },
} as const;

export async function eventRoutes(app: FastifyInstance, options: EventsOptions): Promise<void> {
  const { store } = options;
  app.addHook("onRequest", requireBearer(options.checkToken));
  const routes = app.withTypeProvider<JsonSchemaToTsProvider>();

  routes.get("/api/events", { schema: { querystring: listQuerySchema } }, async (request) => {
    const query = toEventQuery(request.query);
    if (request.query.after !== undefined) return readForward(store, request.query.after, query);
    const page = await store.query(query);
    return { value: page.events, next: page.next ? encodeCursor(page.next) : null };
  });

  routes.get(
    "/api/events/:id",
    { schema: { params: eventParamsSchema, querystring: querySchema(["channel"]) } },
    async (request, reply) => {
      const event = await store.get(request.params.id, request.query.channel);
      if (!event) return sendError(reply, 404, "not_found", `No event with id "${request.params.id}" is stored.`);
      return event;
    },
  );
}

/**
 * The pull counterpart of the stream: the events after a position, oldest first. `next` is the
 * position to ask after next time, the same one when nothing followed yet.
 */
async function readForward(store: EventStore, after: string, query: EventQuery) {
  const position = store.parsePosition(after);
  if (position === undefined) {
    throw new RequestError(400, "invalid_query", `after must be a position this endpoint gave (or 0), got ${shown(after)}.`);
  }
  const { limit, after: cursor, ...filter } = query;
  if (cursor !== undefined) throw new RequestError(400, "invalid_query", "after and cursor cannot be combined.");
  const events = await store.eventsAfter(position, filter, limit);
  return { value: events, next: events.length > 0 ? events[events.length - 1].position : position };
}

export function toEventQuery(query: ListQuery): EventQuery {
  const ref = query.ref ?? query.branch;
  return {
    eventType: query.eventType,
    channel: query.channel,
    repository: query.repository,
    ref: ref === undefined ? undefined : fullRefName(ref),
    pullRequestId: query.pullRequestId === undefined ? undefined : positiveInteger(query.pullRequestId, "pullRequestId"),
    actor: query.actor,
    projectId: query.projectId,
    origin: query.origin === undefined ? undefined : origin(query.origin),
    since: query.since === undefined ? undefined : instant(query.since, "since"),
    until: query.until === undefined ? undefined : instant(query.until, "until"),
    limit: query.limit === undefined ? DEFAULT_PAGE_SIZE : Math.min(positiveInteger(query.limit, "limit"), MAX_PAGE_SIZE),
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  };
}

function origin(value: string): EventOrigin {
  const known = EVENT_ORIGINS.find((o) => o === value);
  if (!known) throw new RequestError(400, "invalid_query", `origin must be one of ${EVENT_ORIGINS.join(", ")}, got ${shown(value)}.`);
  return known;
}

/** "main" and "refs/heads/main" name the same branch; tags and other refs are given in full. */
export function fullRefName(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
}

/** At most 2^53 - 1, well inside the bigint columns the stores compare it with. */
function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new RequestError(400, "invalid_query", `${name} must be a positive integer up to ${Number.MAX_SAFE_INTEGER}, got ${shown(value)}.`);
  }
  return n;
}

/** The range of a JavaScript Date: ±100,000,000 days around the epoch. */
const MAX_INSTANT_MS = 8.64e15;

/** An ISO 8601 date-time or milliseconds since the epoch, within the range of a Date. */
function instant(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_INSTANT_MS) {
    throw new RequestError(400, "invalid_query", `${name} must be an ISO 8601 date-time or milliseconds since 1970, got ${shown(value)}.`);
  }
  return ms;
}

function shown(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
