/**
 * The new-subscription form: its fields come from the manifest's input descriptors and the event
 * catalogue, so validation and the posted body cannot drift from what Azure DevOps enforces.
 */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import {
  PUBLISHER_ID,
  actionFor,
  eventCatalogue,
  inputsOf,
  isGitEventType,
  supportedEventTypes,
  toBranchName,
  type EventFilter,
  type ManifestInputDescriptor,
} from "../../contract";

export interface SubscriptionFormValues {
  eventType: string;
  /** Publisher inputs (filters) by id; "" means any. */
  filters: Record<string, string>;
  /** Consumer inputs by id. */
  inputs: Record<string, string>;
}

export type FormErrors = Record<string, string>;

/** Filters the form offers: repository, branch and the choice filters (group filters need an identity picker). */
export function formFilters(eventType: string): EventFilter[] {
  return isGitEventType(eventType) ? eventCatalogue[eventType].filters.filter((f) => f.kind !== "group") : [];
}

export function consumerInputsFor(eventType: string): ManifestInputDescriptor[] {
  const action = actionFor(eventType);
  return action ? inputsOf(action) : [];
}

export function initialValues(eventType: string = supportedEventTypes[0]): SubscriptionFormValues {
  const inputs: Record<string, string> = {};
  for (const input of consumerInputsFor(eventType)) inputs[input.id] = input.values?.defaultValue ?? "";
  return { eventType, filters: {}, inputs };
}

export function validateInput(input: ManifestInputDescriptor, raw: string | undefined): string | undefined {
  const value = (raw ?? "").trim();
  const rules = input.validation ?? {};
  if (!value) return rules.isRequired ? `${input.name} is required.` : undefined;
  if (rules.minLength !== undefined && value.length < rules.minLength) return `${input.name} needs at least ${rules.minLength} characters.`;
  if (rules.maxLength !== undefined && value.length > rules.maxLength) return `${input.name} allows at most ${rules.maxLength} characters.`;
  if (rules.pattern && !new RegExp(rules.pattern).test(value)) {
    return rules.patternMismatchErrorMessage ?? `${input.name} is not in the expected format.`;
  }
  const choices = input.values?.possibleValues;
  if (input.values?.isLimitedToPossibleValues && choices && !choices.some((c) => c.value === value)) {
    return `Choose one of: ${choices.map((c) => c.displayValue ?? c.value).join(", ")}.`;
  }
  return undefined;
}

export function validateForm(values: SubscriptionFormValues): FormErrors {
  const errors: FormErrors = {};
  if (!supportedEventTypes.includes(values.eventType)) errors.eventType = "Choose an event.";
  for (const input of consumerInputsFor(values.eventType)) {
    const message = validateInput(input, values.inputs[input.id]);
    if (message) errors[input.id] = message;
  }
  const branch = values.filters.branch?.trim();
  if (branch && /\s/.test(branch)) errors.branch = "Branch names cannot contain spaces.";
  return errors;
}

/**
 * The body for createSubscription. Empty optional inputs are left out: Azure DevOps rejects empty values.
 * resourceVersion is omitted so the action's default applies.
 */
export function subscriptionBody(values: SubscriptionFormValues, context: { projectId: string; consumerId: string }): Subscription {
  const action = actionFor(values.eventType);
  if (!action) throw new Error(`No action of this extension supports ${values.eventType}`);
  const publisherInputs: Record<string, string> = { projectId: context.projectId };
  for (const filter of formFilters(values.eventType)) {
    const value = values.filters[filter.id]?.trim();
    if (value) publisherInputs[filter.id] = filter.kind === "branch" ? toBranchName(value) : value;
  }
  const consumerInputs: Record<string, string> = {};
  for (const input of inputsOf(action)) {
    const value = values.inputs[input.id]?.trim();
    if (value) consumerInputs[input.id] = value;
  }
  return {
    publisherId: PUBLISHER_ID,
    eventType: values.eventType,
    consumerId: context.consumerId,
    consumerActionId: action.id,
    publisherInputs,
    consumerInputs,
  } as Subscription;
}
