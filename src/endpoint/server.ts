/** Builds the endpoint's HTTP server around a store. The caller owns the store and closes it after the server. */
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { tokenChecker } from "./auth";
import { clientErrorHandler, errorHandler, EXPECT_CONTINUE, frameworkErrorHandler, refuseExpectation } from "./errors";
import { EventFeed } from "./feed";
import { registerJsonBody } from "./jsonBody";
import { createMetrics } from "./metrics";
import { RetentionSweeper } from "./retention";
import { eventRoutes } from "./routes/events";
import { healthRoutes } from "./routes/health";
import { ingestRoutes, MAX_ID_LENGTH } from "./routes/ingest";
import { streamRoutes } from "./routes/stream";
import { refuseUnrouted } from "./routing";
import { DEFAULT_STREAM_BUFFERS, StreamClients, type StreamBuffers } from "./streamClients";
import { createNodeServer, type ServerTimeouts } from "./timeouts";
import { directIngest, type DirectHandler } from "./routes/ingestDirect";
import type { EventStore } from "./store/types";
import { DeliveryWriter } from "./writer";
import { DEFAULT_BODY_LIMIT } from "./config";
import type { AdoClient } from "./reconcile/client";
import { Reconciler } from "./reconcile/reconciler";
import { SUBSCRIPTION_STATUSES } from "./reconcile/subscriptions";
import type { RunRecord } from "./reconcile/types";
import { reconciliationRoutes } from "./routes/reconciliation";
import type { EndpointMetrics } from "./metrics";

export interface ServerOptions {
  store: EventStore;
  /** Accepted on POST /hooks; several at once allow rotation. */
  ingestTokens: string[];
  /** Accepted on the read API. */
  readTokens: string[];
  bodyLimitBytes?: number;
  /** Fastify logger setting; requests are logged without their query string, path parameters or headers. */
  logger?: FastifyServerOptions["logger"];
  /** Deliveries that may wait for a commit before new ones get 503. */
  maxQueued?: number;
  /** Deliveries per transaction at most. */
  maxBatch?: number;
  heartbeatMs?: number;
  /** Events a stream resumed with Last-Event-ID replays at most before it sends `overflow` (10,000). */
  streamReplayLimit?: number;
  /** Bytes queued for slow stream clients, per client and in total, before the ones behind are disconnected. */
  streamBuffers?: Partial<StreamBuffers>;
  readyTimeoutMs?: number;
  /** How long a failed commit keeps /readyz at 503 unless a later commit succeeds first. */
  failedCommitHoldMs?: number;
  retention?: { days?: number; maxRows?: number; intervalMs?: number; chunkSize?: number };
  /** Node process metrics on /metrics; off for servers built in tests. */
  processMetrics?: boolean;
  /** Serve https directly (PEM key and certificate) rather than behind a TLS-terminating proxy. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Request, header and keep-alive timeouts; see timeouts.ts for the defaults. */
  timeouts?: ServerTimeouts;
  /** Reconcile with Azure DevOps in the background (see reconcile/); off when absent. */
  reconcile?: { client: AdoClient; publicUrls: string[]; intervalMs: number; windowMs: number };
}

export interface EndpointServer extends FastifyInstance {
  retention: RetentionSweeper;
  reconciler?: Reconciler;
}

