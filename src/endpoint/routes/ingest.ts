/** POST /hooks and POST /hooks/:channel: what Azure DevOps delivers. */
import type { JsonSchemaToTsProvider } from "@fastify/type-provider-json-schema-to-ts";
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import { extractFacts } from "../../contract/facts";
import { naturalKeyOf } from "../../contract/naturalKey";
import { requireBearer, type TokenCheck } from "../auth";
import { rawBodyOf } from "../jsonBody";
import { RequestError, sendError } from "../errors";
import type { DeliveryResult, EndpointMetrics } from "../metrics";
import type { Delivery } from "../store/types";
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

const channelSchema = {
  type: "object",
  properties: { channel: { type: "string", pattern: "^[A-Za-z0-9._~-]{1,64}$" } },
} as const;

/** Never stored or shown again: the token, and what proxies might add that carries secrets. */
const UNSTORED_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);

export async function ingestRoutes(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { writer, metrics } = options;
  app.decorateRequest(DUPLICATE, null);
  app.addHook("onRequest", requireBearer(options.checkToken));
  app.addHook("onRequest", refuseEncodedBody);
  app.addHook("onResponse", (request, reply, done) => {
    metrics.ingestDuration.observe(reply.elapsedTime / 1000);
    const result = resultOf(reply.statusCode, request.getDecorator<boolean | null>(DUPLICATE) === true);
    metrics.deliveries.inc({ result });
    if (reply.statusCode >= 400) {
      const level = reply.statusCode >= 500 ? "warn" : "info";
      request.log[level]({ route: request.routeOptions.url, statusCode: reply.statusCode, result }, "delivery refused");
    }
    done();
  });

  const routes = app.withTypeProvider<JsonSchemaToTsProvider>();
  const routeOptions = { bodyLimit: options.bodyLimit, schema: { body: bodySchema, params: channelSchema, response: { 200: storedSchema } } };
  for (const url of ["/hooks", "/hooks/:channel"]) {
    routes.post(url, routeOptions, async (request, reply) => {
      const delivery = deliveryOf(request.body, request.params.channel ?? "", request);
      // The parsed event is not needed past this point: a large one is not held until its commit.
      (request as { body: unknown }).body = undefined;
      try {
        const outcome = await writer.write(delivery);
        request.setDecorator(DUPLICATE, outcome.duplicate);
        return reply.code(200).send({ id: delivery.eventId, duplicate: outcome.duplicate, receiptCount: outcome.receiptCount });
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        if (error.reason === "store_error") {
          metrics.storeErrors.inc();
          request.log.warn({ err: error }, "store write failed");
        }
        // 503, never 500: see errors.ts for why.
        return sendError(reply, 503, error.reason === "store_error" ? "store_unavailable" : error.reason, error.message);
      }
    });
  }
}

/** What is stored of a request whose body passed the schema. */
function deliveryOf(event: { id: string; eventType: string }, channel: string, request: FastifyRequest): Delivery {
  refuseLoneSurrogates(event);
  return {
    channel,
    eventId: event.id,
    facts: extractFacts(event),
    body: rawBodyOf(request) ?? JSON.stringify(event),
    headers: storedHeaders(request),
    receivedAt: Date.now(),
    origin: "delivered",
    // A change reconciliation rebuilt or recovered under another id is then a receipt of that event.
    naturalKey: naturalKeyOf(event),
  };
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

function storedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || UNSTORED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
