/**
 * Nothing the page renders reads "undefined", "NaN", "Invalid Date" or "[object Object]": every seeded
 * subscription, its panel and each history entry's details, in both views, as an administrator and as
 * a contributor whose details Azure DevOps withholds, also when subscriptions leave out their status.
 */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { READER } from "../../src/devhost/core/seed";
import { omitEnabledStatus, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub } from "./support/renderHub";

const PLACEHOLDERS = /undefined|NaN|Invalid Date|\[object Object\]/;

/** Each test opens every seeded row and history entry in two views: about 25 s on a busy 2-core machine. */
const VISIT_EVERYTHING_MS = 120_000;

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

type User = ReturnType<typeof userEvent.setup>;

function expectNoPlaceholders(where: string): void {
  const labels = [...document.querySelectorAll("[aria-label], [title], [placeholder]")].flatMap((e) =>
    ["aria-label", "title", "placeholder"].map((name) => e.getAttribute(name) ?? ""),
  );
  const text = [document.body.textContent ?? "", ...labels].join("\n");
  const found = PLACEHOLDERS.exec(text);
  if (found) throw new Error(`${where} shows "${found[0]}" in: …${text.slice(Math.max(0, found.index - 120), found.index + 40)}…`);
}

interface Visited {
  entries: number;
  /** Entries whose details Azure DevOps withheld. */
  withheld: number;
}

/** Opens every row's panel and every history entry in it, checking the text at each step. */
async function visitEverything(user: User, view: string): Promise<Visited> {
  await user.click(within(screen.getByRole("columnheader", { name: "Last delivery / success rate" })).getByText("Last delivery / success rate"));
  await healthLoaded();
  expectNoPlaceholders(`${view}: the table`);
  const visited: Visited = { entries: 0, withheld: 0 };
  for (let index = 0; index < dataRows().length; index++) {
    await user.click(within(dataRows()[index]).getByRole("button", { name: /^Details of/ }));
    const panel = await screen.findByRole("dialog", { name: / subscription$/ });
    const history = within(panel).getByRole("region", { name: "Notification history" });
    await waitFor(() => expect(within(history).queryByText("Loading history…")).not.toBeInTheDocument());
    for (const entry of within(history).queryAllByRole("button", { expanded: false })) {
      await user.click(entry);
      await waitFor(() => expect(within(history).queryByText("Loading details…")).not.toBeInTheDocument());
      expectNoPlaceholders(`${view}: ${entry.textContent}`);
      visited.entries++;
      if (within(history).queryByText(/^Azure DevOps withheld the request/)) visited.withheld++;
    }
    expectNoPlaceholders(`${view}: panel of row ${index + 1}`);
    await user.click(within(panel).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: / subscription$/ })).not.toBeInTheDocument());
  }
  return visited;
}

async function visitBothViews(): Promise<Visited> {
  const user = userEvent.setup();
  await renderHub();
  const ours = await visitEverything(user, "Hook Relay subscriptions");
  await user.click(screen.getByRole("switch", { name: /Show every subscription/ }));
  await waitFor(() => expect(dataRows().length).toBeGreaterThan(7));
  const all = await visitEverything(user, "every subscription");
  return { entries: ours.entries + all.entries, withheld: ours.withheld + all.withheld };
}

test("the seeded project, as the stand-in answers", async () => {
  const visited = await visitBothViews();
  expect(visited.entries).toBeGreaterThan(10);
  expect(visited.withheld).toBe(0);
}, VISIT_EVERYTHING_MS);

test("signed in without diagnostics rights, and with subscriptions that leave out their status", async () => {
  await devhost.close();
  devhost = startDevhost({ userId: READER.id });
  omitEnabledStatus(devhost);
  const visited = await visitBothViews();
  expect(visited.entries).toBeGreaterThan(10);
  expect(visited.withheld).toBe(visited.entries);
}, VISIT_EVERYTHING_MS);
