/**
 * Creating a plan's subscriptions: a few at a time, each failure kept with Azure DevOps's own error,
 * and a retry of only the failed ones. Both look the plan up first (one query), so a subscription
 * that is already there, made earlier or by a create whose answer was lost, is never made twice.
 */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { eventCatalogue, isGitEventType, toBranchName } from "../../contract";
import { runBatch } from "../services/batch";
import type { PlannedSubscription } from "./plan";


export type CreateOutcome =
  | { state: "pending" }
  | { state: "created"; subscription: Subscription; /** Found, not created: it was there before, or a create whose answer was lost made it. */ found?: "earlier" | "lost-answer" }
  | { state: "failed"; error: unknown };

export type Outcomes = ReadonlyMap<string, CreateOutcome>;

export interface SubscriptionCreator {
  create(body: Subscription): Promise<Subscription>;
  /** This consumer's subscriptions in the project, to find the ones an unanswered create made. */
  existing(): Promise<Subscription[]>;
}

export interface CreateOptions {
  concurrency?: number;
  /** Called as each subscription starts and settles, for progress. */
  onOutcome?: (key: string, outcome: CreateOutcome) => void;
}

/** Creates every planned subscription; never throws: each failure becomes that subscription's outcome. */
export async function createPlanned(plan: readonly PlannedSubscription[], creator: SubscriptionCreator, options: CreateOptions = {}): Promise<Map<string, CreateOutcome>> {
  const outcomes = new Map<string, CreateOutcome>();
  await runBatch(plan, async (item) => {
    settle(outcomes, options, item.key, { state: "pending" });
    try {
      settle(outcomes, options, item.key, { state: "created", subscription: await creator.create(item.body) });
    } catch (error) {
      settle(outcomes, options, item.key, { state: "failed", error });
    }
  }, { concurrency: options.concurrency });
  return outcomes;
}

/**
 * Creates the plan's subscriptions that are not there yet: connecting the same endpoint again, say
 * with one more repository, creates only what is new. When the lookup fails, everything is created.
 */
export async function createMissing(plan: readonly PlannedSubscription[], creator: SubscriptionCreator, options: CreateOptions = {}): Promise<Map<string, CreateOutcome>> {
  const existing = await creator.existing().catch(() => [] as Subscription[]);
  const outcomes = new Map<string, CreateOutcome>();
  const missing = settleFound(plan, existing, "earlier", (key, outcome) => settle(outcomes, options, key, outcome));
  for (const [key, outcome] of await createPlanned(missing, creator, options)) outcomes.set(key, outcome);
  return outcomes;
}

/**
 * Retries the failed subscriptions of a plan. A create that timed out may have succeeded on the
 * server, so the lookup must succeed before anything is created again; a match counts as created.
 * Returns every outcome, the earlier successes included.
 */
export async function retryFailed(
  plan: readonly PlannedSubscription[],
  previous: Outcomes,
  creator: SubscriptionCreator,
  options: CreateOptions = {},
): Promise<Map<string, CreateOutcome>> {
  const outcomes = new Map(previous);
  const failed = plan.filter((item) => previous.get(item.key)?.state === "failed");
  let existing: Subscription[];
  try {
    existing = await creator.existing();
  } catch (error) {
    for (const item of failed) settle(outcomes, options, item.key, { state: "failed", error });
    return outcomes;
  }
  const missing = settleFound(failed, existing, "lost-answer", (key, outcome) => settle(outcomes, options, key, outcome));
  for (const [key, outcome] of await createPlanned(missing, creator, options)) outcomes.set(key, outcome);
  return outcomes;
}

function settle(outcomes: Map<string, CreateOutcome>, options: CreateOptions, key: string, outcome: CreateOutcome): void {
  outcomes.set(key, outcome);
  options.onOutcome?.(key, outcome);
}

/** Settles the items that exist already as found; returns the ones still to create. */
function settleFound(
  items: readonly PlannedSubscription[],
  existing: Subscription[],
  found: "earlier" | "lost-answer",
  onFound: (key: string, outcome: CreateOutcome) => void,
): PlannedSubscription[] {
  const missing: PlannedSubscription[] = [];
  for (const item of items) {
    const match = existing.find((s) => isSameSubscription(s, item.body));
    if (match) onFound(item.key, { state: "created", subscription: match, found });
    else missing.push(item);
  }
  return missing;
}

/**
 * Whether an existing subscription is the planned one: same consumer, action, event type, project
 * and filters, and the same endpoint URL. Inputs Azure DevOps adds itself (tfsSubscriptionId,
 * hostId) are not filters and do not count; ids compare case-insensitively, branches with or without refs/heads/.
 */
export function isSameSubscription(existing: Subscription, planned: Subscription): boolean {
  return (
    existing.publisherId === planned.publisherId &&
    existing.eventType === planned.eventType &&
    sameText(existing.consumerId, planned.consumerId) &&
    existing.consumerActionId === planned.consumerActionId &&
    existing.consumerInputs?.url?.trim() === planned.consumerInputs?.url?.trim() &&
    filterIds(planned.eventType).every((id) => sameFilter(id, existing.publisherInputs?.[id], planned.publisherInputs?.[id]))
  );
}

function filterIds(eventType: string): string[] {
  return ["projectId", ...(isGitEventType(eventType) ? eventCatalogue[eventType].filters.map((f) => f.id) : [])];
}

function sameFilter(id: string, a: string | undefined, b: string | undefined): boolean {
  const normal = (value: string | undefined) => {
    const trimmed = value?.trim() ?? "";
    return (id === "branch" ? toBranchName(trimmed) : trimmed).toLowerCase();
  };
  return normal(a) === normal(b);
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}
