/**
 * Connect an endpoint in one step: the user's choices (endpoint, events, where) and the subscriptions
 * they make: one per ticked event and repository (or one per event for the whole project). Each body
 * is the New-subscription form's, so both paths post exactly what Azure DevOps expects.
 */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { eventCatalogue, gitEventTypes, type GitEventType, type ManifestInputDescriptor } from "../../contract";
import { consumerInputsFor, subscriptionBody, validateInput, type FormErrors } from "../model/subscriptionForm";

export type ConnectScope = "project" | "repositories";

export interface EventChoice {
  ticked: boolean;
  /** Branch filter; "" means any branch. Kept while unticked so ticking again restores it. */
  branch: string;
}

export interface ConnectChoices {
  /** Consumer inputs by id: the endpoint URL, its token and the detail choices. */
  inputs: Record<string, string>;
  events: Record<GitEventType, EventChoice>;
  scope: ConnectScope;
  /** The chosen repositories' ids, when scope is "repositories". */
  repositoryIds: string[];
}

export interface PlannedSubscription {
  /** Stable within one plan: event type and repository. */
  key: string;
  eventType: GitEventType;
  /** Undefined for the whole project. */
  repositoryId?: string;
  branch?: string;
  body: Subscription;
}

/** One action delivers all five events, so the inputs are the same whichever events are ticked. */
export function connectInputs(): ManifestInputDescriptor[] {
  return consumerInputsFor(gitEventTypes[0]);
}

export function supportsBranchFilter(eventType: GitEventType): boolean {
  return eventCatalogue[eventType].filters.some((f) => f.kind === "branch");
}

/** Every event ticked, the whole project, and the manifest's defaults for the detail choices. */
export function initialChoices(): ConnectChoices {
  const inputs: Record<string, string> = {};
  for (const input of connectInputs()) inputs[input.id] = input.values?.defaultValue ?? "";
  const events = Object.fromEntries(gitEventTypes.map((id) => [id, { ticked: true, branch: "" }])) as Record<GitEventType, EventChoice>;
  return { inputs, events, scope: "project", repositoryIds: [] };
}

export function tickedEvents(choices: ConnectChoices): GitEventType[] {
  return gitEventTypes.filter((id) => choices.events[id].ticked);
}

/** Error messages by field: input ids, "events", "repositories" and "branch-<event type>". */
export function validateChoices(choices: ConnectChoices): FormErrors {
  const errors: FormErrors = {};
  for (const input of connectInputs()) {
    const message = validateInput(input, choices.inputs[input.id]);
    if (message) errors[input.id] = message;
  }
  const events = tickedEvents(choices);
  if (events.length === 0) errors.events = "Tick at least one event.";
  for (const eventType of events) {
    if (/\s/.test(choices.events[eventType].branch.trim())) errors[`branch-${eventType}`] = "Branch names cannot contain spaces.";
  }
  if (choices.scope === "repositories" && choices.repositoryIds.length === 0) errors.repositories = "Choose at least one repository.";
  return errors;
}

/** The subscriptions the choices make, event by event in the catalogue's order. */
export function planSubscriptions(choices: ConnectChoices, context: { projectId: string; consumerId: string }): PlannedSubscription[] {
  const targets: (string | undefined)[] = choices.scope === "repositories" ? choices.repositoryIds : [undefined];
  return tickedEvents(choices).flatMap((eventType) => {
    const branch = supportsBranchFilter(eventType) ? choices.events[eventType].branch.trim() : "";
    return targets.map((repositoryId) => ({
      key: `${eventType}|${repositoryId ?? "*"}`,
      eventType,
      repositoryId,
      branch: branch || undefined,
      body: subscriptionBody({ eventType, filters: { repository: repositoryId ?? "", branch }, inputs: choices.inputs }, context),
    }));
  });
}

/** "5 events × 3 repositories = 15 subscriptions", or "5 events in the whole project = 5 subscriptions". */
export function describePlan(choices: ConnectChoices): string {
  const events = tickedEvents(choices).length;
  const eventWords = count(events, "event", "events");
  if (choices.scope === "project") return `${eventWords} in the whole project = ${count(events, "subscription", "subscriptions")}`;
  const repositories = choices.repositoryIds.length;
  return `${eventWords} × ${count(repositories, "repository", "repositories")} = ${count(events * repositories, "subscription", "subscriptions")}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
