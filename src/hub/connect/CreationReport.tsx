import * as React from "react";
import { ProgressBar } from "azure-devops-ui/ProgressBar";
import type { GitRepository } from "azure-devops-extension-api/Git";
import { eventCatalogue } from "../../contract";
import { describeProblem } from "../model/errors";
import { TestResult, type TestState } from "../components/TestButton";
import type { CreateOutcome } from "./create";
import type { PlannedSubscription } from "./plan";

export interface CreationReportProps {
  plan: PlannedSubscription[];
  repositories: GitRepository[];
  outcomes: ReadonlyMap<string, CreateOutcome>;
  tests: ReadonlyMap<string, TestState>;
  /** The plan in one line: "5 events × 3 repositories = 15 subscriptions". */
  summary: string;
}

/** Progress of the creates, then each planned subscription with its result and, once sent, its test. */
export function CreationReport(props: CreationReportProps): JSX.Element {
  const outcomes = props.plan.map((item) => props.outcomes.get(item.key));
  const created = outcomes.filter((o) => o?.state === "created").length;
  const failed = outcomes.filter((o) => o?.state === "failed").length;
  const settled = created + failed;
  const names = new Map(props.repositories.map((r) => [r.id.toLowerCase(), r.name]));
  const tested = props.tests.size > 0;

  return (
    <section aria-label="Creating subscriptions" className="hr-creation">
      <p className="hr-plan">{props.summary}</p>
      <ProgressBar currentValue={settled} maxValue={props.plan.length} ariaLabel="Subscriptions created" />
      <p role="status" aria-label="Progress">
        {settled < props.plan.length ? `Creating… ${settled} of ${props.plan.length} done` : `${created} of ${props.plan.length} created`}
        {failed > 0 ? `, ${failed} failed` : ""}
      </p>
      <table className="hr-creation-table" aria-label="Subscriptions to create">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Repository</th>
            <th scope="col">Branch</th>
            <th scope="col">Result</th>
            {tested ? <th scope="col">Test</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.plan.map((item, i) => {
            const outcome = outcomes[i];
            const test = outcome?.state === "created" ? props.tests.get(outcome.subscription.id) : undefined;
            return (
              <tr key={item.key}>
                <td>{eventCatalogue[item.eventType].name}</td>
                <td>{item.repositoryId ? (names.get(item.repositoryId.toLowerCase()) ?? item.repositoryId) : "Any repository"}</td>
                <td>{item.branch ?? "Any branch"}</td>
                <td>
                  <OutcomeText outcome={outcome} />
                </td>
                {tested ? <td>{test ? <TestResult state={test} /> : null}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function OutcomeText(props: { outcome: CreateOutcome | undefined }): JSX.Element {
  const { outcome } = props;
  if (!outcome) return <span className="hr-message">Waiting</span>;
  switch (outcome.state) {
    case "pending":
      return <span className="hr-message">Creating…</span>;
    case "created":
      return <span className="hr-success-text">{outcome.found ? "Created (found after a lost answer)" : "Created"}</span>;
    case "failed": {
      const problem = describeProblem(outcome.error, "edit");
      return (
        <span className="hr-error-text">
          Failed. {problem.title}: {problem.detail}
        </span>
      );
    }
  }
}
