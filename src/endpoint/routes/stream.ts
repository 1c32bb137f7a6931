/**
 * GET /api/events/stream: Server-Sent Events, one `hook` event per newly stored event, its position
 * as the SSE id.
 *
 * Resume: with a Last-Event-ID header (EventSource sends it when it reconnects) or a
 * ?lastEventId= parameter, the stored events after that position are replayed first, oldest first,
 * then the stream goes on live. The feed announces events in position order, and an event is
 * readable no later than it is announced; so the stream subscribes to the feed before it reads the
 * store, holds live events until the replay is done, and from then on sends only events past the
 * last position it sent: nothing falls between replay and live, and nothing comes twice. The replay
 * is bounded: past `replayLimit` events it sends an `overflow` event telling the client to page
 * through GET /api/events?after= for the rest.
 */
import type { JsonSchemaToTsProvider } from "@fastify/type-provider-json-schema-to-ts";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { ServerResponse } from "node:http";
import { requireBearer, type TokenCheck } from "../auth";
import { comparePositions } from "../cursor";
import { RequestError } from "../errors";
import type { EventFeed } from "../feed";
import type { EventStore, EventSummary, StreamFilter } from "../store/types";
import { isClosed, type StreamClients } from "../streamClients";
import { querySchema } from "./events";

export interface StreamOptions {
  checkToken: TokenCheck;
  feed: EventFeed;
  store: EventStore;
  heartbeatMs: number;
  /** Events one resumed stream replays at most before it sends `overflow`. */
  replayLimit: number;
  /** The open streams; a client that reads slower than events come is disconnected once too far behind. */
  clients: StreamClients;
}

/** Live events held while a replay runs, at most; past this the client is dropped (it resumes when it reconnects). */
const MAX_HELD_EVENTS = 10_000;
const REPLAY_PAGE = 500;
/** A replay waits for the client to read once this much is queued (or its buffer limit, if lower). */
const REPLAY_HIGH_WATER_BYTES = 1024 * 1024;

/** Unknown parameters are let through (EventSource URLs may carry cache busters); repeated ones are not. */
const streamQuerySchema = { ...querySchema(["eventType", "channel", "lastEventId"]), additionalProperties: true } as const;

const STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export async function streamRoutes(app: FastifyInstance, options: StreamOptions): Promise<void> {
  const { clients } = options;
  const replayHighWater = Math.min(REPLAY_HIGH_WATER_BYTES, clients.limits.perClientBytes);
  // One serialisation per event, shared by every stream that sends it.
  const messages = new WeakMap<EventSummary, Buffer>();
  const messageOf = (event: EventSummary) => {
    let message = messages.get(event);
    if (!message) messages.set(event, (message = Buffer.from(hookMessage(event))));
    return message;
  };
  app.addHook("onRequest", requireBearer(options.checkToken));
  // Streams never finish on their own; without this, close() would wait for them forever.
  app.addHook("preClose", async () => clients.endAll());

  app.withTypeProvider<JsonSchemaToTsProvider>().get(
    "/api/events/stream",
    { schema: { querystring: streamQuerySchema } },
    (request, reply) => {
      const { eventType, channel } = request.query;
      const filter: StreamFilter = { eventType, channel };
      const resumeAfter = resumePoint(request.headers["last-event-id"], request.query.lastEventId, options.store);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, STREAM_HEADERS);
      if (request.method === "HEAD") {
        response.end();
        return;
      }
      response.write(": connected\n\n");
      clients.add(response);

      const matches = (event: EventSummary) =>
        (eventType === undefined || event.eventType === eventType) && (channel === undefined || event.channel === channel);
      // Live events wait here while the replay runs.
      let held: EventSummary[] | undefined = resumeAfter === undefined ? undefined : [];
      /** The position of the last event sent; live events up to it were replayed already. */
      let sentUpTo: string | undefined;
      const sendLive = (event: EventSummary) => {
        if (sentUpTo !== undefined && comparePositions(event.position, sentUpTo) <= 0) return;
        sentUpTo = event.position;
        clients.write(response, messageOf(event));
      };
      const unsubscribe = options.feed.subscribe((event) => {
        if (!matches(event)) return;
        if (!held) {
          sendLive(event);
        } else if (held.length < MAX_HELD_EVENTS) {
          held.push(event);
        } else {
          response.destroy();
        }
      });
      const heartbeat = setInterval(() => clients.write(response, ": heartbeat\n\n"), options.heartbeatMs);
      response.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
      });

      if (resumeAfter === undefined) return;
      replay(response, options.store, filter, resumeAfter, { limit: options.replayLimit, highWater: replayHighWater }).then(
        ({ lastSent, overflowed }) => {
          const waiting = held ?? [];
          held = undefined;
          if (isClosed(response)) return;
          sentUpTo = lastSent;
          // After an overflow the client reads on with GET /api/events?after= up to the next event
          // this stream sends, so the held ones, all within that range, are left to that read.
          if (overflowed) sentUpTo = waiting.at(-1)?.position ?? lastSent;
          for (const event of waiting) sendLive(event);
        },
        (error: Error) => endAfterFailedReplay(response, request.log, error),
      );
    },
  );
}

