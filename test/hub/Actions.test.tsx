import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
import { READER } from "../../src/devhost/core/seed";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, openDetails, renderHub, rowWith } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

function statusOf(row: HTMLElement): string | null | undefined {
  return row.querySelector(".hr-status")?.textContent;
}

/** Opens the details of the row delivering to `path`, presses Test, and gives the test's result. */
async function testFromDetails(path: string): Promise<HTMLElement> {
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails(path);
  await user.click(within(panel).getByRole("button", { name: "Send a test event" }));
  return within(panel).getByRole("status", { name: "Test result" });
}

describe("Test", () => {
  test("shows pending, then delivered with the status code and the time taken when Azure DevOps recorded one", async () => {
    const subscription = seededSubscription(devhost, "/hooks/fiber");
    // The receiver answers only once the pending state was seen.
    let answer!: (status: number) => void;
    devhost.receivers.set(subscription.consumerInputs.url, new Promise((resolve) => (answer = resolve)));
    const result = await testFromDetails("hooks/fiber");
    await waitFor(() => expect(result).toHaveTextContent(/Sending test event|Queued|Sending|Processing/));
    answer(200);
    await waitFor(() => expect(result).toHaveTextContent(/^Test delivered · HTTP 200( · \d+ ms)?$/));

    const [sent] = callsTo(devhost, "POST", /_apis\/hooks\/TestNotifications$/i);
    const body = JSON.parse(sent.body ?? "{}");
    expect(body.subscriptionId).toBe(subscription.id);
    expect(body.details).toMatchObject({ eventType: "git.push", consumerId: subscription.consumerId, consumerActionId: "deliver", publisherId: "tfs" });
    expect(body.details.consumerInputs.token).toBe("********");
    expect(callsTo(devhost, "GET", new RegExp(`subscriptions/${subscription.id}/Notifications/\\d+$`, "i")).length).toBeGreaterThan(0);
    // The row asks again for this subscription's health only, and counts the test delivery.
    await waitFor(() => expect(rowWith("hooks/fiber")).toHaveTextContent("86% of 7 succeeded"));
    expect(JSON.parse(callsTo(devhost, "POST", /NotificationsQuery$/i).at(-1)?.body ?? "{}").subscriptionIds).toEqual([subscription.id]);
  });

  test("shows a failed delivery with the status code and Azure DevOps's error", async () => {
    const subscription = seededSubscription(devhost, "/hooks/payments");
    devhost.receivers.set(subscription.consumerInputs.url, 500);
    const result = await testFromDetails("hooks/payments");
    await waitFor(() => expect(result).toHaveTextContent("Test failed · HTTP 500"));
    expect(result).toHaveTextContent("Response status code does not indicate success: 500");
  });

  test("without diagnostics rights the response is withheld: the result shows without a status code, not as no response", async () => {
    await devhost.close();
    devhost = startDevhost({ userId: READER.id });
    const subscription = seededSubscription(devhost, "/hooks/fiber");
    devhost.receivers.set(subscription.consumerInputs.url, 200);
    const result = await testFromDetails("hooks/fiber");
    await waitFor(() => expect(result).toHaveTextContent(/^Test delivered( · \d+ ms)?$/));
  });

  test("shows an unreachable endpoint as failed without a response", async () => {
    const result = await testFromDetails("hooks/reviews");
    await waitFor(() => expect(result).toHaveTextContent("Test failed · no response"));
    expect(result).toHaveTextContent("An error occurred while sending the request.");
  });
});

test("Enable sends a PUT with status enabled and updates the pill", async () => {
  const subscription = seededSubscription(devhost, "/hooks/comments");
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/comments");
  await user.click(within(panel).getByRole("button", { name: "Enable subscription" }));
  await waitFor(() => expect(statusOf(rowWith("hooks/comments"))).toBe("Enabled"));
  const [put] = callsTo(devhost, "PUT", /_apis\/hooks\/Subscriptions\/[^/]+$/i);
  expect(put.url).toMatch(new RegExp(`/_apis/hooks/Subscriptions/${subscription.id}$`));
  expect(JSON.parse(put.body ?? "{}")).toMatchObject({ id: subscription.id, status: SubscriptionStatus.Enabled, consumerInputs: { token: "********" } });
  expect(devhost.state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.Enabled);
  // The masked token in the PUT did not overwrite the stored one.
  expect(devhost.state.subscription(subscription.id)?.consumerInputs.token).toBe("seeded-token-0123456789abcdef");
  expect(await screen.findByText("Pull request commented on subscription enabled.")).toBeInTheDocument();
});

