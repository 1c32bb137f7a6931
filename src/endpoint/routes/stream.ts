/**
 * GET /api/events/stream: Server-Sent Events, one `hook` event per newly stored event, its row id
 * as the SSE id.
 *
 * Resume: with a Last-Event-ID header (EventSource sends it when it reconnects) or a
 * ?lastEventId= parameter, the stored events after that row id are replayed first, oldest first,
 * then the stream goes on live. The stream subscribes to the feed before it reads the store and
 * holds live events until the replay is done; it then sends the held ones the replay did not
 * contain, so nothing falls between replay and live. A row is readable as soon as it commits, a
 * moment before its writer announces it (the SQLite writer thread's answer, PostgreSQL's reply or
 * NOTIFY are still on their way), so live events the replay already sent are also skipped for a
 * while after it, and nothing comes twice. The replay is
 * bounded: past `replayLimit` events it sends an `overflow` event telling the client to page
 * through GET /api/events for the rest. On PostgreSQL with several replicas, see store/postgres.ts
 * for the one case a resume cannot replay.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import { requireBearer, type TokenCheck } from "../auth";
import { parseRowId } from "../cursor";
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
/**
 * How long after a replay its row ids are remembered, to skip their announcements. Far more than a
 * commit takes to be announced, even after a PostgreSQL LISTEN reconnection (see postgresNotify.ts).
 */
const REPLAYED_MEMORY_MS = 60_000;

type StreamQuery = { eventType?: string; channel?: string; lastEventId?: string };

/** Unknown parameters are let through (EventSource URLs may carry cache busters); repeated ones are not. */
const streamQuerySchema = { ...querySchema(["eventType", "channel", "lastEventId"]), additionalProperties: true };

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

  app.get(
    "/api/events/stream",
    { schema: { querystring: streamQuerySchema } },
    (request: FastifyRequest<{ Querystring: StreamQuery }>, reply) => {
      const { eventType, channel } = request.query;
      const filter: StreamFilter = { eventType, channel };
      const resumeAfter = resumePoint(request);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, STREAM_HEADERS);
      if (request.method === "HEAD") {
        response.end();
        return;
      }
      response.write(": connected\n\n");
      clients.add(response);

      const send = (event: EventSummary) => clients.write(response, messageOf(event));
      const matches = (event: EventSummary) =>
        (eventType === undefined || event.eventType === eventType) && (channel === undefined || event.channel === channel);
      // Live events wait here while the replay runs.
      let held: EventSummary[] | undefined = resumeAfter === undefined ? undefined : [];
      let replayed: Set<string> | undefined;
      let forgetReplayed: NodeJS.Timeout | undefined;
      const unsubscribe = options.feed.subscribe((event) => {
        if (!matches(event)) return;
        if (!held) {
          if (!replayed?.has(event.rowId)) send(event);
        } else if (held.length < MAX_HELD_EVENTS) {
          held.push(event);
        } else {
          response.destroy();
        }
      });
      const heartbeat = setInterval(() => clients.write(response, ": heartbeat\n\n"), options.heartbeatMs);
      response.on("close", () => {
        clearInterval(heartbeat);
        clearTimeout(forgetReplayed);
        unsubscribe();
      });

      if (resumeAfter === undefined) return;
      replay(response, options.store, filter, resumeAfter, { limit: options.replayLimit, highWater: replayHighWater }).then(
        (sent) => {
          const waiting = held ?? [];
          held = undefined;
          if (isClosed(response)) return;
          replayed = sent;
          forgetReplayed = setTimeout(() => (replayed = undefined), REPLAYED_MEMORY_MS);
          for (const event of waiting) if (!sent.has(event.rowId)) send(event);
        },
        (error: Error) => endAfterFailedReplay(response, request.log, error),
      );
    },
  );
}

/** The row id to resume after: the Last-Event-ID header, else ?lastEventId=; an empty value means none. */
function resumePoint(request: FastifyRequest<{ Querystring: StreamQuery }>): string | undefined {
  const header = request.headers["last-event-id"];
  const fromHeader = header === undefined || header === "" ? undefined : rowIdOf(header, "The Last-Event-ID header");
  const param = request.query.lastEventId;
  // Both are checked, but the header wins: EventSource keeps the page's URL, ?lastEventId= included,
  // and sends the id it saw last in the header when it reconnects.
  const fromParam = param === undefined || param === "" ? undefined : rowIdOf(param, "lastEventId");
  return fromHeader ?? fromParam;
}

function rowIdOf(value: string | string[], name: string): string {
  const text = Array.isArray(value) ? value.join(", ") : value;
  const rowId = parseRowId(text);
  if (rowId !== undefined) return rowId;
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  throw new RequestError(
    400,
    "invalid_last_event_id",
    `${name} must be the id of an event this stream sent (a non-negative integer), got ${JSON.stringify(shown)}.`,
  );
}

/** Writes the stored events after `afterRowId`, oldest first; resolves to the row ids it wrote. */
async function replay(
  response: ServerResponse,
  store: EventStore,
  filter: StreamFilter,
  afterRowId: string,
  { limit, highWater }: { limit: number; highWater: number },
): Promise<Set<string>> {
  const replayed = new Set<string>();
  let cursor = afterRowId;
  while (replayed.size < limit) {
    const wanted = Math.min(REPLAY_PAGE, limit - replayed.size);
    const page = await store.eventsAfter(cursor, filter, wanted);
    if (isClosed(response)) return replayed;
    for (const event of page) {
      response.write(hookMessage(event));
      replayed.add(event.rowId);
    }
    if (page.length < wanted) return replayed;
    cursor = page[page.length - 1].rowId;
    await drained(response, highWater);
    if (isClosed(response)) return replayed;
  }
  const [skipped] = await store.eventsAfter(cursor, filter, 1);
  if (skipped && !isClosed(response)) response.write(overflowMessage({ limit, afterRowId, replayed: replayed.size, lastReplayed: cursor, skipped }));
  return replayed;
}

/** The client reconnects and resumes from the last event it got, so ending the stream loses nothing. */
function endAfterFailedReplay(response: ServerResponse, log: FastifyBaseLogger, error: Error): void {
  log.warn({ err: error }, "stream replay failed; ending the stream so the client resumes");
  response.end();
}

function hookMessage(event: EventSummary): string {
  return `id: ${event.rowId}\nevent: hook\ndata: ${JSON.stringify(event)}\n\n`;
}

/** No `id:` line: the client's Last-Event-ID stays at the last event it really got. */
function overflowMessage(overflow: { limit: number; afterRowId: string; replayed: number; lastReplayed: string; skipped: EventSummary }): string {
  const { limit, afterRowId, replayed, lastReplayed, skipped } = overflow;
  const message =
    `More than ${limit} events were stored after event ${afterRowId}: the oldest ${replayed} were replayed. ` +
    `Page through GET /api/events for the ones from row ${skipped.rowId} (received ${skipped.receivedAt}) on; ` +
    "this stream goes on with newly stored events.";
  const data = {
    replayLimit: limit,
    replayed,
    lastReplayedRowId: lastReplayed,
    firstSkipped: { rowId: skipped.rowId, receivedAt: skipped.receivedAt },
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
