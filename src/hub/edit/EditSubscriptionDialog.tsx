import * as React from "react";
import { ContentSize } from "azure-devops-ui/Callout";
import { Dialog } from "azure-devops-ui/Dialog";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEvent } from "../model/filters";
import { consumerInputsFor, formFilters, type FormErrors } from "../model/subscriptionForm";
import { ErrorCard } from "../components/ErrorCard";
import { FilterField, InputField } from "../components/SubscriptionFields";
import { TOKEN_FOLLOWS_URL, editValuesOf, editedSubscription, secretField, validateEdit, type EditValues, type SecretField } from "./editSubscription";
import { SubmitForm } from "../components/SubmitForm";

export interface EditSubscriptionDialogProps {
  subscription: Subscription;
  repositories: GitRepository[];
  /** Sends the whole changed subscription (a PUT); a rejection is shown in the dialog. */
  onSave: (subscription: Subscription) => Promise<void>;
  onDismiss: () => void;
}

/** What a confidential field says and whether it is required, by how it is filled in; a new one is as the manifest says. */
const SECRET_FIELD: Partial<Record<SecretField, { required: boolean; description: string }>> = {
  keep: { required: false, description: "Leave empty to keep the current one, which Azure DevOps never shows; type a new one to replace it." },
  retype: { required: true, description: TOKEN_FOLLOWS_URL },
};

/** Endpoint URL, filters and detail choices of one subscription; the token is replaced when a new one is typed, and must be when the URL changes. */
export function EditSubscriptionDialog(props: EditSubscriptionDialogProps): JSX.Element {
  const { subscription } = props;
  const [values, setValues] = React.useState<EditValues>(() => editValuesOf(subscription));
  const [submitted, setSubmitted] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const [serverError, setServerError] = React.useState<unknown>();
  const errors: FormErrors = submitted ? validateEdit(subscription, values) : {};

  const save = async () => {
    setSubmitted(true);
    if (Object.keys(validateEdit(subscription, values)).length > 0) return;
    setBusy(true);
    setServerError(undefined);
    try {
      await props.onSave(editedSubscription(subscription, values));
    } catch (error) {
      setServerError(error);
      setBusy(false);
    }
  };
  const setFilter = (id: string, value: string) => setValues((v) => ({ ...v, filters: { ...v.filters, [id]: value } }));
  const setInput = (id: string, value: string) => setValues((v) => ({ ...v, inputs: { ...v.inputs, [id]: value } }));

  return (
    <Dialog
      titleProps={{ text: `Edit ${describeEvent(subscription.eventType)} subscription` }}
      onDismiss={props.onDismiss}
      contentSize={ContentSize.Large}
      overlay={busy ? { spinnerLabel: "Saving…" } : undefined}
      footerButtonProps={[
        { text: "Cancel", onClick: props.onDismiss, disabled: busy },
        { text: "Save", primary: true, onClick: save, disabled: busy },
      ]}
    >
      <SubmitForm className="hr-form" label="Edit subscription" onSubmit={() => void save()}>
        {serverError ? <ErrorCard error={serverError} operation="edit" /> : null}
        {formFilters(subscription.eventType).map((filter) => (
          <FilterField
            key={filter.id}
            idPrefix="edit"
            filter={filter}
            value={values.filters[filter.id] ?? ""}
            error={errors[filter.id]}
            repositories={props.repositories}
            onChange={(v) => setFilter(filter.id, v)}
          />
        ))}
        {consumerInputsFor(subscription.eventType).map((input) => (
          <InputField
            key={input.id}
            idPrefix="edit"
            input={input}
            value={values.inputs[input.id] ?? ""}
            error={errors[input.id]}
            {...(input.isConfidential ? SECRET_FIELD[secretField(subscription, values, input)] : {})}
            onChange={(v) => setInput(input.id, v)}
          />
        ))}
        <button type="submit" hidden />
      </SubmitForm>
    </Dialog>
  );
}
