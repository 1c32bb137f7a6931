import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { ProgressBar } from "azure-devops-ui/ProgressBar";
import { describeEvent, filtersInWords, type RepositoryNames } from "../model/filters";
import type { BatchState } from "./useBatch";

export interface BatchProgressProps {
  state: BatchState;
  repositories: RepositoryNames;
  onRetry: () => void;
}

/** Progress of a batch, then what failed with Azure DevOps's message, and a retry of those only. */
export function BatchProgress(props: BatchProgressProps): JSX.Element {
  const { state } = props;
  const succeeded = state.settled - state.failures.length;
  const summary = state.running
    ? `${state.label}: ${state.settled} of ${state.total} done`
    : `${state.label}: ${succeeded} of ${state.total} succeeded${state.failures.length > 0 ? `, ${state.failures.length} failed` : ""}.`;
  return (
    <section className="hr-batch" aria-label="Progress">
      <ProgressBar currentValue={state.settled} maxValue={Math.max(state.total, 1)} ariaLabel={`${state.label} progress`} />
      <p role="status" aria-live="polite">
        {summary}
      </p>
      {state.failures.length > 0 ? (
        <>
          <ul className="hr-batch-failures" aria-label="Failed">
            {state.failures.map(({ subscription: s, message }) => (
              <li key={s.id}>
                <strong>
                  {describeEvent(s.eventType)} — {filtersInWords(s.eventType, s.publisherInputs, props.repositories)}
                </strong>
                <span className="hr-error-text">{message}</span>
              </li>
            ))}
          </ul>
          {!state.running ? <Button text={`Retry ${state.failures.length} failed`} iconProps={{ iconName: "Refresh" }} onClick={props.onRetry} /> : null}
        </>
      ) : null}
    </section>
  );
}
