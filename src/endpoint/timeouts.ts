/**
 * Connection timeouts, so slow or stalled clients (slowloris) cannot hold sockets open.
 * Azure DevOps sends a whole delivery (2 MB at most) at once and gives up after 30 s; a real
 * delivery over a LAN or a proxy arrives far inside these limits.
 */
import type { ServerOptions as HttpServerOptions } from "node:http";
import type { ServerOptions as HttpsServerOptions } from "node:https";

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

/** The Fastify options that apply `timeouts`; `https` options, if any, carry the Node server settings too. */
export function timeoutOptions(
  timeouts: ServerTimeouts = {},
  https?: HttpsServerOptions,
): { requestTimeout: number; keepAliveTimeout: number; http?: HttpServerOptions; https?: HttpsServerOptions } {
  const { requestMs, headersMs, keepAliveMs, checkIntervalMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const node = { headersTimeout: headersMs, connectionsCheckingInterval: checkIntervalMs };
  return {
    requestTimeout: requestMs,
    keepAliveTimeout: keepAliveMs,
    // Fastify hands `http` to http.createServer only; https.createServer takes the same settings with the TLS ones.
    ...(https ? { https: { ...https, ...node } } : { http: node }),
  };
}
