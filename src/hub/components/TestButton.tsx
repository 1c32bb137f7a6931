import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { NotificationResult, type Notification, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { Spinner, SpinnerSize } from "azure-devops-ui/Spinner";
import type { HooksService } from "../services/HooksService";
import type { PollOptions } from "../services/poll";
import { sendTestAndWait } from "../services/testDelivery";
import { formatDuration } from "../model/format";
import { describeProblem } from "../model/errors";
import { describeResult, missingDetails, statusCodeOf } from "../model/notifications";

export type TestPolling = Omit<PollOptions, "signal">;

export type TestState =
  | { kind: "idle" }
  | { kind: "pending"; step: string }
  | { kind: "done"; notification: Notification }
  | { kind: "error"; message: string };

export interface TestButtonProps {
  service: HooksService;
  subscription: Subscription;
  polling: TestPolling;
  disabled?: boolean;
  onFinished?: () => void;
}

/** Sends Azure DevOps's sample event with the subscription's settings and follows it until it completes. */
export function TestButton(props: TestButtonProps): JSX.Element {
  const [state, setState] = React.useState<TestState>({ kind: "idle" });
  const unmounted = React.useRef({ aborted: false });
  React.useEffect(() => {
    const signal = unmounted.current;
    signal.aborted = false;
    return () => {
      signal.aborted = true;
    };
  }, []);

  const run = async () => {
    const { service, subscription, polling } = props;
    setState({ kind: "pending", step: "Sending test event…" });
    try {
      const done = await sendTestAndWait(service, subscription, { ...polling, signal: unmounted.current }, (n) =>
        !unmounted.current.aborted && setState({ kind: "pending", step: `${describeResult(n)}…` }),
      );
      if (unmounted.current.aborted) return;
      setState({ kind: "done", notification: done });
      props.onFinished?.();
    } catch (error) {
      if (unmounted.current.aborted) return;
      setState(testFailure(error));
    }
  };

  return (
    <div className="hr-test">
      <Button text="Test" iconProps={{ iconName: "TestBeaker" }} ariaLabel="Send a test event" disabled={props.disabled || state.kind === "pending"} onClick={run} />
      <div className="hr-test-result" role="status" aria-live="polite" aria-label="Test result">
        <TestResult state={state} />
      </div>
    </div>
  );
}

export function testFailure(error: unknown): TestState {
  const problem = describeProblem(error, "edit");
  return { kind: "error", message: `${problem.title}: ${problem.detail}` };
}

/** What a test came to, in one line: result, status code, duration and Azure DevOps's error. */
export function TestResult(props: { state: TestState }): JSX.Element | null {
  const { state } = props;
  switch (state.kind) {
    case "idle":
      return null;
    case "pending":
      return <Spinner size={SpinnerSize.small} label={state.step} />;
    case "error":
      return <span className="hr-error-text">Test could not run. {state.message}</span>;
    case "done": {
      const { notification } = state;
      const details: Partial<Notification["details"]> = notification.details ?? {};
      const code = statusCodeOf(details.response);
      // Without diagnostics rights Azure DevOps withholds the response, so its absence says nothing.
      const codeText = code ? ` · HTTP ${code}` : missingDetails(notification) ? "" : " · no response";
      const delivered = notification.result === NotificationResult.Succeeded;
      return (
        <span className={delivered ? "hr-success-text" : "hr-error-text"}>
          {delivered ? "Test delivered" : `Test ${describeResult(notification).toLowerCase()}`}
          {codeText}
          {typeof details.requestDuration === "number" ? ` · ${formatDuration(details.requestDuration)}` : ""}
          {!delivered && details.errorMessage ? ` · ${details.errorMessage}` : ""}
        </span>
      );
    }
  }
}
