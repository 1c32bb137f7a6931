/**
 * Every error is answered as JSON { "error": { "code", "message" } }.
 *
 * Status codes matter to Azure DevOps: it retries only 408, 502, 503 and 504 (same event id).
 * Any other failure, 500 and 429 included, puts the subscription on probation, and while it is
 * on probation new events are dropped, not queued; 410 disables the subscription outright.
 * So failures of our own (store down, overloaded, unexpected bugs) are answered 503 with
 * Retry-After, never 500 or 410: Azure DevOps then redelivers and nothing is lost.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

export const RETRY_AFTER_SECONDS = 5;

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (status === 503) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { code, message } });
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
  return sendError(reply, 503, "internal_error", "The endpoint hit an unexpected error; retry later.");
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, 404, "not_found", `No route for ${request.method} ${request.url.split("?")[0]}.`);
}
