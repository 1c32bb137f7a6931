import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { ContentSize } from "azure-devops-ui/Callout";
import { Panel } from "azure-devops-ui/Panel";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { MASKED_INPUT_VALUE, confidentialInputIds, inputDisplayName } from "../../contract";
import type { HooksService } from "../services/HooksService";
import { describeEvent, filtersInWords, type RepositoryNames } from "../model/filters";
import { formatDateTime, personName, toDate } from "../model/format";
import { describeStatus, isEnabled } from "../model/status";
import { droppedEvents, RECONCILIATION_DOCS_URL } from "../model/droppedEvents";
import { ErrorCard } from "./ErrorCard";
import { HistoryList } from "./HistoryList";
import { StatusPill } from "./StatusPill";
import { TestButton, type TestPolling } from "./TestButton";

export interface SubscriptionPanelProps {
  service: HooksService;
  subscription: Subscription;
  repositories: RepositoryNames;
  polling: TestPolling;
  canEdit: boolean;
  busy: boolean;
  /** The last failed action on this subscription (enable, disable, delete). */
  error?: unknown;
  onSetEnabled: (subscription: Subscription, enabled: boolean) => void;
  onDelete: (subscription: Subscription) => void;
  onEdit: (subscription: Subscription) => void;
  /** A test delivery finished: the subscription's history changed. */
  onTested?: (subscriptionId: string) => void;
  onDismiss: () => void;
}

/** Everything about one subscription: what it does, why it is in its state, actions, and its history. */
export function SubscriptionPanel(props: SubscriptionPanelProps): JSX.Element {
  const { subscription: s } = props;
  const status = describeStatus(s);
  const [historyVersion, setHistoryVersion] = React.useState(0);
  const enabled = isEnabled(s);
  const dropped = droppedEvents(s);
  const tested = (subscriptionId: string) => {
    setHistoryVersion((v) => v + 1);
    props.onTested?.(subscriptionId);
  };
  return (
    <Panel
      onDismiss={props.onDismiss}
      titleProps={{ text: `${describeEvent(s.eventType)} subscription` }}
      description={filtersInWords(s.eventType, s.publisherInputs, props.repositories)}
      size={ContentSize.Large}
    >
      <div className="hr-panel">
        <section aria-label="Status" className="hr-status-section">
          <StatusPill subscription={s} />
          <p>{status.explanation}</p>
          {status.action ? <p><strong>What to do:</strong> {status.action}</p> : null}
          {s.probationRetries ? <p>Probation probes so far: {s.probationRetries} of 7.</p> : null}
          {toDate(s.lastProbationRetryDate) ? <p>Last probe: {formatDateTime(s.lastProbationRetryDate)}</p> : null}
        </section>
        {dropped ? (
          <section aria-label="Dropped events" className="hr-dropped">
            <p>{dropped.since}</p>
            <p>
              {dropped.consequence} A Hook Relay endpoint with reconciliation turned on finds them and rebuilds what Git still holds:{" "}
              <a href={RECONCILIATION_DOCS_URL} target="_blank" rel="noopener noreferrer">
                Reconciliation in the Hook Relay documentation
              </a>
              .
            </p>
          </section>
        ) : null}
        {props.error ? <ErrorCard error={props.error} operation="edit" /> : null}
        {props.canEdit ? (
          <div className="hr-actions" role="group" aria-label="Subscription actions">
            <TestButton service={props.service} subscription={s} polling={props.polling} onFinished={() => tested(s.id)} />
            <Button
              text={enabled ? "Disable" : "Enable"}
              ariaLabel={enabled ? "Disable subscription" : "Enable subscription"}
              disabled={props.busy}
              onClick={() => props.onSetEnabled(s, !enabled)}
            />
            <Button text="Edit" iconProps={{ iconName: "Edit" }} ariaLabel="Edit subscription" disabled={props.busy} onClick={() => props.onEdit(s)} />
            <Button text="Delete" ariaLabel="Delete subscription" danger disabled={props.busy} onClick={() => props.onDelete(s)} />
          </div>
        ) : (
          <p className="hr-readonly">Read-only: this subscription belongs to another consumer or the page shows every consumer.</p>
        )}
        <dl className="hr-facts">
          <dt>Endpoint</dt>
          <dd>{s.consumerInputs?.url ?? "—"}</dd>
          {hiddenInputIds(s).map((id) => (
            <React.Fragment key={id}>
              <dt>{inputDisplayName(id)}</dt>
              <dd>Set (hidden by Azure DevOps)</dd>
            </React.Fragment>
          ))}
          <dt>Consumer</dt>
          <dd>{s.consumerId}</dd>
          <dt>Created</dt>
          <dd>
            {formatDateTime(s.createdDate)} by {personName(s.createdBy)}
          </dd>
          <dt>Modified</dt>
          <dd>
            {formatDateTime(s.modifiedDate)} by {personName(s.modifiedBy)}
          </dd>
          {toDate(s.lastSuccessfulAttemptDate) ? (
            <>
              <dt>Last successful delivery</dt>
              <dd>{formatDateTime(s.lastSuccessfulAttemptDate)}</dd>
            </>
          ) : null}
        </dl>
        <HistoryList service={props.service} subscriptionId={s.id} reloadKey={historyVersion} />
      </div>
    </Panel>
  );
}

/** Our confidential inputs, and other consumers' secrets recognised by the mask Azure DevOps returns for them. */
function hiddenInputIds(subscription: Subscription): string[] {
  return Object.entries(subscription.consumerInputs ?? {})
    .filter(([id, value]) => confidentialInputIds.includes(id) || value === MASKED_INPUT_VALUE)
    .map(([id]) => id);
}
