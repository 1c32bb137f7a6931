/**
 * Sends one delivery POST with node:http / node:https, so a local endpoint's self-signed certificate
 * can be trusted explicitly (`trustedCertificates`) instead of turning TLS checks off. Redirects are
 * followed, as the service does; the response body is discarded unread.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";

export interface SendOptions {
  headers: [string, string][];
  body: string;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  /** PEM certificates trusted in addition to Node's default CAs. */
  trustedCertificates?: readonly string[];
}

export interface DeliveryResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
}

/** Thrown when `timeoutMs` passes; the name matches what AbortSignal.timeout raises. */
export class DeliveryTimeoutError extends Error {
  override name = "TimeoutError";
}

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function sendDelivery(url: string, options: SendOptions): Promise<DeliveryResponse> {
  const deadline = Date.now() + options.timeoutMs;
  let target = new URL(url);
  let method = "POST";
  let body: string | undefined = options.body;
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce(target, method, body, options, deadline - Date.now());
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location) return response;
    if (redirects === MAX_REDIRECTS) throw new Error("redirect count exceeded");
    target = new URL(location, target);
    // As fetch and HttpClient do: 303, and 301/302 after a POST, continue as a GET without the body.
    if (response.status !== 307 && response.status !== 308) {
      method = "GET";
      body = undefined;
    }
  }
}

function sendOnce(url: URL, method: string, body: string | undefined, options: SendOptions, timeoutMs: number): Promise<DeliveryResponse> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of options.headers) headers[name] = value;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json; charset=utf-8";
    headers["Content-Length"] = Buffer.byteLength(body);
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method,
      headers,
      agent: false,
      ...(url.protocol === "https:" && options.trustedCertificates?.length ? { ca: trusted(options.trustedCertificates) } : {}),
    });
    const timer = setTimeout(() => request.destroy(new DeliveryTimeoutError("The operation was aborted due to timeout")), Math.max(0, timeoutMs));
    request.once("response", (response) => {
      clearTimeout(timer);
      response.resume();
      resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", headers: response.headers });
    });
    request.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** The extra certificates plus Node's bundled roots: `ca` replaces the defaults otherwise. */
function trusted(certificates: readonly string[]): string[] {
  return [...rootCertificates, ...certificates];
}
