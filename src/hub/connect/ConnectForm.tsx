import * as React from "react";
import { Checkbox } from "azure-devops-ui/Checkbox";
import { RadioButton, RadioButtonGroup, RadioButtonGroupDirection } from "azure-devops-ui/RadioButton";
import { TextField } from "azure-devops-ui/TextField";
import { getSafeId } from "azure-devops-ui/Util";
import type { GitRepository } from "azure-devops-extension-api/Git";
import { eventCatalogue, gitEventTypes, type GitEventType } from "../../contract";
import type { FormErrors } from "../model/subscriptionForm";
import { InputField } from "../components/SubscriptionFields";
import { RepositoryPicker } from "./RepositoryPicker";
import { connectInputs, supportsBranchFilter, type ConnectChoices, type ConnectScope, type EventChoice } from "./plan";
import { SubmitForm } from "../components/SubmitForm";

export interface ConnectFormProps {
  choices: ConnectChoices;
  errors: FormErrors;
  repositories: GitRepository[];
  onChange: (change: (choices: ConnectChoices) => ConnectChoices) => void;
  onSubmit: () => void;
}

const ENDPOINT_INPUTS = ["url", "token"];
const SCOPE_BUTTON: Record<ConnectScope, string> = { project: "connect-scope-project", repositories: "connect-scope-repositories" };

/** Endpoint, events and where, then the detail choices: everything that makes the plan. */
export function ConnectForm(props: ConnectFormProps): JSX.Element {
  const { choices, errors, onChange } = props;
  const inputs = connectInputs();
  const setInput = (id: string, value: string) => onChange((c) => ({ ...c, inputs: { ...c.inputs, [id]: value } }));
  const setEvent = (eventType: GitEventType, change: Partial<EventChoice>) =>
    onChange((c) => ({ ...c, events: { ...c.events, [eventType]: { ...c.events[eventType], ...change } } }));
  const inputField = (id: string) => {
    const input = inputs.find((i) => i.id === id)!;
    return <InputField key={id} idPrefix="connect" input={input} value={choices.inputs[id] ?? ""} error={errors[id]} onChange={(v) => setInput(id, v)} />;
  };

  return (
    <SubmitForm className="hr-connect-form" label="Connect an endpoint" onSubmit={props.onSubmit}>
      <fieldset className="hr-fieldset">
        <legend>Endpoint</legend>
        {ENDPOINT_INPUTS.map(inputField)}
      </fieldset>
      <fieldset className="hr-fieldset">
        <legend>Events</legend>
        <div className="hr-connect-events">
          <span className="hr-label" aria-hidden="true">Event</span>
          <span className="hr-label" aria-hidden="true">Branch filter</span>
          {gitEventTypes.map((eventType) => (
            <EventRow key={eventType} eventType={eventType} choice={choices.events[eventType]} error={errors[`branch-${eventType}`]} onChange={(change) => setEvent(eventType, change)} />
          ))}
        </div>
        {errors.events ? <div className="hr-message-error" role="alert">{errors.events}</div> : null}
      </fieldset>
      <fieldset className="hr-fieldset">
        <legend>Where</legend>
        <RadioButtonGroup
          text="Subscribe in"
          selectedButtonId={SCOPE_BUTTON[choices.scope]}
          direction={RadioButtonGroupDirection.Horizontal}
          onSelect={(id) => onChange((c) => ({ ...c, scope: id === SCOPE_BUTTON.repositories ? "repositories" : "project" }))}
        >
          <RadioButton id={SCOPE_BUTTON.project} text="The whole project" />
          <RadioButton id={SCOPE_BUTTON.repositories} text="Chosen repositories" />
        </RadioButtonGroup>
        {choices.scope === "repositories" ? (
          <RepositoryPicker
            repositories={props.repositories}
            selectedIds={choices.repositoryIds}
            error={errors.repositories}
            onChange={(repositoryIds) => onChange((c) => ({ ...c, repositoryIds }))}
          />
        ) : null}
      </fieldset>
      <fieldset className="hr-fieldset">
        <legend>Details</legend>
        {inputs.filter((i) => !ENDPOINT_INPUTS.includes(i.id)).map((i) => inputField(i.id))}
      </fieldset>
      {/* Enter in a text field submits the form. */}
      <button type="submit" hidden />
    </SubmitForm>
  );
}

interface EventRowProps {
  eventType: GitEventType;
  choice: EventChoice;
  error?: string;
  onChange: (change: Partial<EventChoice>) => void;
}

/** An event's tick box and, when ticked and the event has one, its branch filter. */
function EventRow(props: EventRowProps): JSX.Element {
  const { eventType, choice } = props;
  const name = eventCatalogue[eventType].name;
  const messageId = `connect-branch-${eventType.replace(/\W/g, "-")}-message`;
  return (
    <>
      <Checkbox label={name} checked={choice.ticked} onChange={(_e, ticked) => props.onChange({ ticked })} />
      {choice.ticked && supportsBranchFilter(eventType) ? (
        <div className={props.error ? "hr-field-error" : undefined}>
          <TextField
            value={choice.branch}
            ariaLabel={`${branchFilterName(eventType)} for ${name.toLowerCase()}`}
            placeholder="Any branch, or e.g. main"
            autoComplete={false}
            ariaInvalid={props.error ? true : undefined}
            ariaDescribedBy={props.error ? messageId : undefined}
            onChange={(_e, branch) => props.onChange({ branch })}
          />
          {props.error ? (
            <div id={getSafeId(messageId)} className="hr-message-error" role="alert">
              {props.error}
            </div>
          ) : null}
        </div>
      ) : (
        <span className="hr-message hr-connect-no-branch">{choice.ticked ? "Any branch" : "Not subscribed"}</span>
      )}
    </>
  );
}

function branchFilterName(eventType: GitEventType): string {
  return eventCatalogue[eventType].filters.find((f) => f.kind === "branch")?.name ?? "Branch";
}
