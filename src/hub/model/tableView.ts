/** What the subscriptions table shows: which rows match the keyword filter, and in which order. */
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeEvent, filtersInWords, type RepositoryNames } from "./filters";
import { personName, toDate } from "./format";
import { isUnavailable, type RowHealth } from "./notifications";
import { describeStatus, statusOf } from "./status";

export interface SubscriptionRow {
  subscription: Subscription;
  /** undefined until the row's delivery history has loaded (it loads when the row is on screen). */
  health?: RowHealth;
}

/** The words a row shows, which the keyword filter searches and the event and endpoint columns sort by. */
export interface RowWords {
  event: string;
  filters: string;
  endpoint: string;
  status: string;
  creator: string;
  /** All of the above in lower case, one field a line, so a term cannot match across two fields. */
  searchable: string;
}

/** Deliberately leaves out every other input: tokens and passwords must never be searchable. */
export function rowWords(subscription: Subscription, repositories: RepositoryNames): RowWords {
  const shown = {
    event: describeEvent(subscription.eventType),
    filters: filtersInWords(subscription.eventType, subscription.publisherInputs, repositories),
    endpoint: subscription.consumerInputs?.url ?? "",
    status: describeStatus(subscription).label,
    creator: personName(subscription.createdBy),
  };
  return { ...shown, searchable: Object.values(shown).join("\n").toLowerCase() };
}

/** The words of each subscription by id; computed once per list, not on every keystroke or sort. */
export function wordsById(subscriptions: Subscription[], repositories: RepositoryNames): Map<string, RowWords> {
  return new Map(subscriptions.map((s) => [s.id, rowWords(s, repositories)]));
}

/** The lower-case terms of a keyword query (terms never hold whitespace); a row matches when it contains every one of them. */
export function queryTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matchesTerms(words: RowWords | undefined, terms: string[]): boolean {
  if (terms.length === 0) return true;
  return words !== undefined && terms.every((term) => words.searchable.includes(term));
}

export function filterRows(rows: SubscriptionRow[], words: ReadonlyMap<string, RowWords>, query: string): SubscriptionRow[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return rows;
  return rows.filter((row) => matchesTerms(words.get(row.subscription.id), terms));
}

export type SortColumn = "event" | "endpoint" | "status" | "lastDelivery" | "modified";
export type SortDirection = "ascending" | "descending";

export interface SortState {
  column: SortColumn;
  direction: SortDirection;
}

/** Parts compared in turn; undefined means not known (health still loading or unavailable). */
type SortKey = readonly (string | number)[] | undefined;

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** Rows in the order asked for; without a sort, as given. Ties keep their given order. */
export function sortRows(rows: SubscriptionRow[], sort: SortState | undefined, words: ReadonlyMap<string, RowWords>): SubscriptionRow[] {
  if (!sort) return rows;
  // Keys once per row, not once per comparison: filtersInWords and date parsing are not free on 1,000 rows.
  const keyed = rows.map((row, index) => ({ row, index, key: sortKey(row, sort.column, words.get(row.subscription.id)) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key, sort.direction) || a.index - b.index);
  return keyed.map((k) => k.row);
}

export function sortKey(row: SubscriptionRow, column: SortColumn, words: RowWords | undefined): SortKey {
  const { subscription, health } = row;
  switch (column) {
    case "event":
      return [words?.event ?? subscription.eventType, words?.filters ?? ""];
    case "endpoint":
      return [words?.endpoint ?? subscription.consumerInputs?.url ?? ""];
    case "status":
      // The status values run from healthy to broken (Enabled 0 … disabled for an inactive owner 40).
      return [statusOf(subscription)];
    case "lastDelivery":
      if (!health || isUnavailable(health)) return undefined;
      // Never delivered counts as the oldest delivery.
      return [timeOf(health.last?.createdDate)];
    case "modified":
      return [timeOf(subscription.modifiedDate)];
  }
}

/** Unknown keys go last in either direction: they are not small or large, just not there yet. */
export function compareKeys(a: SortKey, b: SortKey, direction: SortDirection): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const sign = direction === "ascending" ? 1 : -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = compareParts(a[i], b[i]);
    if (order !== 0) return sign * order;
  }
  return 0;
}

function compareParts(a: string | number | undefined, b: string | number | undefined): number {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : a < b ? -1 : 1;
  return collator.compare(String(a ?? ""), String(b ?? ""));
}

function timeOf(value: Date | string | null | undefined): number {
  return toDate(value)?.getTime() ?? Number.NEGATIVE_INFINITY;
}

