/** POST /hooks and POST /hooks/:channel: what Azure DevOps delivers. */
import type { JsonSchemaToTsProvider } from "@fastify/type-provider-json-schema-to-ts";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import type { IncomingHttpHeaders } from "node:http";
import { extractFacts } from "../../contract/facts";
import { naturalKeyOf } from "../../contract/naturalKey";
import { requireBearer, type TokenCheck } from "../auth";
import { takeRawBody } from "../jsonBody";
import { RequestError, sendError } from "../errors";
import type { DeliveryResult, EndpointMetrics } from "../metrics";
import type { Delivery, DeliveryOutcome } from "../store/types";
import { StoreUnavailableError, type DeliveryWriter } from "../writer";

export interface IngestOptions {
  checkToken: TokenCheck;
  writer: DeliveryWriter;
  metrics: EndpointMetrics;
  bodyLimit: number;
}

/** Per request: whether the delivery was a duplicate, for the metrics (null until it is stored). */
const DUPLICATE = "duplicateDelivery";

/** The longest event id (and event type) accepted, in UTF-16 code units. */
export const MAX_ID_LENGTH = 256;
const NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f]+$";

const bodySchema = {
  type: "object",
  required: ["id", "eventType"],
  properties: {
    id: { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH, pattern: NO_CONTROL_CHARACTERS },
    eventType: { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH, pattern: NO_CONTROL_CHARACTERS },
  },
} as const;

/** The answer once the delivery is stored; Fastify compiles a serializer for it. */
const storedSchema = {
  type: "object",
  required: ["id", "duplicate", "receiptCount"],
  properties: { id: { type: "string" }, duplicate: { type: "boolean" }, receiptCount: { type: "integer" } },
} as const;

/** A channel names a stream of events: unreserved URL characters only, so it never needs decoding. */
export const CHANNEL_PATTERN = "^[A-Za-z0-9._~-]{1,64}$";

const channelSchema = {
  type: "object",
  properties: { channel: { type: "string", pattern: CHANNEL_PATTERN } },
} as const;

/** Never stored or shown again: the token, and what proxies might add that carries secrets. */
const UNSTORED_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);

export async function ingestRoutes(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { writer, metrics } = options;
  app.decorateRequest(DUPLICATE, null);
  app.addHook("onRequest", requireBearer(options.checkToken));
  app.addHook("onRequest", refuseEncodedBody);
  app.addHook("onResponse", (request, reply, done) => {
    const result = countDelivery(metrics, reply.statusCode, request.getDecorator<boolean | null>(DUPLICATE) === true, reply.elapsedTime);
    if (reply.statusCode >= 400) logRefusal(request.log, request.routeOptions.url, reply.statusCode, result);
    done();
  });

  const routes = app.withTypeProvider<JsonSchemaToTsProvider>();
  const routeOptions = { bodyLimit: options.bodyLimit, schema: { body: bodySchema, params: channelSchema, response: { 200: storedSchema } } };
  for (const url of ["/hooks", "/hooks/:channel"]) {
    routes.post(url, routeOptions, async (request, reply) => {
      const { eventId, written } = queue(writer, request.body, request.params.channel ?? "", request);
      // Neither the parsed event nor the received body is needed past this point: a large one is not
      // held until its commit (the writer holds the delivery, as small as the store made it).
      (request as { body: unknown }).body = undefined;
      try {
        const outcome = await written;
        request.setDecorator(DUPLICATE, outcome.duplicate);
        return reply.code(200).send(storedAnswer(eventId, outcome));
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        const { code, message } = unavailable(error, metrics, request.log);
        return sendError(reply, 503, code, message);
      }
    });
  }
}

/**
 * Queues the delivery of a body that passed the schema. A function of its own, so that no local of
 * the handler holds the event or the delivery across its await.
 */
function queue(writer: DeliveryWriter, event: { id: string; eventType: string }, channel: string, request: FastifyRequest) {
  refuseLoneSurrogates(event);
  const delivery = deliveryFrom(event, channel, takeRawBody(request) ?? JSON.stringify(event), request.headers);
  return { eventId: delivery.eventId, written: writer.write(delivery) };
}

/** What is stored of an event that passed the checks (the route's, or the direct path's: ingestDirect.ts). */
export function deliveryFrom(event: { id: string; eventType: string }, channel: string, body: Delivery["body"], headers: IncomingHttpHeaders): Delivery {
  return {
    channel,
    eventId: event.id,
    facts: extractFacts(event),
    body,
    headers: storedHeaders(headers),
    receivedAt: Date.now(),
    origin: "delivered",
    // A change reconciliation rebuilt or recovered under another id is then a receipt of that event.
    naturalKey: naturalKeyOf(event),
  };
}

/** The 200 answer's body, once the delivery is stored (storedSchema). */
export function storedAnswer(eventId: string, outcome: DeliveryOutcome) {
  return { id: eventId, duplicate: outcome.duplicate, receiptCount: outcome.receiptCount };
}

/** The 503 (never 500: see errors.ts) of a delivery the store could not take; a store error is counted and logged. */
export function unavailable(error: StoreUnavailableError, metrics: EndpointMetrics, log: FastifyBaseLogger): { code: string; message: string } {
  if (error.reason === "store_error") {
    metrics.storeErrors.inc();
    log.warn({ err: error }, "store write failed");
  }
  return { code: error.reason === "store_error" ? "store_unavailable" : error.reason, message: error.message };
}

/** A refused delivery's log line: its route pattern, status and result, never its path or headers. */
export function logRefusal(log: FastifyBaseLogger, route: string | undefined, statusCode: number, result: DeliveryResult): void {
  log[statusCode >= 500 ? "warn" : "info"]({ route, statusCode, result }, "delivery refused");
}

/** Counts an answered delivery by result, and its time to answer; returns the result. */
export function countDelivery(metrics: EndpointMetrics, status: number, duplicate: boolean, elapsedMs: number): DeliveryResult {
  metrics.ingestDuration.observe(elapsedMs / 1000);
  const result = resultOf(status, duplicate);
  metrics.deliveries.inc({ result });
  return result;
}

/** A body the client compressed (or otherwise encoded) would be stored as if it were the JSON text. */
const refuseEncodedBody: onRequestHookHandler = (request, reply, done) => {
  const encoding = request.headers["content-encoding"];
  if (encoding === undefined || /^\s*identity\s*$/i.test(encoding)) return done();
  sendError(reply, 415, "unsupported_encoding", "Send the event without Content-Encoding (identity).");
};

/**
 * JSON may carry "\ud800" escapes, which decode to a lone UTF-16 surrogate: no UTF-8 text (SQLite,
 * PostgreSQL) can hold one, so two different ids could end up in one row. Azure DevOps ids are GUIDs.
 */
function refuseLoneSurrogates(event: { id: string; eventType: string }): void {
  if (LONE_SURROGATE.test(event.id)) throw new RequestError(400, "invalid_id", "The event id contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape).");
  if (LONE_SURROGATE.test(event.eventType)) {
    throw new RequestError(400, "invalid_event_type", "The eventType contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape).");
  }
}

/** With the u flag, a surrogate range only matches surrogates that are not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function resultOf(status: number, duplicate: boolean): DeliveryResult {
  if (status < 300) return duplicate ? "duplicate" : "stored";
  if (status === 401) return "rejected_auth";
  if (status >= 500) return "unavailable";
  return "rejected_invalid";
}

function storedHeaders(received: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(received)) {
    if (value === undefined || UNSTORED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
