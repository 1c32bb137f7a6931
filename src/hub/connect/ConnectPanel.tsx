import * as React from "react";
import type { IButtonProps } from "azure-devops-ui/Button";
import { ContentSize } from "azure-devops-ui/Callout";
import { Panel } from "azure-devops-ui/Panel";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { HooksService } from "../services/HooksService";
import type { TestPolling } from "../components/TestButton";
import { ConnectForm } from "./ConnectForm";
import { CreationReport } from "./CreationReport";
import { useCreation } from "./useCreation";
import { describePlan, initialChoices, planSubscriptions, validateChoices, type ConnectChoices, type PlannedSubscription } from "./plan";

export interface ConnectPanelProps {
  service: HooksService;
  repositories: GitRepository[];
  polling: TestPolling;
  /** Subscriptions as they are created (or found after a lost answer), for the table. */
  onCreated: (subscription: Subscription) => void;
  onDismiss: () => void;
}

/** Connect an endpoint in one step: choose, see the plan, create it, retry what failed, test what was made. */
export function ConnectPanel(props: ConnectPanelProps): JSX.Element {
  const [choices, setChoices] = React.useState<ConnectChoices>(initialChoices);
  const [submitted, setSubmitted] = React.useState(false);
  const [plan, setPlan] = React.useState<PlannedSubscription[]>();
  const creation = useCreation(props.service, props.polling, props.onCreated);
  const errors = submitted ? validateChoices(choices) : {};
  const planned = planSubscriptions(choices, props.service.context).length;

  const submit = () => {
    setSubmitted(true);
    if (Object.keys(validateChoices(choices)).length > 0) return;
    const next = planSubscriptions(choices, props.service.context);
    setPlan(next);
    void creation.create(next);
  };

  const buttons: IButtonProps[] = plan
    ? [
        ...(creation.failed > 0 ? [{ text: `Retry failed (${creation.failed})`, iconProps: { iconName: "Refresh" }, disabled: creation.busy, onClick: () => void creation.retry(plan) }] : []),
        ...(creation.created.length > 0
          ? [{ text: "Send a test", iconProps: { iconName: "TestBeaker" }, disabled: creation.busy, onClick: () => void creation.test() }]
          : []),
        { text: "Done", primary: !creation.busy && creation.failed === 0, onClick: props.onDismiss },
      ]
    : [
        { text: "Cancel", onClick: props.onDismiss },
        { text: `Create ${planned === 1 ? "1 subscription" : `${planned} subscriptions`}`, primary: true, onClick: submit },
      ];

  return (
    <Panel
      onDismiss={props.onDismiss}
      titleProps={{ text: "Connect an endpoint" }}
      description="One endpoint, the Git events you choose, in the whole project or in the repositories you choose: Hook Relay creates one subscription for each."
      size={ContentSize.ExtraLarge}
      footerButtonProps={buttons}
    >
      <div className="hr-panel">
        {plan ? (
          <CreationReport plan={plan} repositories={props.repositories} outcomes={creation.outcomes} tests={creation.tests} summary={describePlan(choices)} />
        ) : (
          <>
            <ConnectForm choices={choices} errors={errors} repositories={props.repositories} onChange={setChoices} onSubmit={submit} />
            <p className="hr-plan hr-plan-sticky" role="status" aria-label="Plan">
              {describePlan(choices)}
            </p>
          </>
        )}
      </div>
    </Panel>
  );
}
