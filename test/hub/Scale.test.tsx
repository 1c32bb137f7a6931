import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HEALTH_BATCH_SIZE } from "../../src/hub/services/HooksService";
import { callsTo, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub } from "./support/renderHub";

let devhost: Devhost;
afterEach(() => devhost.close());

/** The subscription ids of each NotificationsQuery the page sent, in order. */
function healthQueries(): string[][] {
  return callsTo(devhost, "POST", /NotificationsQuery$/i).map((call) => JSON.parse(call.body ?? "{}").subscriptionIds as string[]);
}

/** The subscription id of each row on screen, from its Details button. */
function shownIds(): string[] {
  return dataRows().map((row) => /([0-9a-f-]{36})$/.exec(within(row).getByRole("button", { name: /^Details of/ }).getAttribute("aria-label") ?? "")?.[1] ?? "?");
}

const filterBox = () => screen.getByRole("searchbox", { name: "Filter subscriptions by keyword" });

test("1,000 subscriptions cost one NotificationsQuery, for the rows on screen only, as 50 would", async () => {
  devhost = startDevhost({ extraSubscriptions: 1000 });
  await renderHub();
  await healthLoaded();
  const table = screen.getByRole("grid", { name: "Hook Relay subscriptions" });
  expect(table).toHaveAttribute("aria-rowcount", String(1007 + 1));
  const onScreen = shownIds();
  expect(onScreen.length).toBeLessThanOrEqual(HEALTH_BATCH_SIZE);
  expect(healthQueries()).toEqual([onScreen]);
  expect(callsTo(devhost, "GET", /Notifications/i)).toHaveLength(0);
});

test("rows coming onto the screen load their health once, in one request", async () => {
  devhost = startDevhost({ extraSubscriptions: 1000 });
  const user = userEvent.setup();
  await renderHub();
  await healthLoaded();
  const first = shownIds();
  // At once, as a paste: typing would put the rows of "hooks/bulk-9" on screen on the way.
  await user.click(filterBox());
  await user.paste("hooks/bulk-99");
  await healthLoaded();
  // bulk-99 and bulk-990 … bulk-999, none of which was on screen before.
  const appeared = shownIds();
  expect(appeared).toHaveLength(11);
  expect(healthQueries()).toEqual([first, appeared]);
  await user.clear(filterBox());
  await healthLoaded();
  expect(healthQueries()).toHaveLength(2);
});

test("sorting by last delivery loads every row's health, in batches, each subscription once", async () => {
  devhost = startDevhost({ extraSubscriptions: 1000 });
  const user = userEvent.setup();
  await renderHub();
  await healthLoaded();
  const header = screen.getByRole("columnheader", { name: "Last delivery / success rate" });
  await user.click(within(header).getByText("Last delivery / success rate"));
  await healthLoaded();
  const queries = healthQueries();
  const asked = queries.flat();
  expect(new Set(asked).size).toBe(1007);
  expect(asked).toHaveLength(1007);
  expect(queries.every((ids) => ids.length <= HEALTH_BATCH_SIZE)).toBe(true);
  expect(queries).toHaveLength(1 + Math.ceil((1007 - queries[0].length) / HEALTH_BATCH_SIZE));
});
