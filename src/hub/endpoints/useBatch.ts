/** One change applied to many subscriptions, with its progress, each failure with Azure DevOps's words, and a retry of only the failed ones. */
import * as React from "react";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeProblem } from "../model/errors";
import { runBatch } from "../services/batch";

export interface BatchFailure {
  subscription: Subscription;
  message: string;
}

export interface BatchState {
  /** What the batch does, e.g. "Replacing the token". */
  label: string;
  total: number;
  settled: number;
  failures: BatchFailure[];
  running: boolean;
}

export type BatchWork = (subscription: Subscription) => Promise<void>;

export interface Batch {
  state: BatchState | undefined;
  run: (label: string, subscriptions: Subscription[], work: BatchWork) => Promise<void>;
  /** Runs the last batch's work again on its failed subscriptions only. */
  retryFailed: () => Promise<void>;
}

export function useBatch(concurrency?: number): Batch {
  const [state, setState] = React.useState<BatchState>();
  const lastWork = React.useRef<{ label: string; work: BatchWork }>();
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = React.useCallback(
    async (label: string, subscriptions: Subscription[], work: BatchWork) => {
      lastWork.current = { label, work };
      setState({ label, total: subscriptions.length, settled: 0, failures: [], running: true });
      await runBatch(subscriptions, work, {
        concurrency,
        onSettled: (outcome) => {
          if (!mounted.current) return;
          setState((s) => s && {
            ...s,
            settled: s.settled + 1,
            failures: outcome.error ? [...s.failures, { subscription: outcome.item, message: failureMessage(outcome.error) }] : s.failures,
          });
        },
      });
      if (!mounted.current) return;
      // Failures in the order the subscriptions were given, whatever order they settled in.
      const order = new Map(subscriptions.map((s, index) => [s.id, index]));
      const position = (f: BatchFailure) => order.get(f.subscription.id) ?? 0;
      setState((s) => s && { ...s, running: false, failures: [...s.failures].sort((a, b) => position(a) - position(b)) });
    },
    [concurrency],
  );

  const retryFailed = React.useCallback(async () => {
    if (!state || !lastWork.current) return;
    await run(lastWork.current.label, state.failures.map((f) => f.subscription), lastWork.current.work);
  }, [run, state]);

  return { state, run, retryFailed };
}

function failureMessage(error: unknown): string {
  const problem = describeProblem(error, "edit");
  return `${problem.title}: ${problem.detail}`;
}