export function buildServer(options: ServerOptions): EndpointServer {
  if (options.ingestTokens.length === 0) throw new Error("At least one ingest token is required.");
  if (options.readTokens.length === 0) throw new Error("At least one read token is required.");
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  // Set once the writer exists: until then (and for whatever it does not take) Fastify answers.
  let direct: DirectHandler | undefined;
  const app = Fastify({
    serverFactory: (handler) => createNodeServer(options.timeouts, options.https, (request, response) => direct?.(request, response) || handler(request, response)),
    // Only for the address it reports (https://…): serverFactory made the server.
    ...(options.https ? { https: options.https } : {}),
    logger: redacted(options.logger ?? false),
    // Two log lines per delivery cost more than storing it; ingest logs only deliveries it refuses.
    disableRequestLogging: true,
    bodyLimit,
    // An event id of MAX_ID_LENGTH UTF-16 units is at most 9 characters each once percent-encoded in a path.
    routerOptions: { maxParamLength: MAX_ID_LENGTH * 9 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // Only strict validation: no silent coercion of a numeric "id" into a string, no removed keys.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  }) as unknown as FastifyInstance;

  const { store } = options;
  const feed = new EventFeed();
  const writer = new DeliveryWriter(store, {
    maxQueued: options.maxQueued ?? 10_000,
    maxBatch: options.maxBatch ?? 500,
    // Where several processes write, streams follow the store's commits instead (followCommits below).
    onCommitted: store.followCommits ? undefined : (deliveries, outcomes) => feed.publish(deliveries, outcomes),
    onStoredWithoutFacts: (delivery, error) =>
      app.log.warn({ err: error, eventId: delivery.eventId, channel: delivery.channel }, "event stored without its facts"),
  });
  const streamClients = new StreamClients({ ...DEFAULT_STREAM_BUFFERS, ...options.streamBuffers }, () => metrics.slowStreamClients.inc());
  const metrics = createMetrics({
    processMetrics: options.processMetrics ?? false,
    queueDepth: () => writer.queued,
    streamClients: () => streamClients.size,
  });
  const retention = new RetentionSweeper(store, {
    days: options.retention?.days,
    maxRows: options.retention?.maxRows,
    intervalMs: options.retention?.intervalMs ?? 60_000,
    chunkSize: options.retention?.chunkSize ?? 1000,
    onError: (error) => app.log.warn({ err: error }, "retention sweep failed"),
    onSwept: (deleted) => app.log.info({ deleted }, "retention sweep"),
  });

  const reconciler =
    options.reconcile &&
    new Reconciler({
      ...options.reconcile,
      ledger: store.ledger,
      record: (delivery) => writer.write(delivery),
      onRun: (run) => reportRun(app, metrics, run),
      onError: (error) => app.log.warn({ err: error }, "reconciliation run failed"),
    });

  app.setErrorHandler(errorHandler);
  refuseUnrouted(app);
  answerExpectations(app);
  registerJsonBody(app);
  const ingestCheck = tokenChecker(options.ingestTokens);
  const readCheck = tokenChecker(options.readTokens);
  app.register(ingestRoutes, { checkToken: ingestCheck, writer, metrics, bodyLimit });
  direct = directIngest({ checkToken: ingestCheck, writer, metrics, bodyLimit, app });
  app.register(eventRoutes, { checkToken: readCheck, store });
  app.register(streamRoutes, {
    checkToken: readCheck,
    feed,
    store,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    replayLimit: options.streamReplayLimit ?? 10_000,
    clients: streamClients,
  });
  app.register(reconciliationRoutes, { readCheck, writeCheck: ingestCheck, ledger: store.ledger, reconciler });
  app.register(healthRoutes, {
    store,
    metrics,
    readyTimeoutMs: options.readyTimeoutMs ?? 2000,
    lastCommitFailure: () => writer.lastCommitFailure,
    failedCommitHoldMs: options.failedCommitHoldMs ?? 30_000,
  });

  // On PostgreSQL, streams show every replica's events in position order, this process's own included.
  let stopWatching: (() => Promise<void>) | undefined;
  app.addHook("onReady", async () => {
    retention.start();
    reconciler?.start();
    stopWatching = await store.followCommits?.({
      onEvents: (events) => feed.publishSummaries(events),
      onError: (error) => app.log.warn({ err: error }, "following the commits of every replica"),
    });
  });
  // Answer every delivery already queued before the store is closed by the caller.
  app.addHook("onClose", async () => {
    await reconciler?.stop();
    await retention.stop();
    await writer.close();
    await stopWatching?.();
  });
  return Object.assign(app, { retention, reconciler }) as EndpointServer;
}

/** A log line and the metrics of each run: stored events by origin and type, results, subscription statuses. */
function reportRun(app: FastifyInstance, metrics: EndpointMetrics, run: RunRecord): void {
  metrics.reconcileRuns.inc({ result: run.result });
  if (run.result === "succeeded") metrics.lastReconcileSuccess.set(Date.parse(run.endedAt ?? "") / 1000);
  const subscriptions = run.subscriptions ?? [];
  if (run.result === "succeeded") metrics.subscriptionStatus.reset();
  for (const report of subscriptions) {
    metrics.reconciledEvents.inc({ origin: "recovered", event_type: report.eventType }, report.history.recovered);
    metrics.reconciledEvents.inc({ origin: "rebuilt", event_type: report.eventType }, report.git?.rebuilt ?? 0);
    for (const status of SUBSCRIPTION_STATUSES) {
      const labels = { subscription_id: report.subscriptionId, event_type: report.eventType, channel: report.channel, status };
      metrics.subscriptionStatus.set(labels, report.status === status ? 1 : 0);
    }
  }
  const total = (pick: (r: (typeof subscriptions)[number]) => number) => subscriptions.reduce((sum, r) => sum + pick(r), 0);
  app.log.info(
    {
      result: run.result,
      error: run.error,
      calls: run.calls,
      subscriptions: subscriptions.length,
      recovered: total((r) => r.history.recovered),
      rebuilt: total((r) => r.git?.rebuilt ?? 0),
      unrecoverable: total((r) => r.unrecoverable.length),
    },
    "reconciliation run",
  );
}

/**
 * Expect: 100-continue is answered only once the route and token are checked, and not for a
 * Content-Length over the limit (Node would send 100 Continue at once); other expectations get the JSON 417.
 */
function answerExpectations(app: FastifyInstance): void {
  app.server.on("checkContinue", (request, response) => app.server.emit("request", request, response));
  app.server.on("checkExpectation", refuseExpectation);
  app.addHook("preParsing", async (request, reply, payload) => {
    const tooLarge = Number(request.headers["content-length"]) > request.routeOptions.bodyLimit;
    if (EXPECT_CONTINUE.test(request.headers.expect ?? "") && !tooLarge) reply.raw.writeContinue();
    return payload;
  });
}

/**
 * Logs never carry a token: a request is logged (if ever) as its method and route pattern only,
 * never its query string, path parameters or headers, where a client may have put one.
 */
function redacted(logger: FastifyServerOptions["logger"]): FastifyServerOptions["logger"] {
  if (logger === false || logger === undefined) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: { req: (request: FastifyRequest) => ({ method: request.method, route: request.routeOptions?.url }) },
  };
}
