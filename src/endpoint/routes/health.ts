/**
 * GET /healthz (the process answers), GET /readyz (the store answers and its latest commit
 * succeeded: a full disk still answers reads), GET /metrics.
 *
 * A failed commit holds /readyz at 503 for `failedCommitHoldMs` only, like a circuit breaker
 * going half-open: a load balancer that stops sending deliveries on 503 would otherwise keep
 * this instance out for good, since only a delivery can prove the store writable again.
 */
import type { FastifyInstance } from "fastify";
import { sendError } from "../errors";
import type { EndpointMetrics } from "../metrics";
import type { EventStore } from "../store/types";

export interface HealthOptions {
  store: EventStore;
  metrics: EndpointMetrics;
  readyTimeoutMs: number;
  /** The latest commit's failure, or undefined when it succeeded. */
  lastCommitFailure: () => { error: Error; at: number } | undefined;
  failedCommitHoldMs: number;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (request, reply) => {
    const failure = options.lastCommitFailure();
    const holdLeftMs = failure ? failure.at + options.failedCommitHoldMs - Date.now() : 0;
    if (failure && holdLeftMs > 0) {
      const retryIn = Math.ceil(holdLeftMs / 1000);
      return sendError(reply, 503, "store_unavailable", `The latest commit failed; ready again once one succeeds, or for a probe in ${retryIn} s. ${failure.error.message}`);
    }
    try {
      const { store } = options;
      await withTimeout(store.ping(), options.readyTimeoutMs);
      const durability = await withTimeout(store.durability?.() ?? Promise.resolve(undefined), options.readyTimeoutMs);
      return { status: "ready", store: store.kind, durability };
    } catch (error) {
      return sendError(reply, 503, "store_unavailable", `The ${options.store.kind} store is not reachable: ${(error as Error).message}`);
    }
  });

  app.get("/metrics", async (request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
