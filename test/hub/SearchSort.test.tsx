import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HooksService } from "../../src/hub/services/HooksService";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub } from "./support/renderHub";

let devhost: Devhost;
afterEach(async () => {
  jest.restoreAllMocks();
  await devhost.close();
});

/** The endpoint path of each data row on screen, top to bottom: "fiber", "reviews", … (the status cell that follows starts upper-case). */
function shownEndpoints(): string[] {
  return dataRows().map((row) => /hooks\/(bulk-\d+|[a-z]+)/.exec(row.textContent ?? "")?.[1] ?? "?");
}

const filterBox = () => screen.getByRole("searchbox", { name: "Filter subscriptions by keyword" });
const header = (name: string) => screen.getByRole("columnheader", { name });
/** Clicks a header's label, as a pointer does: ColumnSorting ignores clicks on the header cell's own padding. */
const sortBy = (user: ReturnType<typeof userEvent.setup>, name: string) => user.click(within(header(name)).getByText(name));

/** Moves a seeded subscription's delivery history `hours` into the past. */
function ageHistory(fragment: string, hours: number): void {
  const { id } = seededSubscription(devhost, fragment);
  for (const notification of devhost.state.notificationsOf(id)) {
    notification.createdDate = new Date(Date.parse(notification.createdDate) - hours * 3_600_000).toISOString();
  }
}

describe("the seeded project", () => {
  beforeEach(() => {
    devhost = startDevhost();
  });

  test("a keyword narrows the rows to those showing it, whatever the case, and says how many match", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    expect(screen.queryByText(/ of 7 subscriptions/)).not.toBeInTheDocument();

    await user.type(filterBox(), "PAYMENTS-api");
    expect(shownEndpoints()).toEqual(["payments"]);
    expect(screen.getByText("1 of 7 subscriptions")).toBeInTheDocument();

    await user.clear(filterBox());
    await user.type(filterBox(), "chuck");
    expect(shownEndpoints()).toEqual(["reviews"]);

    await user.clear(filterBox());
    await user.type(filterBox(), "disabled");
    expect(shownEndpoints()).toEqual(["comments", "infra", "legacy"]);
    expect(screen.getByText("3 of 7 subscriptions")).toBeInTheDocument();

    // Every word must appear, in any field: the event and a repository from the filters.
    await user.clear(filterBox());
    await user.type(filterBox(), "code pushed   infrastructure");
    expect(shownEndpoints()).toEqual(["infra"]);

    await user.clear(filterBox());
    await user.type(filterBox(), "Branch: main");
    expect(shownEndpoints()).toEqual(["fiber"]);
  });

  test("the clear button and Escape bring every row back", async () => {
    const user = userEvent.setup();
    await renderHub();
    await user.type(filterBox(), "legacy");
    expect(shownEndpoints()).toEqual(["legacy"]);
    await user.click(screen.getByRole("button", { name: "Clear keyword filter" }));
    expect(filterBox()).toHaveValue("");
    expect(dataRows()).toHaveLength(7);
    expect(screen.queryByText(/of 7 subscriptions/)).not.toBeInTheDocument();

    await user.type(filterBox(), "reviews{Escape}");
    expect(filterBox()).toHaveValue("");
    expect(dataRows()).toHaveLength(7);
  });

  test("nothing matching shows an empty state whose Clear filter restores the table; inputs that are not shown are not searched", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    // The stand-in masks the token as Azure DevOps does ("********"); had the filter searched it, every row would match.
    for (const hidden of ["****", "seeded-token", "tfsSubscriptionId", "c12d0eb8"]) {
      await user.clear(filterBox());
      await user.type(filterBox(), hidden);
      expect(screen.queryByRole("grid", { name: "Hook Relay subscriptions" })).not.toBeInTheDocument();
      expect(screen.getByText(`No subscriptions match "${hidden}"`)).toBeInTheDocument();
      expect(screen.getByText("0 of 7 subscriptions")).toBeInTheDocument();
    }
    await user.click(screen.getByRole("button", { name: "Clear filter" }));
    expect(filterBox()).toHaveValue("");
    await waitFor(() => expect(dataRows()).toHaveLength(7));
    expect(screen.queryByText(/No subscriptions match/)).not.toBeInTheDocument();
  });

  test("filtering happens in the page: typing asks Azure DevOps nothing", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    const before = devhost.requests.length;
    await user.type(filterBox(), "fiber");
    await user.clear(filterBox());
    await sortBy(user, "Endpoint");
    expect(devhost.requests).toHaveLength(before);
  });

  test("a header click sorts ascending, a second descending, and the header shows which", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    expect(shownEndpoints()).toEqual(["fiber", "reviews", "payments", "comments", "infra", "legacy", "archive"]);
    expect(screen.getAllByRole("columnheader").filter((th) => th.hasAttribute("aria-sort"))).toEqual([]);

    await sortBy(user, "Endpoint");
    expect(header("Endpoint")).toHaveAttribute("aria-sort", "ascending");
    expect(header("Endpoint").querySelector(".bolt-table-header-sort-icon")).toHaveClass("ms-Icon--SortUp");
    expect(shownEndpoints()).toEqual(["archive", "comments", "fiber", "infra", "legacy", "payments", "reviews"]);

    await sortBy(user, "Endpoint");
    expect(header("Endpoint")).toHaveAttribute("aria-sort", "descending");
    expect(header("Endpoint").querySelector(".bolt-table-header-sort-icon")).toHaveClass("ms-Icon--SortDown");
    expect(shownEndpoints()).toEqual(["reviews", "payments", "legacy", "infra", "fiber", "comments", "archive"]);

    await sortBy(user, "Status");
    expect(header("Endpoint")).not.toHaveAttribute("aria-sort");
    expect(header("Status")).toHaveAttribute("aria-sort", "ascending");
    // Healthy to broken; the three enabled ones keep the order they were listed in.
    expect(shownEndpoints()).toEqual(["fiber", "reviews", "archive", "payments", "comments", "infra", "legacy"]);
  });

  test("event and modified sort by what their first line shows", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    await sortBy(user, "Event and filters");
    // Code pushed (by repository name), Pull request comment…, created (by repository name), merge attempted, updated.
    expect(shownEndpoints()).toEqual(["fiber", "infra", "comments", "archive", "reviews", "payments", "legacy"]);

    await sortBy(user, "Modified / created by");
    await sortBy(user, "Modified / created by");
    expect(header("Modified / created by")).toHaveAttribute("aria-sort", "descending");
    // archive was last changed 400 days ago, fiber 30, reviews 21; the other four two days ago.
    expect(shownEndpoints().slice(-3)).toEqual(["reviews", "fiber", "archive"]);
  });

  test("last delivery sorts by the newest delivery; never delivered counts as oldest", async () => {
    ageHistory("hooks/payments", 24);
    ageHistory("hooks/infra", 48);
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    await sortBy(user, "Last delivery / success rate");
    expect(shownEndpoints()).toEqual(["reviews", "comments", "legacy", "archive", "infra", "payments", "fiber"]);
    await sortBy(user, "Last delivery / success rate");
    expect(shownEndpoints()).toEqual(["fiber", "payments", "infra", "reviews", "comments", "legacy", "archive"]);
  });

  test("the sort holds while filtering, and the filter while sorting", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    await sortBy(user, "Endpoint");
    await sortBy(user, "Endpoint");
    await user.type(filterBox(), "enabled");
    expect(shownEndpoints()).toEqual(["reviews", "fiber", "archive"]);
    await sortBy(user, "Endpoint");
    expect(shownEndpoints()).toEqual(["archive", "fiber", "reviews"]);
    expect(screen.getByText("3 of 7 subscriptions")).toBeInTheDocument();
  });

  test("the filter also applies to every subscription of the project", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    await user.type(filterBox(), "webhooks");
    expect(screen.getByText(/No subscriptions match/)).toBeInTheDocument();
    await user.click(screen.getByRole("switch", { name: /Show every subscription/ }));
    await waitFor(() => expect(shownEndpoints()).toEqual(["ci"]));
    expect(screen.getByText("1 of 8 subscriptions")).toBeInTheDocument();
  });
});

