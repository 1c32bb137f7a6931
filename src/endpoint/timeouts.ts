/**
 * Connection timeouts, so slow or stalled clients (slowloris) cannot hold sockets open.
 * Azure DevOps sends a whole delivery (2 MB at most) at once and gives up after 30 s; a real
 * delivery over a LAN or a proxy arrives far inside these limits.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";

export interface ServerTimeouts {
  /** The whole request, headers and body, must arrive within this. */
  requestMs?: number;
  /** The request headers must arrive within this. */
  headersMs?: number;
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of common
   * reverse proxies (60 s on Azure Application Gateway, AWS ALB and nginx's keepalive_timeout
   * defaults are at most that), so a proxy never reuses a connection we are closing (it would answer 502).
   */
  keepAliveMs?: number;
  /** How often Node checks the request and header deadlines; they are enforced to within this. */
  checkIntervalMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<ServerTimeouts> = {
  requestMs: 15_000,
  headersMs: 10_000,
  keepAliveMs: 72_000,
  checkIntervalMs: 1_000,
};

/**
 * The endpoint's Node server (http, or https with `tls`), with `timeouts` applied, calling
 * `listener` for each request. It is Fastify's serverFactory (server.ts), so a request can be
 * answered before Fastify sees it (routes/ingestDirect.ts).
 */
export function createNodeServer(
  timeouts: ServerTimeouts = {},
  tls: { key: string | Buffer; cert: string | Buffer } | undefined,
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): HttpServer | HttpsServer {
  const { requestMs, headersMs, keepAliveMs, checkIntervalMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const settings = { headersTimeout: headersMs, requestTimeout: requestMs, keepAliveTimeout: keepAliveMs, connectionsCheckingInterval: checkIntervalMs };
  return tls ? createHttpsServer({ ...tls, ...settings }, listener) : createHttpServer(settings, listener);
}