test("Disable sends a PUT with status disabledByUser", async () => {
  const subscription = seededSubscription(devhost, "/hooks/fiber");
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/fiber");
  await user.click(within(panel).getByRole("button", { name: "Disable subscription" }));
  await waitFor(() => expect(statusOf(rowWith("hooks/fiber"))).toBe("Disabled by user"));
  const [put] = callsTo(devhost, "PUT", /_apis\/hooks\/Subscriptions\//i);
  expect(JSON.parse(put.body ?? "{}").status).toBe(SubscriptionStatus.DisabledByUser);
  expect(devhost.state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.DisabledByUser);
});

test("Delete asks for confirmation, then sends DELETE and removes the row", async () => {
  const subscription = seededSubscription(devhost, "/hooks/legacy");
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/legacy");
  await user.click(within(panel).getByRole("button", { name: "Delete subscription" }));
  const confirm = await screen.findByRole("dialog", { name: "Delete subscription?" });
  expect(callsTo(devhost, "DELETE", /Subscriptions/i)).toHaveLength(0);
  await user.click(within(confirm).getByRole("button", { name: "Delete" }));
  await waitFor(() => expect(dataRows()).toHaveLength(6));
  const [sent] = callsTo(devhost, "DELETE", /Subscriptions/i);
  expect(sent.url).toMatch(new RegExp(`/_apis/hooks/Subscriptions/${subscription.id}$`));
  expect(devhost.state.subscription(subscription.id)).toBeUndefined();
});

test("Re-enable all lists the failed subscriptions, then re-enables exactly those", async () => {
  const user = userEvent.setup();
  await renderHub();
  await healthLoaded();
  await user.click(screen.getByRole("menuitem", { name: "Re-enable all" }));
  const confirm = await screen.findByRole("dialog", { name: "Re-enable 3 subscriptions?" });
  const listed = within(within(confirm).getByRole("list", { name: "Subscriptions to re-enable" })).getAllByRole("listitem");
  expect(listed.map((item) => item.textContent)).toEqual([
    "Pull request merge attempted — Repository: payments-api — On probation",
    "Code pushed — Repository: infrastructure — Disabled by system",
    "Pull request updated — Any repository, any branch — Disabled: inactive owner",
  ]);
  await user.click(within(confirm).getByRole("button", { name: "Re-enable" }));
  await screen.findByText("Re-enabled 3 of 3 subscriptions.");
  const puts = callsTo(devhost, "PUT", /_apis\/hooks\/Subscriptions\//i).map((call) => JSON.parse(call.body ?? "{}"));
  expect(puts.map((body) => body.id).sort()).toEqual(
    ["/hooks/payments", "/hooks/infra", "/hooks/legacy"].map((url) => seededSubscription(devhost, url).id).sort(),
  );
  expect(puts.every((body) => body.status === SubscriptionStatus.Enabled)).toBe(true);
  expect(dataRows().map(statusOf)).toEqual(["Enabled", "Enabled", "Enabled", "Disabled by user", "Enabled", "Enabled", "Enabled"]);
  expect(screen.getByRole("menuitem", { name: "Re-enable all" })).toHaveAttribute("aria-disabled", "true");
});

describe("errors Azure DevOps returns for a change appear in the panel, in words", () => {
  const isPut = (call: { method: string; url: string }) => call.method === "PUT" && /_apis\/hooks\/Subscriptions\//i.test(call.url);

  test("the cloud's refusal of a loopback URL, as the stand-in answers it", async () => {
    await devhost.close();
    devhost = startDevhost({ blockLocalDelivery: true });
    const user = userEvent.setup();
    await renderHub();
    const panel = await openDetails("hooks/comments");
    await user.click(within(panel).getByRole("button", { name: "Enable subscription" }));
    const alert = await within(panel).findByRole("alert");
    expect(alert).toHaveTextContent("Azure DevOps refused the change");
    expect(alert).toHaveTextContent("The URL 'https://localhost:8443/hooks/comments' of consumer input 'Endpoint URL' resolves to");
    expect(alert).toHaveTextContent("a private, loopback or link-local address that Azure DevOps does not deliver to.");
  });

  test("400 with a message: what was refused and why", async () => {
    devhost.failWith(isPut, 400, "The value of input 'url' resolves to a private or loopback address, which Azure DevOps Services does not deliver to.");
    const user = userEvent.setup();
    await renderHub();
    const panel = await openDetails("hooks/comments");
    await user.click(within(panel).getByRole("button", { name: "Enable subscription" }));
    const alert = await within(panel).findByRole("alert");
    expect(alert).toHaveTextContent("Azure DevOps refused the change");
    expect(alert).toHaveTextContent("resolves to a private or loopback address");
    expect(statusOf(rowWith("hooks/comments"))).toBe("Disabled by user");
  });

  test("403 for a permission names the permission; 403 for a scope says the extension may not do it", async () => {
    let scope = false;
    devhost.failWith((call) => isPut(call) && !scope, 403, "TF400813: The user is not authorized to access this resource.");
    devhost.failWith((call) => isPut(call) && scope, 403, "The access token does not have the required scope vso.build for this event type.");
    const user = userEvent.setup();
    await renderHub();
    const panel = await openDetails("hooks/fiber");
    await user.click(within(panel).getByRole("button", { name: "Disable subscription" }));
    expect(await within(panel).findByRole("alert")).toHaveTextContent('You need the "Edit subscriptions" permission');
    expect(within(panel).getByRole("alert")).toHaveTextContent("Azure DevOps said: TF400813");

    scope = true;
    await user.click(within(panel).getByRole("button", { name: "Disable subscription" }));
    await waitFor(() => expect(within(panel).getByRole("alert")).toHaveTextContent("Hook Relay is not allowed to do this"));
    expect(within(panel).getByRole("alert")).toHaveTextContent("The extension's access (vso.code) does not cover this kind of subscription");
    // Closing the panel takes its error along; it does not reappear on the page.
    await user.click(within(panel).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: / subscription$/ })).not.toBeInTheDocument());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
