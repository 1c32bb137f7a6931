import { NotificationResult, NotificationStatus, SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import type { DeliveryHealth } from "../../src/hub/model/notifications";
import {
  compareKeys,
  filterRows,
  matchesTerms,
  queryTerms,
  rowWords,
  sortRows,
  wordsById,
  type SortColumn,
  type SubscriptionRow,
} from "../../src/hub/model/tableView";

const FIBER_REPO = "f5f5f5f5-aaaa-bbbb-cccc-d6d6d6d6d6d6";
const repositories = new Map([[FIBER_REPO, "Fabrikam-Fiber-Git"]]);

let nextId = 0;
function subscription(overrides: Partial<Subscription> & { url?: string; creator?: string }): Subscription {
  const { url = "https://hooks.example.com/hooks", creator = "Jamal Hartnett", ...rest } = overrides;
  return {
    id: `sub-${++nextId}`,
    eventType: "git.push",
    status: SubscriptionStatus.Enabled,
    publisherInputs: { projectId: "p" },
    consumerInputs: { url, token: "secret-token-value" },
    createdBy: { displayName: creator },
    modifiedDate: new Date("2025-01-10T10:00:00Z"),
    ...rest,
  } as Subscription;
}

function health(lastDelivered: string | undefined): DeliveryHealth {
  const last = lastDelivered
    ? { id: 1, result: NotificationResult.Succeeded, status: NotificationStatus.Completed, createdDate: new Date(lastDelivered), modifiedDate: new Date(lastDelivered) }
    : undefined;
  return { delivered: last ? 1 : 0, failed: 0, kept: last ? 1 : 0, successRate: last ? 1 : undefined, last };
}

const rowsOf = (...subscriptions: Subscription[]): SubscriptionRow[] => subscriptions.map((s) => ({ subscription: s }));
const urls = (rows: SubscriptionRow[]) => rows.map((r) => r.subscription.consumerInputs.url);

test("a row's words are what it shows: event, filters in words, endpoint, status and creator, never the token", () => {
  const words = rowWords(
    subscription({
      eventType: "git.pullrequest.merged",
      status: SubscriptionStatus.OnProbation,
      publisherInputs: { projectId: "p", repository: FIBER_REPO },
      url: "https://hooks.example.com/hooks/payments",
      creator: "Chuck Reinhart",
    }),
    repositories,
  );
  expect(words).toMatchObject({
    event: "Pull request merge attempted",
    filters: "Repository: Fabrikam-Fiber-Git",
    endpoint: "https://hooks.example.com/hooks/payments",
    status: "On probation",
    creator: "Chuck Reinhart",
  });
  expect(words.searchable).not.toContain("secret-token-value");
  expect(words.searchable).not.toContain(FIBER_REPO);
});

test("a query matches case-insensitively when every one of its words appears somewhere in the row", () => {
  const words = rowWords(subscription({ publisherInputs: { repository: FIBER_REPO, branch: "refs/heads/main" }, url: "https://hooks.example.com/hooks/fiber" }), repositories);
  expect(queryTerms("  FIBER   Main ")).toEqual(["fiber", "main"]);
  expect(matchesTerms(words, queryTerms("code PUSHED"))).toBe(true);
  expect(matchesTerms(words, queryTerms("fabrikam-fiber-git enabled jamal"))).toBe(true);
  expect(matchesTerms(words, queryTerms("fiber disabled"))).toBe(false);
  expect(matchesTerms(words, queryTerms("secret-token"))).toBe(false);
  // The status "Enabled" and the creator "Jamal Hartnett" are neighbouring fields that never run together.
  expect(matchesTerms(words, queryTerms("enabledjamal"))).toBe(false);
  expect(matchesTerms(words, [])).toBe(true);
});

test("filtering keeps the given order and returns the same list when the query is blank", () => {
  const rows = rowsOf(
    subscription({ url: "https://a.example.com/hooks/fiber" }),
    subscription({ url: "https://b.example.com/hooks/web", status: SubscriptionStatus.DisabledByUser }),
    subscription({ url: "https://c.example.com/hooks/fiber-two" }),
  );
  const words = wordsById(rows.map((r) => r.subscription), repositories);
  expect(urls(filterRows(rows, words, "fiber"))).toEqual(["https://a.example.com/hooks/fiber", "https://c.example.com/hooks/fiber-two"]);
  expect(urls(filterRows(rows, words, "disabled by user"))).toEqual(["https://b.example.com/hooks/web"]);
  expect(filterRows(rows, words, "nothing-like-this")).toEqual([]);
  expect(filterRows(rows, words, "   ")).toBe(rows);
});

describe("sorting", () => {
  const fiber = subscription({
    url: "https://hooks.example.com/hooks/fiber",
    status: SubscriptionStatus.DisabledBySystem,
    modifiedDate: new Date("2025-03-01T00:00:00Z"),
  });
  const bulk10 = subscription({ url: "https://HOOKS.example.com/hooks/bulk-10", eventType: "git.pullrequest.created", modifiedDate: new Date("2025-01-01T00:00:00Z") });
  const bulk2 = subscription({
    url: "https://hooks.example.com/hooks/bulk-2",
    status: SubscriptionStatus.OnProbation,
    publisherInputs: { repository: FIBER_REPO },
    modifiedDate: "2025-02-01T00:00:00Z" as unknown as Date,
  });
  const rows: SubscriptionRow[] = [
    { subscription: fiber, health: health("2025-04-02T00:00:00Z") },
    { subscription: bulk10 },
    { subscription: bulk2, health: health(undefined) },
  ];
  const words = wordsById([fiber, bulk10, bulk2], repositories);
  const sorted = (column: SortColumn, direction: "ascending" | "descending") => urls(sortRows(rows, { column, direction }, words)).map((u) => u.split("/").pop());

  test("without a sort the rows stay as given", () => {
    expect(sortRows(rows, undefined, words)).toBe(rows);
  });

  test("endpoints compare like people read them: bulk-2 before bulk-10, whatever the case", () => {
    // bulk-10's host is upper case: a plain string comparison would put it first.
    expect(sorted("endpoint", "ascending")).toEqual(["bulk-2", "bulk-10", "fiber"]);
    expect(sorted("endpoint", "descending")).toEqual(["fiber", "bulk-10", "bulk-2"]);
  });

  test("events sort by name, then by their filters in words", () => {
    // "Code pushed" (fiber, any repository) and "Code pushed" (bulk-2, Fabrikam-Fiber-Git), then "Pull request created".
    expect(sorted("event", "ascending")).toEqual(["fiber", "bulk-2", "bulk-10"]);
    expect(sorted("event", "descending")).toEqual(["bulk-10", "bulk-2", "fiber"]);
  });

  test("status sorts from healthy to broken, not alphabetically", () => {
    expect(sorted("status", "ascending")).toEqual(["bulk-10", "bulk-2", "fiber"]);
    expect(sorted("status", "descending")).toEqual(["fiber", "bulk-2", "bulk-10"]);
  });

  test("dates sort as dates, whether the client gave a Date or an ISO string", () => {
    expect(sorted("modified", "ascending")).toEqual(["bulk-10", "bulk-2", "fiber"]);
    expect(sorted("modified", "descending")).toEqual(["fiber", "bulk-2", "bulk-10"]);
  });

  test("last delivery: never delivered counts as oldest, and rows still loading go last either way", () => {
    expect(sorted("lastDelivery", "ascending")).toEqual(["bulk-2", "fiber", "bulk-10"]);
    expect(sorted("lastDelivery", "descending")).toEqual(["fiber", "bulk-2", "bulk-10"]);
  });

  test("equal keys keep the given order in both directions", () => {
    const same = rowsOf(subscription({ url: "https://x/1" }), subscription({ url: "https://x/2" }), subscription({ url: "https://x/3" }));
    const sameWords = wordsById(same.map((r) => r.subscription), repositories);
    expect(urls(sortRows(same, { column: "status", direction: "ascending" }, sameWords))).toEqual(["https://x/1", "https://x/2", "https://x/3"]);
    expect(urls(sortRows(same, { column: "status", direction: "descending" }, sameWords))).toEqual(["https://x/1", "https://x/2", "https://x/3"]);
  });

  test("sorting returns a new list and leaves the given one alone", () => {
    const before = [...rows];
    const result = sortRows(rows, { column: "endpoint", direction: "ascending" }, words);
    expect(result).not.toBe(rows);
    expect(rows).toEqual(before);
  });
});

test("unknown keys compare after known ones in both directions", () => {
  expect(compareKeys(undefined, [1], "ascending")).toBeGreaterThan(0);
  expect(compareKeys(undefined, [1], "descending")).toBeGreaterThan(0);
  expect(compareKeys([1], undefined, "descending")).toBeLessThan(0);
  expect(compareKeys(undefined, undefined, "ascending")).toBe(0);
  expect(compareKeys([Number.NEGATIVE_INFINITY], [0], "ascending")).toBeLessThan(0);
});
