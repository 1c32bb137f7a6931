/**
 * GET /api/reconciliation (read token): the last run and, per subscription delivering here, what
 * Azure DevOps dropped and what was recovered, rebuilt or could not be. POST /api/reconciliation/run
 * (ingest token: the write side, which may add events to the store) starts a run now.
 */
import type { FastifyInstance } from "fastify";
import { requireBearer, type TokenCheck } from "../auth";
import { sendError } from "../errors";
import type { Reconciler } from "../reconcile/reconciler";
import type { ReconcileLedger } from "../reconcile/types";

export interface ReconciliationOptions {
  readCheck: TokenCheck;
  writeCheck: TokenCheck;
  ledger: ReconcileLedger;
  /** Undefined when the endpoint is not configured to reconcile (no HOOKRELAY_ADO_URL). */
  reconciler?: Reconciler;
}

export async function reconciliationRoutes(app: FastifyInstance, options: ReconciliationOptions): Promise<void> {
  const { ledger, reconciler } = options;

  app.get("/api/reconciliation", { onRequest: requireBearer(options.readCheck) }, async () => {
    if (!reconciler) return { enabled: false, running: false };
    const [lastRun, lastSuccess] = await Promise.all([ledger.lastRun(), ledger.lastSuccessfulRun()]);
    return {
      enabled: true,
      running: reconciler.running,
      lastRun: lastRun ?? null,
      lastSuccessfulRunAt: lastSuccess?.endedAt ?? null,
    };
  });

  app.post("/api/reconciliation/run", { onRequest: requireBearer(options.writeCheck) }, async (request, reply) => {
    if (!reconciler) return sendError(reply, 409, "not_configured", "Reconciliation is off: set HOOKRELAY_ADO_URL, HOOKRELAY_ADO_TOKEN and HOOKRELAY_PUBLIC_URL.");
    const start = reconciler.runNow();
    if (!start.started) return sendError(reply, 409, "already_running", "A reconciliation run is under way; GET /api/reconciliation shows it.");
    // The run goes on after the answer; its outcome is logged and shown by GET /api/reconciliation.
    start.run.catch((error: Error) => request.log.warn({ err: error }, "reconciliation run failed"));
    return reply.code(202).send({ status: "started" });
  });
}
