import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { ContentSize } from "azure-devops-ui/Callout";
import { Panel } from "azure-devops-ui/Panel";
import { NotificationResult, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { consumerInput } from "../../contract";
import type { HooksService } from "../services/HooksService";
import { sendTestAndWait } from "../services/testDelivery";
import { describeEvent, filtersInWords, type RepositoryNames } from "../model/filters";
import { describeResult } from "../model/notifications";
import { isEnabled, needsReenable } from "../model/status";
import { validateInput } from "../model/subscriptionForm";
import type { SubscriptionRow } from "../model/tableView";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { StatusPill } from "../components/StatusPill";
import type { TestPolling } from "../components/TestButton";
import { TextInput } from "../components/TextInput";
import { RETYPE_TOKEN, TOKEN_FOLLOWS_URL, withEndpointChange, type EndpointChange } from "../edit/editSubscription";
import { BatchProgress } from "./BatchProgress";
import { combineHealth, combinedRateInWords, worstOf } from "./grouping";
import { useBatch, type BatchWork } from "./useBatch";
import { SubmitForm } from "../components/SubmitForm";

/** What the grouped view hands on to the panel of an endpoint. */
export interface EndpointActionsProps {
  service: HooksService;
  repositories: RepositoryNames;
  polling: TestPolling;
  canEdit: boolean;
  onReplaced: (subscription: Subscription) => void;
  onDeleted: (subscriptionId: string) => void;
  onTested: (subscriptionId: string) => void;
  onNeedHealth: (subscriptionIds: string[]) => void;
}

export interface EndpointPanelProps extends EndpointActionsProps {
  /** The endpoint URL the group was opened for. */
  url: string;
  /** The group's subscriptions as they are now (a URL change keeps them in the panel). */
  rows: SubscriptionRow[];
  onDismiss: () => void;
}

/** Everything that delivers to one endpoint, and changes to all of it at once: test, re-enable, disable, delete, new URL or token. */
export function EndpointPanel(props: EndpointPanelProps): JSX.Element {
  const { service, rows, onReplaced, onDeleted, onTested, onNeedHealth } = props;
  const subscriptions = rows.map((r) => r.subscription);
  const batch = useBatch();
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  const running = batch.state?.running ?? false;
  const missingHealth = rows.filter((r) => r.health === undefined).map((r) => r.subscription.id).join(",");
  React.useEffect(() => {
    // The panel's subscriptions are on screen.
    if (missingHealth) onNeedHealth(missingHealth.split(","));
  }, [missingHealth, onNeedHealth]);

  const toReenable = subscriptions.filter(needsReenable);
  const toDisable = subscriptions.filter(isEnabled);
  const testAll = () =>
    batch.run("Testing", subscriptions, async (s) => {
      const notification = await sendTestAndWait(service, s, props.polling);
      onTested(s.id);
      if (notification.result !== NotificationResult.Succeeded) throw new Error(notification.details?.errorMessage || `Test ${describeResult(notification).toLowerCase()}`);
    });
  const replaceEach = (label: string, list: Subscription[], change: (s: Subscription) => Promise<Subscription>) =>
    batch.run(label, list, async (s) => onReplaced(await change(s)));
  const deleteAll = () => {
    setConfirmDelete(false);
    void batch.run("Deleting", subscriptions, async (s) => {
      await service.deleteSubscription(s.id);
      onDeleted(s.id);
    });
  };
  const changeEndpoint = (change: EndpointChange) =>
    replaceEach(change.url ? "Changing the URL and token" : "Replacing the token", subscriptions, (s) =>
      service.replaceSubscription(withEndpointChange(s, change)),
    );

  const combined = combineHealth(rows);
  const [rate, basis] = combinedRateInWords({ rows, health: combined });
  return (
    <Panel onDismiss={props.onDismiss} titleProps={{ text: "Endpoint" }} description={props.url || "No endpoint URL"} size={ContentSize.Large}>
      <div className="hr-panel">
        {subscriptions.length > 0 ? (
          <section aria-label="Endpoint summary" className="hr-status-section">
            <StatusPill subscription={worstOf(subscriptions)} />
            <p>
              {subscriptions.length} {subscriptions.length === 1 ? "subscription delivers" : "subscriptions deliver"} here. Combined success rate: {rate}
              {basis ? ` (${basis.toLowerCase()})` : ""}.
            </p>
          </section>
        ) : (
          <p>No subscription delivers to this endpoint any more.</p>
        )}
        {props.canEdit && subscriptions.length > 0 ? (
          <>
            <div className="hr-actions" role="group" aria-label="Endpoint actions">
              <Button text="Test all" iconProps={{ iconName: "TestBeaker" }} disabled={running} onClick={testAll} />
              <Button
                text="Re-enable all"
                iconProps={{ iconName: "PlayResume" }}
                disabled={running || toReenable.length === 0}
                onClick={() => replaceEach("Re-enabling", toReenable, (s) => service.enable(s))}
              />
              <Button
                text="Disable all"
                disabled={running || toDisable.length === 0}
                onClick={() => replaceEach("Disabling", toDisable, (s) => service.disable(s))}
              />
              <Button text="Delete all" danger disabled={running} onClick={() => setConfirmDelete(true)} />
            </div>
            <EndpointChangeForm url={props.url} count={subscriptions.length} disabled={running} onApply={changeEndpoint} />
          </>
        ) : null}
        {batch.state ? <BatchProgress state={batch.state} repositories={props.repositories} onRetry={() => void batch.retryFailed()} /> : null}
        {rows.length > 0 ? <h3 className="hr-section-title">Subscriptions</h3> : null}
        <ul className="hr-endpoint-subscriptions" aria-label="Subscriptions of this endpoint">
          {rows.map(({ subscription: s }) => (
            <li key={s.id}>
              <StatusPill subscription={s} />
              <span>
                {describeEvent(s.eventType)} — {filtersInWords(s.eventType, s.publisherInputs, props.repositories)}
                {s.consumerInputs?.url !== props.url ? <span className="hr-message"> → {s.consumerInputs?.url}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {confirmDelete ? (
        <ConfirmDialog title={`Delete ${subscriptions.length} subscriptions?`} confirmText="Delete all" danger onConfirm={deleteAll} onDismiss={() => setConfirmDelete(false)}>
          <p>
            Azure DevOps stops delivering to {props.url} and deletes the history of these subscriptions. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </Panel>
  );
}

const urlInput = consumerInput("url");
const tokenInput = consumerInput("token");

interface EndpointChangeFormProps {
  url: string;
  count: number;
  disabled: boolean;
  onApply: (change: EndpointChange) => void;
}

/** A new token, with or without a new URL, for every subscription of the endpoint: Azure DevOps asks for the token again when the URL changes. */
function EndpointChangeForm(props: EndpointChangeFormProps): JSX.Element {
  const [url, setUrl] = React.useState(props.url);
  const [token, setToken] = React.useState("");
  const [submitted, setSubmitted] = React.useState(false);
  const change: EndpointChange = { url: url.trim() !== props.url ? url.trim() : undefined, token: token.trim() };
  const errors = {
    url: validateInput(urlInput, url),
    token: change.token ? validateInput(tokenInput, token) : change.url ? RETYPE_TOKEN : "Type a new token, or a new URL and its token.",
  };
  const apply = () => {
    setSubmitted(true);
    if (errors.url || errors.token) return;
    setSubmitted(false);
    setToken("");
    props.onApply(change);
  };
  return (
    <SubmitForm className="hr-endpoint-change" label="Change URL or token" onSubmit={apply}>
      <h3 className="hr-section-title">Change the URL or token of all {props.count} subscriptions</h3>
      <TextInput id="endpoint-url" label="Endpoint URL" value={url} maxLength={urlInput.validation?.maxLength} error={submitted ? errors.url : undefined} onChange={setUrl} />
      <TextInput
        id="endpoint-token"
        label="New token"
        password
        required
        value={token}
        maxLength={tokenInput.validation?.maxLength}
        error={submitted ? errors.token : undefined}
        description={change.url ? TOKEN_FOLLOWS_URL : "Let your endpoint accept the old and the new token (HOOKRELAY_TOKENS) while you rotate."}
        onChange={setToken}
      />
      <Button text={`Apply to ${props.count} subscriptions`} primary type="submit" disabled={props.disabled} />
    </SubmitForm>
  );
}
