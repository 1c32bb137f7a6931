/**
 * The faked transport: the devhost's framework-free Azure DevOps API (src/devhost/api) and its
 * delivery engine, seeded with a realistic project, behind the global fetch the real
 * azure-devops-extension-api clients use. Endpoint deliveries go to in-test receivers through the
 * engine's `send` option, never to the network.
 */
import { createAzureDevOpsApi } from "../../../src/devhost/api";
import { DeliveryEngine, type DeliverySender } from "../../../src/devhost/delivery/engine";
import { SEED_PROJECT, seed } from "../../../src/devhost/core/seed";
import { DevhostState } from "../../../src/devhost/core/state";
import { configureHost, resetHost } from "../fakeSdk";
import { setFetchHandler, type FetchCall } from "./fetch";

export const ORIGIN = "http://devhost.test";
export const ORGANIZATION = "fabrikam";
export const SERVICE_ROOT = `${ORIGIN}/${ORGANIZATION}/`;

const REASONS: Record<number, string> = { 200: "OK", 204: "No Content", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error", 504: "Gateway Timeout" };

export interface Devhost {
  state: DevhostState;
  engine: DeliveryEngine;
  /** Every call the page made to Azure DevOps, in order. */
  requests: FetchCall[];
  /** Endpoint URL → the HTTP status its receiver answers deliveries with; a promise holds each delivery until it settles. */
  receivers: Map<string, number | Promise<number>>;
  /** Answer Azure DevOps calls matching the predicate with this status instead (e.g. 403); returns what lifts it. */
  failWith(predicate: (call: FetchCall) => boolean, status: number, message: string): () => void;
  /** Let the stand-in carry out matching calls, then lose the answer: the page gets a 504 as from a gateway that timed out. */
  loseAnswer(predicate: (call: FetchCall) => boolean): void;
  /**
   * Change the JSON of successful answers to matching calls, for shapes the service may send but
   * the stand-in does not (e.g. a subscription without `status`, as the old spec examples show).
   */
  rewrite(predicate: (call: FetchCall) => boolean, change: (body: unknown) => unknown): void;
  close(): Promise<void>;
}

export interface DevhostOptions {
  extraSubscriptions?: number;
  /** The identity the page is signed in as (default: the seeded user, a collection administrator). */
  userId?: string;
  /** Refuse URLs on private, loopback and link-local addresses, as Azure DevOps Services does (default: allowed, as in the demo). */
  blockLocalDelivery?: boolean;
}

export function startDevhost(options: DevhostOptions = {}): Devhost {
  const state = new DevhostState({ organization: ORGANIZATION });
  seed(state, { subscriptions: options.extraSubscriptions });
  if (options.userId) state.data.currentUserId = options.userId;
  const receivers = new Map<string, number | Promise<number>>();
  // Receivers are in-process: no address rule, as in `npm run demo`.
  const engine = new DeliveryEngine(state, { timeoutMs: 2000, send: answerFrom(receivers), allowLocalDelivery: true });
  const api = createAzureDevOpsApi(state, { delivery: engine, origin: ORIGIN, allowLocalDelivery: !options.blockLocalDelivery, log: () => undefined });
  const requests: FetchCall[] = [];
  const failures: { predicate: (call: FetchCall) => boolean; status: number; message: string }[] = [];
  const lostAnswers: ((call: FetchCall) => boolean)[] = [];
  const rewrites: { predicate: (call: FetchCall) => boolean; change: (body: unknown) => unknown }[] = [];

  setFetchHandler(async (call) => {
    if (!call.url.startsWith(SERVICE_ROOT)) throw new TypeError(`The page called outside Azure DevOps: ${call.url}`);
    requests.push(call);
    const failure = failures.find((f) => f.predicate(call));
    if (failure) return json(failure.status, { message: failure.message, typeKey: "UnauthorizedRequestException" });
    const url = new URL(call.url);
    const answer = await api.handle({ method: call.method, url: url.pathname + url.search, headers: { ...call.headers, host: url.host }, body: call.body });
    if (lostAnswers.some((lost) => lost(call))) return json(504, { message: "The gateway timed out waiting for Azure DevOps." });
    let body = answer.status === 204 ? null : answer.body;
    for (const rewrite of rewrites) {
      if (answer.status === 200 && body && rewrite.predicate(call)) body = JSON.stringify(rewrite.change(JSON.parse(body)));
    }
    return new Response(body, { status: answer.status, statusText: REASONS[answer.status] ?? "", headers: answer.headers });
  });
  resetHost();
  const user = state.identity(state.data.currentUserId);
  configureHost({
    serviceRoot: SERVICE_ROOT,
    project: { id: SEED_PROJECT.id, name: SEED_PROJECT.name },
    ...(user ? { user: { id: user.id, name: user.uniqueName, displayName: user.displayName, descriptor: user.descriptor, imageUrl: "" } } : {}),
  });

  return {
    state,
    engine,
    requests,
    receivers,
    failWith: (predicate, status, message) => {
      const failure = { predicate, status, message };
      failures.push(failure);
      return () => failures.splice(failures.indexOf(failure), 1);
    },
    loseAnswer: (predicate) => lostAnswers.push(predicate),
    rewrite: (predicate, change) => rewrites.push({ predicate, change }),
    async close() {
      await engine.idle();
      engine.close();
    },
  };
}

/** An endpoint with no receiver behaves like a refused connection. */
function answerFrom(receivers: Map<string, number | Promise<number>>): DeliverySender {
  return async (url) => {
    const status = await receivers.get(url);
    if (status === undefined) throw new Error(`connect ECONNREFUSED ${new URL(url).host}`);
    return { status, statusText: REASONS[status] ?? "", headers: { date: new Date().toUTCString() } };
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, statusText: REASONS[status] ?? "", headers: { "content-type": "application/json" } });
}

/** The requests to one REST resource, e.g. calls(devhost, "PUT", /Subscriptions\//). */
export function callsTo(devhost: Devhost, method: string, path: RegExp): FetchCall[] {
  return devhost.requests.filter((r) => r.method === method && path.test(new URL(r.url).pathname));
}

/** The seeded subscription whose endpoint URL contains `fragment`, as the stand-in stores it. */
export function seededSubscription(devhost: Devhost, fragment: string) {
  const found = devhost.state.data.subscriptions.find((s) => s.consumerInputs.url.includes(fragment));
  if (!found) throw new Error(`no seeded subscription for ${fragment}`);
  return found;
}

/** Answer subscription queries without `status` on enabled subscriptions, as the old spec examples do. */
export function omitEnabledStatus(devhost: Devhost): void {
  devhost.rewrite(
    (call) => /SubscriptionsQuery$/i.test(call.url),
    (body) => {
      const answer = body as { results: Record<string, unknown>[] };
      for (const s of answer.results) if (s.status === 0) delete s.status;
      return answer;
    },
  );
}
