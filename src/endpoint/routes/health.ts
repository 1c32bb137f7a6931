/**
 * GET /healthz (the process answers), GET /readyz (the store answers and its latest commit
 * succeeded: a full disk still answers reads), GET /metrics.
 */
import type { FastifyInstance } from "fastify";
import { sendError } from "../errors";
import type { EndpointMetrics } from "../metrics";
import type { EventStore } from "../store/types";

export interface HealthOptions {
  store: EventStore;
  metrics: EndpointMetrics;
  readyTimeoutMs: number;
  /** Why the latest commit failed, or undefined when it succeeded. */
  lastCommitError: () => Error | undefined;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (request, reply) => {
    const commitError = options.lastCommitError();
    if (commitError) {
      return sendError(reply, 503, "store_unavailable", `The latest commit failed; ready again after one succeeds. ${commitError.message}`);
    }
    try {
      await withTimeout(options.store.ping(), options.readyTimeoutMs);
      return { status: "ready", store: options.store.kind };
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
