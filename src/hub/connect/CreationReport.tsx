import * as React from "react";
import { ProgressBar } from "azure-devops-ui/ProgressBar";
import type { GitRepository } from "azure-devops-extension-api/Git";
import { NotificationResult } from "azure-devops-extension-api/ServiceHooks";
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

/** Progress of the creates, then each planned subscription with its result and, once sent, its test's. */
export function CreationReport(props: CreationReportProps): JSX.Element {
  const outcomes = props.plan.map((item) => props.outcomes.get(item.key));
  const created = outcomes.filter((o) => o?.state === "created" && o.found !== "earlier").length;
  const already = outcomes.filter((o) => o?.state === "created" && o.found === "earlier").length;
  const failed = outcomes.filter((o) => o?.state === "failed").length;
  const settled = created + already + failed;
  const names = new Map(props.repositories.map((r) => [r.id.toLowerCase(), r.name]));

  return (
    <section aria-label="Creating subscriptions" className="hr-creation">
      <p className="hr-plan">{props.summary}</p>
      <ProgressBar currentValue={settled} maxValue={props.plan.length} ariaLabel="Subscriptions created" />
      <p role="status" aria-label="Progress">
        {settled < props.plan.length ? `Creating… ${settled} of ${props.plan.length} done` : `${created} of ${props.plan.length} created`}
        {already > 0 ? `, ${already} already there` : ""}
        {failed > 0 ? `, ${failed} failed` : ""}
      </p>
      {props.tests.size > 0 ? (
        <p role="status" aria-label="Test summary">
          {describeTests([...props.tests.values()])}
        </p>
      ) : null}
      <table className="hr-creation-table" aria-label="Subscriptions to create">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Repository</th>
            <th scope="col">Branch</th>
            <th scope="col">Result</th>
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
                <td className="hr-creation-result">
                  <OutcomeText outcome={outcome} />
                  {test ? (
                    <div role="status" aria-label="Test result">
                      <TestResult state={test} />
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** "Tests: 14 delivered, 1 failed, 0 still running". */
export function describeTests(tests: TestState[]): string {
  const delivered = tests.filter((t) => t.kind === "done" && t.notification.result === NotificationResult.Succeeded).length;
  const running = tests.filter((t) => t.kind === "pending").length;
  const failed = tests.length - delivered - running;
  return [`Tests: ${delivered} of ${tests.length} delivered`, failed > 0 ? `${failed} failed` : "", running > 0 ? `${running} running` : ""].filter(Boolean).join(", ");
}

const FOUND_WORDS = { no: "Created", earlier: "Already there", "lost-answer": "Created (found after a lost answer)" };

function OutcomeText(props: { outcome: CreateOutcome | undefined }): JSX.Element {
  const { outcome } = props;
  if (!outcome) return <span className="hr-message">Waiting</span>;
  switch (outcome.state) {
    case "pending":
      return <span className="hr-message">Creating…</span>;
    case "created":
      return <span className="hr-success-text">{FOUND_WORDS[outcome.found ?? "no"]}</span>;
    case "failed": {
      const problem = describeProblem(outcome.error, "edit");
      return (
        <span className="hr-error-text">
          <strong>Failed.</strong> {problem.title}: {problem.detail}
        </span>
      );
    }
  }
}
