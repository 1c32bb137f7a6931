import * as React from "react";
import { Dialog } from "azure-devops-ui/Dialog";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEventType, supportedEventTypes, type EventFilter, type ManifestInputDescriptor } from "../../contract";
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
import { Select } from "./Select";
import { TextInput } from "./TextInput";

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
      <form
        className="hr-form"
        aria-label="New subscription"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
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
          <FilterField key={filter.id} filter={filter} value={values.filters[filter.id] ?? ""} error={errors[filter.id]} repositories={props.repositories} onChange={(v) => setFilter(filter.id, v)} />
        ))}
        {consumerInputsFor(values.eventType).map((input) => (
          <InputField key={input.id} input={input} value={values.inputs[input.id] ?? ""} error={errors[input.id]} onChange={(v) => setInput(input.id, v)} />
        ))}
        {/* Enter in a text field submits the form. */}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

export interface FieldProps {
  value: string;
  error?: string;
  onChange: (value: string) => void;
}

function FilterField(props: FieldProps & { filter: EventFilter; repositories: GitRepository[] }): JSX.Element {
  const { filter } = props;
  const id = `new-filter-${filter.id}`;
  if (filter.kind === "repository") {
    const options = [{ value: "", text: "Any repository" }, ...sortByName(props.repositories).map((r) => ({ value: r.id, text: r.name }))];
    return <Select id={id} label={filter.name} value={props.value} options={options} error={props.error} onChange={props.onChange} />;
  }
  if (filter.kind === "choice") {
    const options = [{ value: "", text: "Any" }, ...(filter.choices ?? []).map((c) => ({ value: c.value, text: c.label }))];
    return <Select id={id} label={filter.name} value={props.value} options={options} error={props.error} onChange={props.onChange} />;
  }
  return <TextInput id={id} label={filter.name} value={props.value} error={props.error} placeholder="Any branch, or e.g. main" onChange={props.onChange} />;
}

/** A consumer input, as its manifest descriptor says: a choice, a password box or a text box. */
export function InputField(props: FieldProps & { input: ManifestInputDescriptor; idPrefix?: string }): JSX.Element {
  const { input } = props;
  const id = `${props.idPrefix ?? "new"}-input-${input.id}`;
  const required = input.validation?.isRequired ?? false;
  const choices = input.values?.possibleValues;
  if (choices && choices.length > 0) {
    const options = choices.map((c) => ({ value: c.value, text: c.displayValue ?? c.value }));
    const withBlank = required || input.values?.defaultValue ? options : [{ value: "", text: "Default" }, ...options];
    return <Select id={id} label={input.name} required={required} value={props.value} options={withBlank} error={props.error} description={input.description} onChange={props.onChange} />;
  }
  return (
    <TextInput
      id={id}
      label={input.name}
      required={required}
      password={input.inputMode === "passwordBox" || input.isConfidential}
      value={props.value}
      maxLength={input.validation?.maxLength}
      error={props.error}
      description={input.description}
      onChange={props.onChange}
    />
  );
}

function pick(values: Record<string, string>, ids: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([id]) => ids.includes(id)));
}

function sortByName(repositories: GitRepository[]): GitRepository[] {
  return [...repositories].sort((a, b) => a.name.localeCompare(b.name));
}