describe("rows whose delivery health is still loading", () => {
  beforeEach(() => {
    devhost = startDevhost({ extraSubscriptions: 60 });
  });

  test("sort last in both directions", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const original = HooksService.prototype.deliveryHealth;
    let batches = 0;
    jest.spyOn(HooksService.prototype, "deliveryHealth").mockImplementation(async function (this: HooksService, ids: string[]) {
      // The first batch is the rows on screen (the seven seeded ones, bulk-0, bulk-1 …); every later one is held.
      if (++batches > 1) await held;
      return original.call(this, ids);
    });
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    expect(shownEndpoints()).toContain("bulk-5");
    expect(shownEndpoints()).not.toContain("bulk-50");
    // The filter brings bulk-50 … bulk-59 onto the screen: their health is asked for and held.
    await user.click(filterBox());
    await user.paste("hooks/bulk-5");
    await waitFor(() => expect(batches).toBe(2));
    const stillLoading = () => dataRows().map((row) => row.textContent?.includes("Loading…"));
    const loadedFirst = [false, ...Array<boolean>(10).fill(true)];
    expect(stillLoading()).toEqual(loadedFirst);

    for (const direction of ["ascending", "descending"]) {
      await sortBy(user, "Last delivery / success rate");
      expect(header("Last delivery / success rate")).toHaveAttribute("aria-sort", direction);
      expect(shownEndpoints()[0]).toBe("bulk-5");
      expect(stillLoading()).toEqual(loadedFirst);
    }

    release();
    await healthLoaded();
    expect(shownEndpoints()).toHaveLength(11);
    // The rows on screen, those the filter brought, then (for the sort) all the others: each subscription once.
    const asked = callsTo(devhost, "POST", /NotificationsQuery$/i).flatMap((call) => JSON.parse(call.body ?? "{}").subscriptionIds as string[]);
    expect(asked).toHaveLength(67);
    expect(new Set(asked).size).toBe(67);
  });
});

describe("1,000 subscriptions", () => {
  beforeEach(() => {
    devhost = startDevhost({ extraSubscriptions: 1000 });
  });

  test("filter and sort the whole list, while the table keeps only visible rows in the DOM", async () => {
    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    const table = () => screen.getByRole("grid", { name: "Hook Relay subscriptions" });
    await user.type(filterBox(), "bulk-99");
    // bulk-99 and bulk-990 … bulk-999.
    expect(screen.getByText("11 of 1007 subscriptions")).toBeInTheDocument();
    expect(table()).toHaveAttribute("aria-rowcount", String(11 + 1));

    await sortBy(user, "Endpoint");
    await sortBy(user, "Endpoint");
    expect(shownEndpoints()).toEqual(["bulk-999", "bulk-998", "bulk-997", "bulk-996", "bulk-995", "bulk-994", "bulk-993", "bulk-992", "bulk-991", "bulk-990", "bulk-99"]);

    await user.clear(filterBox());
    expect(table()).toHaveAttribute("aria-rowcount", String(1007 + 1));
    expect(dataRows().length).toBeLessThan(200);
    expect(within(table()).getAllByRole("row")[1]).toHaveTextContent("hooks/reviews");
  });
});