/** The position to resume after: the Last-Event-ID header, else ?lastEventId=; an empty value means none. */
function resumePoint(header: string | string[] | undefined, param: string | undefined, store: EventStore): string | undefined {
  const fromHeader = header === undefined || header === "" ? undefined : positionOf(header, "The Last-Event-ID header", store);
  // Both are checked, but the header wins: EventSource keeps the page's URL, ?lastEventId= included,
  // and sends the id it saw last in the header when it reconnects.
  const fromParam = param === undefined || param === "" ? undefined : positionOf(param, "lastEventId", store);
  return fromHeader ?? fromParam;
}

function positionOf(value: string | string[], name: string, store: EventStore): string {
  const text = Array.isArray(value) ? value.join(", ") : value;
  const position = store.parsePosition(text);
  if (position !== undefined) return position;
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  throw new RequestError(400, "invalid_last_event_id", `${name} must be the id of an event this stream sent, got ${JSON.stringify(shown)}.`);
}

/**
 * Writes the stored events after `after`, oldest first, at most `limit` of them; resolves to the
 * position of the last one written and whether more were left (an `overflow` was sent).
 */
async function replay(
  response: ServerResponse,
  store: EventStore,
  filter: StreamFilter,
  after: string,
  { limit, highWater }: { limit: number; highWater: number },
): Promise<{ lastSent: string; overflowed: boolean }> {
  let replayed = 0;
  let cursor = after;
  while (replayed < limit) {
    const wanted = Math.min(REPLAY_PAGE, limit - replayed);
    const page = await store.eventsAfter(cursor, filter, wanted);
    if (isClosed(response)) return { lastSent: cursor, overflowed: false };
    for (const event of page) response.write(hookMessage(event));
    replayed += page.length;
    if (page.length > 0) cursor = page[page.length - 1].position;
    if (page.length < wanted) return { lastSent: cursor, overflowed: false };
    await drained(response, highWater);
    if (isClosed(response)) return { lastSent: cursor, overflowed: false };
  }
  const [skipped] = await store.eventsAfter(cursor, filter, 1);
  if (!skipped || isClosed(response)) return { lastSent: cursor, overflowed: false };
  response.write(overflowMessage({ limit, after, replayed, lastReplayed: cursor, skipped }));
  return { lastSent: cursor, overflowed: true };
}

/** The client reconnects and resumes from the last event it got, so ending the stream loses nothing. */
function endAfterFailedReplay(response: ServerResponse, log: FastifyBaseLogger, error: Error): void {
  log.warn({ err: error }, "stream replay failed; ending the stream so the client resumes");
  response.end();
}

function hookMessage(event: EventSummary): string {
  return `id: ${event.position}\nevent: hook\ndata: ${JSON.stringify(event)}\n\n`;
}

/** No `id:` line: the client's Last-Event-ID stays at the last event it really got. */
function overflowMessage(overflow: { limit: number; after: string; replayed: number; lastReplayed: string; skipped: EventSummary }): string {
  const { limit, after, replayed, lastReplayed, skipped } = overflow;
  const message =
    `More than ${limit} events were stored after position ${after}: the oldest ${replayed} were replayed. ` +
    `Read the rest with GET /api/events?after=${lastReplayed}, up to the next event this stream sends; ` +
    "it goes on with newly stored events.";
  const data = {
    replayLimit: limit,
    replayed,
    lastReplayedPosition: lastReplayed,
    firstSkipped: { rowId: skipped.rowId, position: skipped.position, receivedAt: skipped.receivedAt },
    message,
  };
  return `event: overflow\ndata: ${JSON.stringify(data)}\n\n`;
}

function drained(response: ServerResponse, highWater: number): Promise<void> {
  if (response.writableLength < highWater || isClosed(response)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
