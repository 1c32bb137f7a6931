/**
 * A small typed client for the Azure DevOps REST calls reconciliation makes, on Node's fetch.
 *
 * Not azure-devops-extension-api's clients: their errors drop the response headers, so a 429's
 * Retry-After cannot be honoured, and they expect a browser. Not azure-devops-node-api either: its
 * transport retries on its own terms, without Retry-After. The contract types still come from
 * azure-devops-extension-api (contracts.ts).
 *
 * Authentication is a personal access token as Basic base64(":" + token). The token never appears in
 * a URL, a log line or an error message.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface AdoClientOptions {
  /** The organization or collection URL, e.g. https://dev.azure.com/fabrikam */
  organizationUrl: string;
  token: string;
  /** Attempts per call while Azure DevOps answers 429 or is unavailable (502, 503, 504). */
  maxAttempts?: number;
  /** Wait before the second attempt when no Retry-After is given; doubled each time. */
  backoffMs?: number;
  /** Longest single wait, whatever Retry-After asks. */
  maxWaitMs?: number;
  requestTimeoutMs?: number;
  /** Told of each throttled or failed attempt and how long the client waits before the next. */
  onRetry?: (status: number, waitMs: number) => void;
}

export type QueryValue = string | number | boolean | undefined;

export class AdoError extends Error {
  override name = "AdoError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** What the client asks for: api 7.1, enums as numbers (compared with the contract's enums), ISO dates. */
const ACCEPT = "application/json;api-version=7.1;enumsAsNumbers=true";
const RETRIED = new Set([429, 502, 503, 504]);

export class AdoClient {
  private readonly base: string;
  private readonly authorization: string;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxWaitMs: number;
  private readonly requestTimeoutMs: number;
  /** Calls made, throttled calls included: the cost of a run. */
  calls = 0;

  constructor(private readonly options: AdoClientOptions) {
    this.base = options.organizationUrl.replace(/\/*$/, "/");
    this.authorization = `Basic ${Buffer.from(`:${options.token}`).toString("base64")}`;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get<T>(path: string, query: Record<string, QueryValue> = {}, signal?: AbortSignal): Promise<T> {
    return this.send<T>("GET", path, query, undefined, signal);
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.send<T>("POST", path, {}, body, signal);
  }

  /** A list call: the service wraps arrays as {count, value}. */
  async list<T>(path: string, query: Record<string, QueryValue> = {}, signal?: AbortSignal): Promise<T[]> {
    const answer = await this.get<{ value?: T[] } | T[]>(path, query, signal);
    return Array.isArray(answer) ? answer : (answer.value ?? []);
  }

  /** Who the token belongs to, and the organization's id; throws AdoError 401 when Azure DevOps rejects it. */
  async whoAmI(signal?: AbortSignal): Promise<{ id: string; displayName: string; instanceId: string }> {
    const data = await this.get<{ authenticatedUser: { id: string; providerDisplayName: string }; instanceId: string }>("_apis/connectionData", {}, signal);
    return { id: data.authenticatedUser.id, displayName: data.authenticatedUser.providerDisplayName, instanceId: data.instanceId };
  }

  private url(path: string, query: Record<string, QueryValue>): string {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  private async send<T>(method: string, path: string, query: Record<string, QueryValue>, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = this.url(path, query);
    for (let attempt = 1; ; attempt++) {
      this.calls++;
      const response = await fetch(url, {
        method,
        headers: {
          Authorization: this.authorization,
          Accept: ACCEPT,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]) : AbortSignal.timeout(this.requestTimeoutMs),
      });
      if (response.ok) return (await response.json()) as T;
      const text = await response.text();
      if (!RETRIED.has(response.status) || attempt >= this.maxAttempts) {
        throw new AdoError(`${method} ${path}: ${response.status} ${serviceMessage(text) ?? response.statusText}`, response.status);
      }
      const waitMs = this.waitBefore(attempt, response.headers.get("retry-after"));
      this.options.onRetry?.(response.status, waitMs);
      await sleep(waitMs, undefined, { signal });
    }
  }

  /** Retry-After (seconds or an HTTP date) when given, else exponential backoff; capped at maxWaitMs. */
  waitBefore(attempt: number, retryAfter: string | null): number {
    const asked = retryAfterMs(retryAfter);
    const wait = asked ?? this.backoffMs * 2 ** (attempt - 1);
    return Math.min(Math.max(wait, 0), this.maxWaitMs);
  }
}

export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The service's JSON error message, if the body is one. */
function serviceMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
