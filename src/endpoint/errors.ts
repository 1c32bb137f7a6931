/**
 * Every error is answered as JSON { "error": { "code", "message" } }, from the route handlers
 * and from below them: routing, body parsing, and Node's HTTP parser (see clientErrorHandler).
 *
 * Status codes matter to Azure DevOps: it retries only 408, 502, 503 and 504 (same event id).
 * Any other failure, 500 and 429 included, puts the subscription on probation, and while it is
 * on probation new events are dropped, not queued; 410 disables the subscription outright.
 * So failures of our own (store down, overloaded, unexpected bugs) are answered 503 with
 * Retry-After, never 500 or 410: Azure DevOps then redelivers and nothing is lost.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export const RETRY_AFTER_SECONDS = 5;

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Answers an error. One given while the body is still on its way (a wrong route, method or token,
 * a body too large) closes the connection after it rather than reading what nobody wants.
 */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (status === 503) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
  if (reply.request.raw.complete === false) closeWithoutReading(reply);
  return reply.code(status).type("application/json; charset=utf-8").send(errorBody(code, message));
}

/** Bytes and time a connection closed mid-body keeps reading (and discarding) after the answer. */
const LINGER_BYTES = 256 * 1024;
const LINGER_MS = 2000;

/**
 * Closes the connection once the answer is out, without reading the rest of the body. Closing a
 * socket the client is still writing to makes the kernel reset it, and a client busy sending its
 * body may then lose the answer. So, like a web server's lingering close, the connection is shut
 * for writing first and what still arrives is discarded for a bounded while (LINGER_BYTES,
 * LINGER_MS): a client that reads the answer and stops sending gets it intact.
 */
function closeWithoutReading(reply: FastifyReply): void {
  reply.header("connection", "close");
  const socket = reply.request.raw.socket;
  reply.raw.once("finish", () => {
    // Node has just called socket.destroySoon(): end (FIN) now, destroy once ended. Linger instead.
    socket.removeListener("finish", socket.destroy);
    const readLimit = socket.bytesRead + LINGER_BYTES;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.on("data", () => socket.bytesRead > readLimit && socket.destroy());
    socket.once("close", () => clearTimeout(timer));
  });
}

/** A client error a route raises on purpose. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FASTIFY_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type", message: "Send the event as application/json." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "payload_too_large" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "invalid_json", message: "The body is empty; expected a JSON object." },
  FST_ERR_BAD_URL: { status: 400, code: "invalid_url", message: "The URL path is not valid (malformed percent-encoding)." },
};

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof RequestError) return sendError(reply, error.statusCode, error.code, error.message);
  if (error.validation) {
    const code = error.validationContext === "body" ? "invalid_event" : "invalid_request";
    return sendError(reply, 400, code, error.message);
  }
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return sendError(reply, known.status, known.code, known.message ?? error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(reply, error.statusCode, "bad_request", error.message);
  }
  request.log.error({ err: error }, "unexpected error");
  return sendError(reply, 503, INTERNAL_ERROR.code, INTERNAL_ERROR.message);
}

/** Errors Fastify meets before routing (a malformed URL): the same shape as every other error. */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  const { status, code, message } = known ?? { status: 400, code: "bad_request", message: error.message };
  return sendError(reply, status, code, message ?? error.message);
}

/** What Node's HTTP parser refuses, by its error code; anything else it refuses is a malformed request. */
const PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: "request_timeout", message: "The request did not arrive in time." },
  HPE_HEADER_OVERFLOW: { status: 431, code: "headers_too_large", message: "The request line and headers are too large." },
  HPE_INVALID_URL: { status: 400, code: "invalid_url", message: "The request target is not a valid URL." },
};

/**
 * Node's 'clientError': the request could not be parsed or did not arrive in time. Answered in the
 * documented JSON shape, unless an answer has already started, then the connection is closed.
 * Only the error code is logged: Node's error carries the raw bytes received, token included.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const { status, code, message } = PARSER_ERRORS[error.code ?? ""] ?? {
    status: 400,
    code: "malformed_request",
    message: `The request is not valid HTTP/1.1 (${error.code ?? "unknown error"}).`,
  };
  this.log.debug({ code: error.code, status }, "client error");
  const answering = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !answering?.headersSent) socket.write(rawResponse(status, errorBody(code, message)));
  socket.destroy();
}

/** What a request that hit a bug gets: 503, so that Azure DevOps retries it. */
export const INTERNAL_ERROR = { code: "internal_error", message: "The endpoint hit an unexpected error; retry later." };

/** sendError's answer on a plain Node response, for requests answered before Fastify (routes/ingestDirect.ts). */
export function writeError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  const headers: Record<string, string | number> = { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) };
  if (status === 503) headers["retry-after"] = String(RETRY_AFTER_SECONDS);
  response.writeHead(status, headers);
  response.end(body);
}

/** The one expectation the endpoint meets, once the route and token are checked. */
export const EXPECT_CONTINUE = /^\s*100-continue\s*$/i;

/** Node answers an Expect header other than 100-continue itself, with an empty 417; this keeps the JSON shape. */
export function refuseExpectation(request: IncomingMessage, response: ServerResponse): void {
  const body = errorBody("expectation_failed", `Expect: ${String(request.headers.expect).slice(0, 64)} is not supported; only 100-continue is.`);
  response.writeHead(417, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
  response.end(body);
}

function rawResponse(status: number, body: string): string {
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
  ];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}
