/**
 * POST /hooks and /hooks/:channel answered straight on node:http, before Fastify: Fastify's work
 * per request (request and reply objects, hooks, the body parser's async resource, validation,
 * serialisation) costs more CPU than storing the delivery does (bench/RESULTS.md, "Ingest").
 *
 * It takes only what it can accept outright, checked with the route's own functions, and leaves
 * everything else to the Fastify route (ingest.ts), which stays the one definition of every refusal:
 *   - what the request line and headers decide (method, path, query, content type and encoding,
 *     an Expect other than 100-continue, length, token): Fastify gets the request untouched;
 *   - what the body decides (not UTF-8 or JSON, a refused shape, ids the schema or the surrogate
 *     check might refuse): the body is read by then, so the request is replayed to Fastify in this
 *     process (inject) and its answer sent as it is.
 * Only a store that cannot take the delivery is answered here (503), as the route answers it.
 */
import type { FastifyInstance } from "fastify";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, type TokenCheck } from "../auth";
import { EXPECT_CONTINUE, INTERNAL_ERROR, writeError } from "../errors";
import { parseJsonBody } from "../jsonBody";
import type { EndpointMetrics } from "../metrics";
import type { Delivery } from "../store/types";
import { StoreUnavailableError, type DeliveryWriter } from "../writer";
import { CHANNEL_PATTERN, countDelivery, deliveryFrom, logRefusal, MAX_ID_LENGTH, storedAnswer, unavailable } from "./ingest";

export interface DirectIngestOptions {
  checkToken: TokenCheck;
  writer: DeliveryWriter;
  metrics: EndpointMetrics;
  bodyLimit: number;
  /** Whose /hooks route answers what this does not take. */
  app: FastifyInstance;
}

/** Answers the request and returns true, or returns false and leaves the request alone. */
export type DirectHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

const CHANNEL = new RegExp(CHANNEL_PATTERN);
/** What Azure DevOps sends; other spellings the route accepts go to it. */
const JSON_TYPES = new Set(["application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"]);
/** A strict subset of the route's schema and surrogate check: no control character, no surrogate at all. */
const PLAIN_ID = /^[^\u0000-\u001f\ud800-\udfff]+$/;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

export function directIngest(options: DirectIngestOptions): DirectHandler {
  return (request, response) => {
    const channel = request.method === "POST" ? channelOf(request.url) : undefined;
    if (channel === undefined || !acceptedHeaders(request.headers, options)) return false;
    const started = performance.now();
    // Whether Azure DevOps sends Expect: 100-continue is not known (.NET Framework's HttpClient does
    // by default); either way its deliveries take this path. The token and length are checked by now.
    if (request.headers.expect !== undefined) response.writeContinue();
    readBody(request, Number(request.headers["content-length"]), (body) => {
      const event = acceptedEvent(body);
      if (event) store(options, deliveryFrom(event, channel, body, request.headers), response, started);
      else void replay(options.app, request, body, response);
    });
    return true;
  };
}

/** "" for /hooks, the channel for /hooks/<channel>; undefined for any other target. */
function channelOf(url = ""): string | undefined {
  if (url === "/hooks") return "";
  if (!url.startsWith("/hooks/")) return undefined;
  const channel = url.slice("/hooks/".length);
  return CHANNEL.test(channel) ? channel : undefined;
}

function acceptedHeaders(headers: IncomingHttpHeaders, options: DirectIngestOptions): boolean {
  const length = headers["content-length"];
  return (
    JSON_TYPES.has(headers["content-type"]?.toLowerCase() ?? "") &&
    headers["content-encoding"] === undefined &&
    headers["transfer-encoding"] === undefined &&
    (headers.expect === undefined || EXPECT_CONTINUE.test(headers.expect)) &&
    length !== undefined &&
    /^[1-9][0-9]{0,9}$/.test(length) &&
    Number(length) <= options.bodyLimit &&
    options.checkToken(bearerToken(headers.authorization))
  );
}

function readBody(request: IncomingMessage, length: number, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => done(Buffer.concat(chunks, length)));
  // A client that goes away takes its answer with it; Node closes the socket.
  request.on("error", () => undefined);
}

/** The event, if the route would surely accept it; undefined leaves the decision to the route. */
function acceptedEvent(body: Buffer): { id: string; eventType: string } | undefined {
  let event: unknown;
  try {
    event = parseJsonBody(body);
  } catch {
    return undefined;
  }
  if (event === null || typeof event !== "object" || Array.isArray(event)) return undefined;
  const { id, eventType } = event as Record<string, unknown>;
  return plainId(id) && plainId(eventType) ? (event as { id: string; eventType: string }) : undefined;
}

/** Counted in UTF-16 units, at least the schema's count of code points. */
function plainId(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_ID_LENGTH && PLAIN_ID.test(value);
}

/** Only the id and channel are kept meanwhile: the writer holds the delivery, as small as the store made it. */
function store(options: DirectIngestOptions, delivery: Delivery, response: ServerResponse, started: number): void {
  const { writer, metrics, app } = options;
  const { eventId, channel } = delivery;
  writer.write(delivery).then(
    (outcome) => {
      const body = JSON.stringify(storedAnswer(eventId, outcome));
      response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
      response.end(body);
      countDelivery(metrics, 200, outcome.duplicate, performance.now() - started);
    },
    (error: Error) => {
      const { code, message } =
        error instanceof StoreUnavailableError
          ? unavailable(error, metrics, app.log)
          : (app.log.error({ err: error }, "unexpected error"), INTERNAL_ERROR);
      writeError(response, 503, code, message);
      const result = countDelivery(metrics, 503, false, performance.now() - started);
      logRefusal(app.log, channel ? "/hooks/:channel" : "/hooks", 503, result);
    },
  );
}

/** The route's answer to a request whose body this path did not accept. */
async function replay(app: FastifyInstance, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  try {
    const answer = await app.inject({ method: "POST", url: request.url, headers: request.headers, payload: body });
    const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    response.writeHead(answer.statusCode, headers as Record<string, string | string[]>);
    response.end(answer.rawPayload);
  } catch (error) {
    app.log.error({ err: error }, "unexpected error");
    writeError(response, 503, INTERNAL_ERROR.code, INTERNAL_ERROR.message);
  }
}
