/**
 * Nothing the page renders reads "undefined", "NaN", "Invalid Date" or "[object Object]": every seeded
 * subscription, its panel and each history entry's details, in both views, also with the shapes the
 * service sends and the stand-in need not (no status, identities with only an id, withheld details).
 */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub } from "./support/renderHub";

const PLACEHOLDERS = /undefined|NaN|Invalid Date|\[object Object\]/;

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

/** Opens every row's panel and every history entry in it, checking the text at each step. */
async function visitEverything(user: User, view: string): Promise<number> {
  await user.click(within(screen.getByRole("columnheader", { name: "Last delivery / success rate" })).getByText("Last delivery / success rate"));
  await healthLoaded();
  expectNoPlaceholders(`${view}: the table`);
  let entriesOpened = 0;
  for (let index = 0; index < dataRows().length; index++) {
    await user.click(within(dataRows()[index]).getByRole("button", { name: /^Details of/ }));
    const panel = await screen.findByRole("dialog", { name: / subscription$/ });
    const history = within(panel).getByRole("region", { name: "Notification history" });
    await waitFor(() => expect(within(history).queryByText("Loading history…")).not.toBeInTheDocument());
    for (const entry of within(history).queryAllByRole("button", { expanded: false })) {
      await user.click(entry);
      await waitFor(() => expect(within(history).queryByText("Loading details…")).not.toBeInTheDocument());
      expectNoPlaceholders(`${view}: ${entry.textContent}`);
      entriesOpened++;
    }
    expectNoPlaceholders(`${view}: panel of row ${index + 1}`);
    await user.click(within(panel).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: / subscription$/ })).not.toBeInTheDocument());
  }
  return entriesOpened;
}

async function visitBothViews(): Promise<number> {
  const user = userEvent.setup();
  await renderHub();
  let opened = await visitEverything(user, "Hook Relay subscriptions");
  await user.click(screen.getByRole("switch", { name: /Show every subscription/ }));
  await waitFor(() => expect(dataRows().length).toBeGreaterThan(6));
  opened += await visitEverything(user, "every subscription");
  return opened;
}

test("the seeded project, as the stand-in answers", async () => {
  expect(await visitBothViews()).toBeGreaterThan(10);
});

test("with the shapes Azure DevOps may send: no status, identities with only an id, details withheld", async () => {
  devhost.rewrite(
    (call) => /SubscriptionsQuery$/i.test(call.url),
    (body) => {
      const answer = body as { results: Record<string, unknown>[] };
      for (const s of answer.results) {
        if (s.status === 0) delete s.status;
        s.lastProbationRetryDate ??= "/Date(-62135596800000)/";
        s.createdBy = { id: (s.createdBy as { id: string }).id };
        s.modifiedBy = { id: (s.modifiedBy as { id: string }).id };
      }
      return answer;
    },
  );
  devhost.rewrite(
    (call) => /Notifications\/\d+$/i.test(call.url),
    (body) => {
      const { event, request, response, ...details } = (body as { details: Record<string, unknown> }).details;
      return { ...(body as object), details };
    },
  );
  expect(await visitBothViews()).toBeGreaterThan(10);
  expect(screen.getAllByText(/Unknown user/).length).toBeGreaterThan(0);
});
