import * as React from "react";
import { Dialog } from "azure-devops-ui/Dialog";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEventType, supportedEventTypes } from "../../contract";
import {
  consumerInputsFor,
  formFilters,
  initialValues,
  subscriptionBody,
  validateForm,
  type FormErrors,
  type SubscriptionFormValues,
} from "../model/subscriptionForm";
import { ErrorCard } from "./ErrorCard";
import { FilterField, InputField } from "./SubscriptionFields";
import { Select } from "./Select";
import { SubmitForm } from "./SubmitForm";

export interface NewSubscriptionDialogProps {
  repositories: GitRepository[];
  context: { projectId: string; consumerId: string };
  onCreate: (subscription: Subscription) => Promise<void>;
  onDismiss: () => void;
}

/** The form is generated from the manifest's input descriptors and the event catalogue. */
export function NewSubscriptionDialog(props: NewSubscriptionDialogProps): JSX.Element {
  const [values, setValues] = React.useState<SubscriptionFormValues>(() => initialValues());
  const [submitted, setSubmitted] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const [serverError, setServerError] = React.useState<unknown>();
  const errors: FormErrors = submitted ? validateForm(values) : {};

  const submit = async () => {
    setSubmitted(true);
    if (Object.keys(validateForm(values)).length > 0) return;
    setBusy(true);
    setServerError(undefined);
    try {
      await props.onCreate(subscriptionBody(values, props.context));
    } catch (error) {
      setServerError(error);
      setBusy(false);
    }
  };

  const setEventType = (eventType: string) =>
    setValues((v) => ({ eventType, filters: pick(v.filters, formFilters(eventType).map((f) => f.id)), inputs: v.inputs }));
  const setFilter = (id: string, value: string) => setValues((v) => ({ ...v, filters: { ...v.filters, [id]: value } }));
  const setInput = (id: string, value: string) => setValues((v) => ({ ...v, inputs: { ...v.inputs, [id]: value } }));

  return (
    <Dialog
      titleProps={{ text: "New subscription" }}
      onDismiss={props.onDismiss}
      overlay={busy ? { spinnerLabel: "Creating subscription…" } : undefined}
      footerButtonProps={[
        { text: "Cancel", onClick: props.onDismiss, disabled: busy },
        { text: "Create", primary: true, onClick: submit, disabled: busy },
      ]}
    >
      <SubmitForm className="hr-form" label="New subscription" onSubmit={() => void submit()}>
        {serverError ? <ErrorCard error={serverError} operation="edit" /> : null}
        <Select
          id="new-eventType"
          label="Event"
          required
          value={values.eventType}
          error={errors.eventType}
          options={supportedEventTypes.map((id) => ({ value: id, text: describeEventType(id) }))}
          onChange={setEventType}
        />
        {formFilters(values.eventType).map((filter) => (
          <FilterField key={filter.id} idPrefix="new" filter={filter} value={values.filters[filter.id] ?? ""} error={errors[filter.id]} repositories={props.repositories} onChange={(v) => setFilter(filter.id, v)} />
        ))}
        {consumerInputsFor(values.eventType).map((input) => (
          <InputField key={input.id} idPrefix="new" input={input} value={values.inputs[input.id] ?? ""} error={errors[input.id]} onChange={(v) => setInput(input.id, v)} />
        ))}
        {/* Enter in a text field submits the form. */}
        <button type="submit" hidden />
      </SubmitForm>
    </Dialog>
  );
}

function pick(values: Record<string, string>, ids: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([id]) => ids.includes(id)));
}
