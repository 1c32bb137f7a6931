/**
 * Editing an existing subscription: the form starts from what Azure DevOps returned, and the change is
 * a PUT of the whole subscription. Confidential inputs come back masked; sending the mask back keeps the
 * stored secret (service-hooks-internals §1.5), so a token is replaced only when the user types a new one.
 */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { MASKED_INPUT_VALUE, toBranchName } from "../../contract";
import { consumerInputsFor, formFilters, validateInput, type FormErrors } from "../model/subscriptionForm";

export interface EditValues {
  /** Publisher inputs (filters) the form offers, by id; "" means any. */
  filters: Record<string, string>;
  /** Consumer inputs by id; a confidential one is "" unless the user typed a new value. */
  inputs: Record<string, string>;
}

export function editValuesOf(subscription: Subscription): EditValues {
  const filters: Record<string, string> = {};
  for (const filter of formFilters(subscription.eventType)) {
    const value = subscription.publisherInputs?.[filter.id] ?? "";
    filters[filter.id] = filter.kind === "branch" && value ? toBranchName(value) : value;
  }
  const inputs: Record<string, string> = {};
  for (const input of consumerInputsFor(subscription.eventType)) {
    const stored = subscription.consumerInputs?.[input.id];
    inputs[input.id] = input.isConfidential ? "" : stored ?? input.values?.defaultValue ?? "";
  }
  return { filters, inputs };
}

/** Whether the stored subscription has a value for this confidential input, which an empty field keeps. */
export function keepsSecret(subscription: Subscription, inputId: string): boolean {
  return Boolean(subscription.consumerInputs?.[inputId]);
}

export function validateEdit(subscription: Subscription, values: EditValues): FormErrors {
  const errors: FormErrors = {};
  for (const input of consumerInputsFor(subscription.eventType)) {
    const typed = values.inputs[input.id]?.trim();
    if (input.isConfidential && !typed && keepsSecret(subscription, input.id)) continue;
    const message = validateInput(input, typed);
    if (message) errors[input.id] = message;
  }
  const branch = values.filters.branch?.trim();
  if (branch && /\s/.test(branch)) errors.branch = "Branch names cannot contain spaces.";
  return errors;
}

/**
 * The whole subscription with the form's filters and inputs. Everything the form does not show (status,
 * scope inputs such as projectId, group filters, other fields) goes back as Azure DevOps returned it.
 */
export function editedSubscription(subscription: Subscription, values: EditValues): Subscription {
  const publisherInputs: Record<string, string> = { ...subscription.publisherInputs };
  for (const filter of formFilters(subscription.eventType)) {
    const value = values.filters[filter.id]?.trim();
    // Azure DevOps refuses empty values: "any" is the input left out.
    if (value) publisherInputs[filter.id] = filter.kind === "branch" ? toBranchName(value) : value;
    else delete publisherInputs[filter.id];
  }
  const consumerInputs: Record<string, string> = {};
  for (const input of consumerInputsFor(subscription.eventType)) {
    const value = values.inputs[input.id]?.trim();
    if (value) consumerInputs[input.id] = value;
    else if (input.isConfidential && keepsSecret(subscription, input.id)) consumerInputs[input.id] = MASKED_INPUT_VALUE;
  }
  return { ...subscription, publisherInputs, consumerInputs };
}

/** A change to every subscription of one endpoint: a new URL, a new token, or both. Unset parts stay as they are. */
export interface EndpointChange {
  url?: string;
  token?: string;
}

/** The whole subscription with the endpoint's new URL and token; an unchanged token goes back masked, which keeps it. */
export function withEndpointChange(subscription: Subscription, change: EndpointChange): Subscription {
  const consumerInputs = { ...subscription.consumerInputs };
  if (change.url) consumerInputs.url = change.url;
  if (change.token) consumerInputs.token = change.token;
  return { ...subscription, consumerInputs };
}
