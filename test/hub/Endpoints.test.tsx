import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NotificationResult, SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { renderHub } from "./support/renderHub";
import { RETYPE_TOKEN, TOKEN_FOLLOWS_URL } from "../../src/hub/edit/editSubscription";

const ENDPOINT = "https://hooks.example.com/hooks";
/** Three seeded subscriptions (enabled, enabled, on probation) made to deliver to one endpoint. */
const SHARED = ["/hooks/fiber", "/hooks/reviews", "/hooks/payments"];

let devhost: Devhost;
let ids: string[];
beforeEach(() => {
  devhost = startDevhost();
  ids = SHARED.map((fragment) => {
    const subscription = seededSubscription(devhost, fragment);
    subscription.consumerInputs.url = ENDPOINT;
    return subscription.id;
  });
});
afterEach(() => devhost.close());

function endpointRow(url: string): HTMLElement {
  const grid = screen.getByRole("grid", { name: "Endpoints" });
  const row = within(grid)
    .getAllByRole("row")
    .find((r) => within(r).queryByTitle(url));
  if (!row) throw new Error(`no row for ${url}`);
  return row;
}

async function openEndpoint() {
  const user = userEvent.setup();
  await renderHub();
  await user.click(screen.getByRole("switch", { name: "Group by endpoint" }));
  await screen.findByRole("grid", { name: "Endpoints" });
  await user.click(within(endpointRow(ENDPOINT)).getByRole("button", { name: `Manage endpoint ${ENDPOINT}` }));
  const panel = await screen.findByRole("dialog", { name: "Endpoint" });
  return { user, panel };
}

function isPutOf(subscriptionId: string) {
  return (call: { method: string; url: string }) => call.method === "PUT" && call.url.includes(subscriptionId);
}

test("one row per endpoint with its subscriptions, worst status and the success rate of all their deliveries", async () => {
  const user = userEvent.setup();
  await renderHub();
  await user.click(screen.getByRole("switch", { name: "Group by endpoint" }));
  const grid = await screen.findByRole("grid", { name: "Endpoints" });
  // The seed's five other subscriptions each have their own endpoint.
  await waitFor(() => expect(within(grid).getAllByRole("row")).toHaveLength(1 + 1 + 4));
  const row = endpointRow(ENDPOINT);
  expect(row).toHaveTextContent("3 subscriptions");
  expect(row).toHaveTextContent("Code pushed, Pull request created, Pull request merge attempted");
  expect(row.querySelector(".hr-status")).toHaveTextContent("On probation");
  const completed = devhost.state.data.notifications.filter((n) => ids.includes(n.subscriptionId) && [NotificationResult.Succeeded, NotificationResult.Failed].includes(n.result));
  const delivered = completed.filter((n) => n.result === NotificationResult.Succeeded).length;
  await waitFor(() => expect(row).toHaveTextContent(`${Math.round((delivered / completed.length) * 100)}% of ${completed.length} succeeded`));
  expect(row).toHaveTextContent("History of all 3 subscriptions");
});

