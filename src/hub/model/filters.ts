/** A subscription's event type and publisher inputs (filters), in words. */
import { describeEventType, eventCatalogue, isGitEventType, toBranchName, type EventFilter } from "../../contract";

/** Publisher inputs that scope rather than filter; Azure DevOps adds some of them itself. */
const SCOPE_INPUTS = new Set(["projectId", "tfsSubscriptionId", "hostId", "subscriberId", "teamId"]);

export type RepositoryNames = ReadonlyMap<string, string>;

export function describeEvent(eventType: string): string {
  return describeEventType(eventType);
}

export function describeFilters(eventType: string, publisherInputs: Record<string, string> | undefined, repositories: RepositoryNames): string[] {
  const inputs = publisherInputs ?? {};
  const known = isGitEventType(eventType) ? eventCatalogue[eventType].filters : [];
  const phrases: string[] = [];
  for (const [id, value] of Object.entries(inputs)) {
    if (SCOPE_INPUTS.has(id) || !value) continue;
    const filter = known.find((f) => f.id === id);
    phrases.push(filter ? describeFilter(filter, value, repositories) : `${id}: ${value}`);
  }
  return phrases;
}

function describeFilter(filter: EventFilter, value: string, repositories: RepositoryNames): string {
  switch (filter.kind) {
    case "repository":
      return `${filter.name}: ${repositories.get(value.toLowerCase()) ?? `unknown repository (${value})`}`;
    case "branch":
      return `${filter.name}: ${toBranchName(value)}`;
    case "choice":
      return `${filter.name}: ${filter.choices?.find((c) => c.value === value)?.label ?? value}`;
    case "group":
      return `${filter.name} ${value}`;
  }
}

export function filtersInWords(eventType: string, publisherInputs: Record<string, string> | undefined, repositories: RepositoryNames): string {
  const phrases = describeFilters(eventType, publisherInputs, repositories);
  return phrases.length > 0 ? phrases.join("; ") : "Any repository, any branch";
}
