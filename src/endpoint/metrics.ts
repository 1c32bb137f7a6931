/** Prometheus metrics, in a registry of the server's own so several servers can live in one process. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type DeliveryResult = "stored" | "duplicate" | "rejected_auth" | "rejected_invalid" | "unavailable";

export interface EndpointMetrics {
  registry: Registry;
  deliveries: Counter<"result">;
  ingestDuration: Histogram;
  storeErrors: Counter;
  queueDepth: Gauge;
  streamClients: Gauge;
  slowStreamClients: Counter;
  reconciledEvents: Counter<"origin" | "event_type">;
  reconcileRuns: Counter<"result">;
  lastReconcileSuccess: Gauge;
  subscriptionStatus: Gauge<"subscription_id" | "event_type" | "channel" | "status">;
}

export function createMetrics(options: { processMetrics: boolean; queueDepth: () => number; streamClients: () => number }): EndpointMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    deliveries: new Counter({
      name: "hookrelay_deliveries_total",
      help: "Deliveries received on POST /hooks, by result.",
      labelNames: ["result"],
      registers: [registry],
    }),
    ingestDuration: new Histogram({
      name: "hookrelay_ingest_duration_seconds",
      help: "Time from request to response on POST /hooks, durable commit included.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: "hookrelay_store_errors_total",
      help: "Failed store transactions.",
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "hookrelay_ingest_queue_depth",
      help: "Deliveries waiting for the next commit.",
      registers: [registry],
      collect() {
        this.set(options.queueDepth());
      },
    }),
    streamClients: new Gauge({
      name: "hookrelay_stream_clients",
      help: "Open GET /api/events/stream connections.",
      registers: [registry],
      collect() {
        this.set(options.streamClients());
      },
    }),
    slowStreamClients: new Counter({
      name: "hookrelay_stream_slow_disconnects_total",
      help: "Stream clients disconnected because they fell too far behind (they resume with Last-Event-ID).",
      registers: [registry],
    }),
    reconciledEvents: new Counter({
      name: "hookrelay_reconciled_events_total",
      help: "Events reconciliation stored: recovered from Azure DevOps's notification history or rebuilt from the Git history.",
      labelNames: ["origin", "event_type"],
      registers: [registry],
    }),
    reconcileRuns: new Counter({
      name: "hookrelay_reconcile_runs_total",
      help: "Reconciliation runs this process made, by result.",
      labelNames: ["result"],
      registers: [registry],
    }),
    lastReconcileSuccess: new Gauge({
      name: "hookrelay_reconcile_last_success_timestamp_seconds",
      help: "When the last successful reconciliation run of this process ended (Unix time).",
      registers: [registry],
    }),
    subscriptionStatus: new Gauge({
      name: "hookrelay_subscription_status",
      help: "Each subscription delivering here, as Azure DevOps last reported it: 1 for its status, 0 for the others.",
      labelNames: ["subscription_id", "event_type", "channel", "status"],
      registers: [registry],
    }),
  };
}