test("rotating the token: one PUT per subscription, a failure shows Azure DevOps's message, and only the failed one is retried", async () => {
  const lift = devhost.failWith(isPutOf(ids[1]), 400, "The subscription is locked by another change.");
  const { user, panel } = await openEndpoint();
  const form = within(panel).getByRole("form", { name: "Change URL or token" });
  await user.type(within(form).getByLabelText("New token (required)"), "rotated-token-0123456789");
  await user.click(within(form).getByRole("button", { name: "Apply to 3 subscriptions" }));

  const progress = within(panel).getByRole("region", { name: "Progress" });
  await waitFor(() => expect(progress).toHaveTextContent("Replacing the token: 2 of 3 succeeded, 1 failed."));
  const failed = within(progress).getByRole("list", { name: "Failed" });
  expect(failed).toHaveTextContent("Pull request created");
  expect(failed).toHaveTextContent("Azure DevOps refused the change: The subscription is locked by another change.");
  expect(ids.map((id) => devhost.state.subscription(id)?.consumerInputs.token)).toEqual(["rotated-token-0123456789", "seeded-token-0123456789abcdef", "rotated-token-0123456789"]);
  const puts = callsTo(devhost, "PUT", /Subscriptions\//i).map((c) => JSON.parse(c.body ?? "{}"));
  expect(puts.map((b) => b.consumerInputs)).toEqual(ids.map(() => expect.objectContaining({ url: ENDPOINT, token: "rotated-token-0123456789" })));

  lift();
  await user.click(within(progress).getByRole("button", { name: "Retry 1 failed" }));
  await waitFor(() => expect(progress).toHaveTextContent("Replacing the token: 1 of 1 succeeded."));
  expect(callsTo(devhost, "PUT", /Subscriptions\//i).slice(3).map((c) => JSON.parse(c.body ?? "{}").id)).toEqual([ids[1]]);
  expect(ids.map((id) => devhost.state.subscription(id)?.consumerInputs.token)).toEqual(ids.map(() => "rotated-token-0123456789"));
  expect(screen.queryByText(/rotated-token/)).not.toBeInTheDocument();
});

test("a new URL needs a new token: without one the page sends nothing; with one every subscription moves with it", async () => {
  const { user, panel } = await openEndpoint();
  const form = within(panel).getByRole("form", { name: "Change URL or token" });
  const url = within(form).getByLabelText("Endpoint URL");
  const token = within(form).getByLabelText("New token (required)");
  await user.clear(url);
  await user.type(url, "https://relay.example.com/hooks");
  expect(token).toHaveAccessibleDescription(TOKEN_FOLLOWS_URL);
  await user.click(within(form).getByRole("button", { name: "Apply to 3 subscriptions" }));
  expect(await within(form).findByText(RETYPE_TOKEN)).toBeInTheDocument();
  expect(callsTo(devhost, "PUT", /Subscriptions\//i)).toHaveLength(0);

  await user.type(token, "relay-token-0123456789");
  await user.click(within(form).getByRole("button", { name: "Apply to 3 subscriptions" }));
  await waitFor(() => expect(within(panel).getByRole("region", { name: "Progress" })).toHaveTextContent("Changing the URL and token: 3 of 3 succeeded."));
  for (const id of ids) expect(devhost.state.subscription(id)?.consumerInputs).toMatchObject({ url: "https://relay.example.com/hooks", token: "relay-token-0123456789" });
  // The panel keeps the subscriptions it was opened for; the table groups them under their new URL.
  expect(within(panel).getByRole("list", { name: "Subscriptions of this endpoint" }).querySelectorAll("li")).toHaveLength(3);
  expect(endpointRow("https://relay.example.com/hooks")).toHaveTextContent("3 subscriptions");
});

test("applying with neither a new URL nor a new token asks for a token and sends nothing", async () => {
  const { user, panel } = await openEndpoint();
  const form = within(panel).getByRole("form", { name: "Change URL or token" });
  await user.click(within(form).getByRole("button", { name: "Apply to 3 subscriptions" }));
  expect(await within(form).findByText("Type a new token, or a new URL and its token.")).toBeInTheDocument();
  expect(callsTo(devhost, "PUT", /Subscriptions\//i)).toHaveLength(0);
});

test("group actions: re-enable all, disable all, and delete all after confirmation", async () => {
  const { user, panel } = await openEndpoint();
  const actions = within(panel).getByRole("group", { name: "Endpoint actions" });
  const progress = () => within(panel).getByRole("region", { name: "Progress" });
  await user.click(within(actions).getByRole("button", { name: "Re-enable all" }));
  await waitFor(() => expect(progress()).toHaveTextContent("Re-enabling: 1 of 1 succeeded."));
  expect(devhost.state.subscription(ids[2])?.status).toBe(SubscriptionStatus.Enabled);
  expect(within(actions).getByRole("button", { name: "Re-enable all" })).toHaveAttribute("aria-disabled", "true");

  await user.click(within(actions).getByRole("button", { name: "Disable all" }));
  await waitFor(() => expect(progress()).toHaveTextContent("Disabling: 3 of 3 succeeded."));
  expect(ids.map((id) => devhost.state.subscription(id)?.status)).toEqual(ids.map(() => SubscriptionStatus.DisabledByUser));
  // Disabled by a user is not a failure: re-enable all leaves those off, as the page-wide Re-enable all does.
  expect(within(actions).getByRole("button", { name: "Re-enable all" })).toHaveAttribute("aria-disabled", "true");

  await user.click(within(actions).getByRole("button", { name: "Delete all" }));
  const confirm = await screen.findByRole("dialog", { name: "Delete 3 subscriptions?" });
  expect(callsTo(devhost, "DELETE", /Subscriptions/i)).toHaveLength(0);
  await user.click(within(confirm).getByRole("button", { name: "Delete all" }));
  await within(panel).findByText("No subscription delivers to this endpoint any more.");
  expect(ids.map((id) => devhost.state.subscription(id))).toEqual([undefined, undefined, undefined]);
});

test("test all sends a test on each subscription and reports each failed delivery", async () => {
  devhost.receivers.set(ENDPOINT, 500);
  const { user, panel } = await openEndpoint();
  await user.click(within(within(panel).getByRole("group", { name: "Endpoint actions" })).getByRole("button", { name: "Test all" }));
  const progress = within(panel).getByRole("region", { name: "Progress" });
  await waitFor(() => expect(progress).toHaveTextContent("Testing: 0 of 3 succeeded, 3 failed."));
  expect(within(progress).getAllByText(/Response status code does not indicate success: 500/)).toHaveLength(3);
  expect(callsTo(devhost, "POST", /TestNotifications$/i).map((c) => JSON.parse(c.body ?? "{}").subscriptionId).sort()).toEqual([...ids].sort());
});

test("grouped, 1,000 subscriptions still cost health only for the groups on screen", async () => {
  await devhost.close();
  devhost = startDevhost({ extraSubscriptions: 1000 });
  const user = userEvent.setup();
  await renderHub();
  await waitFor(() => expect(callsTo(devhost, "POST", /NotificationsQuery$/i)).toHaveLength(1));
  await user.click(screen.getByRole("switch", { name: "Group by endpoint" }));
  const grid = await screen.findByRole("grid", { name: "Endpoints" });
  await waitFor(() => expect(grid).not.toHaveTextContent("Loading…"));
  const urlsOnScreen = new Set(Array.from(grid.querySelectorAll(".hr-endpoint-url")).map((url) => url.getAttribute("title")));
  const [rowsOnScreen, ...groupQueries] = callsTo(devhost, "POST", /NotificationsQuery$/i).map((call) => JSON.parse(call.body ?? "{}").subscriptionIds as string[]);
  const groupSubscriptions = devhost.state.data.subscriptions.filter((s) => urlsOnScreen.has(s.consumerInputs.url)).map((s) => s.id);
  // Every subscription of a group on screen was asked for (by the table before, or now), and nothing else.
  const asked = new Set([...rowsOnScreen, ...groupQueries.flat()]);
  expect(groupSubscriptions.every((id) => asked.has(id))).toBe(true);
  expect([...asked].filter((id) => !rowsOnScreen.includes(id) && !groupSubscriptions.includes(id))).toEqual([]);
  expect(new Set(groupQueries.flat()).size).toBe(groupQueries.flat().length);
  expect(urlsOnScreen.size).toBeLessThan(100);
});
