import * as React from "react";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "../services/HooksService";
import { sendTestAndWait } from "../services/testDelivery";
import { testFailure, type TestPolling, type TestState } from "../components/TestButton";
import { runBatch } from "../services/batch";
import { createMissing, retryFailed, type CreateOutcome, type SubscriptionCreator } from "./create";
import type { PlannedSubscription } from "./plan";

export interface Creation {
  /** By planned key; a key without an outcome has not started yet. */
  outcomes: ReadonlyMap<string, CreateOutcome>;
  /** Test results by subscription id. */
  tests: ReadonlyMap<string, TestState>;
  created: Subscription[];
  failed: number;
  /** Creating, retrying or testing. */
  busy: boolean;
  create: (plan: PlannedSubscription[]) => Promise<void>;
  retry: (plan: PlannedSubscription[]) => Promise<void>;
  test: () => Promise<void>;
}

/** The connect flow's work and its state; reports each subscription to `onCreated` even after the panel closed. */
export function useCreation(service: HooksService, polling: TestPolling, onCreated: (subscription: Subscription) => void): Creation {
  const [outcomes, setOutcomes] = React.useState<ReadonlyMap<string, CreateOutcome>>(new Map());
  const [tests, setTests] = React.useState<ReadonlyMap<string, TestState>>(new Map());
  const [busy, setBusy] = React.useState(false);
  const unmounted = useUnmountSignal();
  const reportCreated = React.useRef(onCreated);
  reportCreated.current = onCreated;

  const creator = React.useMemo<SubscriptionCreator>(
    () => ({ create: (body) => service.createSubscription(body), existing: () => service.listSubscriptions("ours") }),
    [service],
  );
  const onOutcome = (key: string, outcome: CreateOutcome) => {
    if (outcome.state === "created") reportCreated.current(outcome.subscription);
    if (!unmounted.aborted) setOutcomes((previous) => new Map(previous).set(key, outcome));
  };
  const setTest = (subscriptionId: string, state: TestState) => {
    if (!unmounted.aborted) setTests((previous) => new Map(previous).set(subscriptionId, state));
  };
  const whileBusy = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      if (!unmounted.aborted) setBusy(false);
    }
  };

  const created = [...outcomes.values()].flatMap((o) => (o.state === "created" ? [o.subscription] : []));
  const failed = [...outcomes.values()].filter((o) => o.state === "failed").length;

  return {
    outcomes,
    tests,
    created,
    failed,
    busy,
    create: (plan) => whileBusy(() => createMissing(plan, creator, { onOutcome })),
    retry: (plan) => whileBusy(() => retryFailed(plan, outcomes, creator, { onOutcome })),
    test: () =>
      whileBusy(() =>
        runBatch(created, async (subscription) => {
          setTest(subscription.id, { kind: "pending", step: "Sending test event…" });
          try {
            setTest(subscription.id, { kind: "done", notification: await sendTestAndWait(service, subscription, { ...polling, signal: unmounted }) });
          } catch (error) {
            setTest(subscription.id, testFailure(error));
          }
        }),
      ),
  };
}

/** A signal that is aborted once the component unmounts, so late answers change no state. */
function useUnmountSignal(): { aborted: boolean } {
  const signal = React.useRef({ aborted: false }).current;
  React.useEffect(() => {
    signal.aborted = false;
    return () => {
      signal.aborted = true;
    };
  }, [signal]);
  return signal;
}
