/**
 * Editing an existing subscription: the form starts from what Azure DevOps returned, and the change is
 * a PUT of the whole subscription. Confidential inputs come back masked; sending the mask back keeps the
 * stored secret (service-hooks-internals §1.5), so a token is replaced only when the user types a new one,
 * except that Azure DevOps asks for it again when the URL, which it depends on, changes.
 */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { MASKED_INPUT_VALUE, mustRetypeSecret, toBranchName, type ManifestInputDescriptor } from "../../contract";
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

/** Why the token must be typed again; shown by the token field whenever the URL changes. */
export const TOKEN_FOLLOWS_URL = "Azure DevOps asks for the token again when the URL changes, so that it is never sent to a new address unseen.";
/** The field's error when it is left empty; it replaces the description, so it says why too. */
export const RETYPE_TOKEN = "Type the token again: Azure DevOps never sends a stored token to a new URL unseen.";

/**
 * How the field of a confidential input is filled in: "keep" (one is stored, and an empty field keeps it),
 * "retype" (one is stored, but an input it depends on changed, so Azure DevOps asks for it again) or
 * "new" (none is stored).
 */
export type SecretField = "keep" | "retype" | "new";

export function secretField(subscription: Subscription, values: EditValues, input: ManifestInputDescriptor): SecretField {
  const stored = subscription.consumerInputs ?? {};
  if (!stored[input.id]) return "new";
  return mustRetypeSecret(input, stored, trimmed(values.inputs)) ? "retype" : "keep";
}

export function validateEdit(subscription: Subscription, values: EditValues): FormErrors {
  const errors: FormErrors = {};
  for (const input of consumerInputsFor(subscription.eventType)) {
    const typed = values.inputs[input.id]?.trim();
    const field = input.isConfidential ? secretField(subscription, values, input) : "new";
    if (!typed && field === "keep") continue;
    const message = !typed && field === "retype" ? RETYPE_TOKEN : validateInput(input, typed);
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
    else if (input.isConfidential && subscription.consumerInputs?.[input.id]) consumerInputs[input.id] = MASKED_INPUT_VALUE;
  }
  return { ...subscription, publisherInputs, consumerInputs };
}

function trimmed(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([id, value]) => [id, value.trim()]));
}

/**
 * A change to every subscription of one endpoint: a new token, with or without a new URL. There is no
 * new URL without a token: Azure DevOps asks for the token again when the URL changes.
 */
export interface EndpointChange {
  url?: string;
  token: string;
}

/** The whole subscription with the endpoint's new token, and its new URL if there is one. */
export function withEndpointChange(subscription: Subscription, change: EndpointChange): Subscription {
  const consumerInputs: Record<string, string> = { ...subscription.consumerInputs, token: change.token };
  if (change.url) consumerInputs.url = change.url;
  return { ...subscription, consumerInputs };
}
