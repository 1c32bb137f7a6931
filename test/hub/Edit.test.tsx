import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SubscriptionStatus } from "azure-devops-extension-api/ServiceHooks";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { openDetails, renderHub, rowWith } from "./support/renderHub";
import { RETYPE_TOKEN, TOKEN_FOLLOWS_URL } from "../../src/hub/edit/editSubscription";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

const STORED_TOKEN = "seeded-token-0123456789abcdef";

async function openEdit(rowText: string) {
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails(rowText);
  await user.click(within(panel).getByRole("button", { name: "Edit subscription" }));
  const dialog = await screen.findByRole("dialog", { name: /^Edit .* subscription$/ });
  return { user, dialog };
}

test("Edit changes the branch and detail choice with a PUT of the whole subscription; the untouched token goes back masked and stays", async () => {
  const subscription = seededSubscription(devhost, "/hooks/fiber");
  const { user, dialog } = await openEdit("hooks/fiber");
  expect(within(dialog).getByLabelText(/^Endpoint URL/)).toHaveValue(subscription.consumerInputs.url);
  expect(within(dialog).getByLabelText(/^Token/)).toHaveValue("");
  expect(within(dialog).getByLabelText("Token")).toBeInTheDocument();
  expect(within(dialog).getByLabelText("Branch")).toHaveValue("main");
  await user.clear(within(dialog).getByLabelText("Branch"));
  await user.type(within(dialog).getByLabelText("Branch"), "release");
  await user.selectOptions(within(dialog).getByLabelText("Resource details to send"), "minimal");
  await user.click(within(dialog).getByRole("button", { name: "Save" }));

  await screen.findByText("Code pushed subscription saved.");
  const [put] = callsTo(devhost, "PUT", /_apis\/hooks\/Subscriptions\/[^/]+$/i);
  const body = JSON.parse(put.body ?? "{}");
  expect(body).toMatchObject({ id: subscription.id, status: SubscriptionStatus.Enabled, publisherId: "tfs", eventType: "git.push", consumerActionId: "deliver" });
  expect(body.consumerInputs).toMatchObject({ url: subscription.consumerInputs.url, token: "********", resourceDetailsToSend: "minimal" });
  expect(body.publisherInputs).toMatchObject({ projectId: subscription.publisherInputs.projectId, repository: subscription.publisherInputs.repository, branch: "release" });
  const stored = devhost.state.subscription(subscription.id)!;
  expect(stored.consumerInputs).toMatchObject({ token: STORED_TOKEN, resourceDetailsToSend: "minimal" });
  expect(stored.publisherInputs.branch).toBe("release");
});

test("a new URL makes the token required again and says why; nothing is sent until it is typed, then it goes with the URL", async () => {
  const subscription = seededSubscription(devhost, "/hooks/fiber");
  const { user, dialog } = await openEdit("hooks/fiber");
  const url = within(dialog).getByLabelText(/^Endpoint URL/);
  await user.clear(url);
  await user.type(url, "https://hooks2.example.com/hooks/team");
  const token = within(dialog).getByLabelText("Token (required)");
  expect(token).toHaveAccessibleDescription(TOKEN_FOLLOWS_URL);
  await user.click(within(dialog).getByRole("button", { name: "Save" }));
  expect(await within(dialog).findByText(RETYPE_TOKEN)).toBeInTheDocument();
  expect(callsTo(devhost, "PUT", /Subscriptions/i)).toHaveLength(0);

  await user.type(token, "new-address-token-0123456789");
  await user.click(within(dialog).getByRole("button", { name: "Save" }));
  await screen.findByText("Code pushed subscription saved.");
  const [put] = callsTo(devhost, "PUT", /_apis\/hooks\/Subscriptions\/[^/]+$/i);
  expect(JSON.parse(put.body ?? "{}").consumerInputs).toMatchObject({ url: "https://hooks2.example.com/hooks/team", token: "new-address-token-0123456789" });
  expect(devhost.state.subscription(subscription.id)!.consumerInputs).toMatchObject({ url: "https://hooks2.example.com/hooks/team", token: "new-address-token-0123456789" });
  await waitFor(() => expect(rowWith("hooks2.example.com")).toBeInTheDocument());
  expect(screen.queryByText(/new-address-token/)).not.toBeInTheDocument();
});

test("a typed token replaces the stored one and is never shown again", async () => {
  const subscription = seededSubscription(devhost, "/hooks/reviews");
  const { user, dialog } = await openEdit("hooks/reviews");
  await user.type(within(dialog).getByLabelText(/^Token/), "rotated-token-0123456789");
  await user.click(within(dialog).getByRole("button", { name: "Save" }));
  await screen.findByText("Pull request created subscription saved.");
  expect(devhost.state.subscription(subscription.id)?.consumerInputs.token).toBe("rotated-token-0123456789");
  expect(screen.queryByText(/rotated-token/)).not.toBeInTheDocument();
});

test("a value the form refuses is not sent; Azure DevOps's refusal is shown in the dialog", async () => {
  const { user, dialog } = await openEdit("hooks/fiber");
  await user.type(within(dialog).getByLabelText(/^Token/), "short");
  await user.click(within(dialog).getByRole("button", { name: "Save" }));
  expect(await within(dialog).findByText(/at least 16 characters/)).toBeInTheDocument();
  expect(callsTo(devhost, "PUT", /Subscriptions/i)).toHaveLength(0);

  devhost.failWith((call) => call.method === "PUT", 400, "The consumer input 'url' is invalid.");
  await user.clear(within(dialog).getByLabelText(/^Token/));
  await user.click(within(dialog).getByRole("button", { name: "Save" }));
  expect(await within(dialog).findByText(/The consumer input 'url' is invalid\./)).toBeInTheDocument();
});

test("the details panel of a subscription on probation says since when as far as Azure DevOps tells, and points to reconciliation", async () => {
  await renderHub();
  const panel = await openDetails("hooks/payments");
  const dropped = within(panel).getByRole("region", { name: "Dropped events" });
  expect(dropped).toHaveTextContent(/On probation since .* at the latest: the last probation date Azure DevOps gives; it does not record when probation began\./);
  expect(dropped).toHaveTextContent("Azure DevOps dropped every event raised while it is on probation");
  expect(within(dropped).getByRole("link", { name: /Reconciliation/ })).toHaveAttribute("href", "https://github.com/hookrelay/hook-relay#reconciliation");
});
