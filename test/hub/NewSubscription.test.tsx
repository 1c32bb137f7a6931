import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CONSUMER_ID } from "../../src/contract";
import { SEED_PROJECT } from "../../src/devhost/core/seed";
import { callsTo, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, openNewSubscription, renderHub, rowWith } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

async function openForm(user: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  await renderHub();
  return openNewSubscription(user);
}

test("shows the manifest's validation messages and posts nothing until they are fixed", async () => {
  const user = userEvent.setup();
  const dialog = await openForm(user);
  await user.click(within(dialog).getByRole("button", { name: "Create" }));
  expect(within(dialog).getByText("Endpoint URL is required.")).toBeInTheDocument();
  expect(within(dialog).getByText("Token is required.")).toBeInTheDocument();
  expect(within(dialog).getByLabelText("Endpoint URL (required)")).toHaveAttribute("aria-invalid", "true");

  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "http://hooks.example.com/hooks");
  await user.type(within(dialog).getByLabelText("Token (required)"), "short");
  expect(within(dialog).getByText("Azure DevOps delivers only to https:// addresses.")).toBeInTheDocument();
  expect(within(dialog).getByText(/at least 16 characters, no spaces or colons/)).toBeInTheDocument();
  expect(callsTo(devhost, "POST", /_apis\/hooks\/Subscriptions$/i)).toHaveLength(0);
});

test("creates a subscription with the right body, leaving empty filters out", async () => {
  const user = userEvent.setup();
  const dialog = await openForm(user);
  await user.selectOptions(within(dialog).getByLabelText("Event (required)"), "Pull request updated");
  const repository = devhost.state.data.repositories.find((r) => r.name === "payments-api");
  await user.selectOptions(within(dialog).getByLabelText("Repository"), "payments-api");
  await user.type(within(dialog).getByLabelText("Target branch"), "main");
  await user.selectOptions(within(dialog).getByLabelText("Change"), "Reviewers changed");
  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "https://hooks.example.com/hooks/payments");
  await user.type(within(dialog).getByLabelText("Token (required)"), "a-long-enough-token-123");
  await user.selectOptions(within(dialog).getByLabelText("Resource details to send"), "Minimal");
  await user.click(within(dialog).getByRole("button", { name: "Create" }));

  await waitFor(() => expect(screen.queryByRole("dialog", { name: "New subscription" })).not.toBeInTheDocument());
  const [post] = callsTo(devhost, "POST", /_apis\/hooks\/Subscriptions$/i);
  expect(JSON.parse(post.body ?? "{}")).toEqual({
    publisherId: "tfs",
    eventType: "git.pullrequest.updated",
    consumerId: CONSUMER_ID,
    consumerActionId: "deliver",
    publisherInputs: { projectId: SEED_PROJECT.id, repository: repository?.id, branch: "main", notificationType: "ReviewersUpdateNotification" },
    consumerInputs: {
      url: "https://hooks.example.com/hooks/payments",
      token: "a-long-enough-token-123",
      resourceDetailsToSend: "minimal",
      messagesToSend: "all",
      detailedMessagesToSend: "all",
    },
  });
  await waitFor(() => expect(dataRows()).toHaveLength(8));
  expect(rowWith("hooks.example.com/hooks/payments")).toHaveTextContent("Repository: payments-api; Target branch: main; Change: Reviewers changed");
  expect(screen.getByText("Pull request updated subscription created.")).toBeInTheDocument();
  expect(document.body.textContent).not.toContain("a-long-enough-token-123");
});

test("shows the server's rejection inside the form", async () => {
  devhost.failWith((call) => call.method === "POST" && /_apis\/hooks\/Subscriptions$/i.test(call.url), 403, "Jamal lacks Edit subscriptions.");
  const user = userEvent.setup();
  const dialog = await openForm(user);
  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "https://hooks.example.com/hooks");
  await user.type(within(dialog).getByLabelText("Token (required)"), "a-long-enough-token-123");
  await user.click(within(dialog).getByRole("button", { name: "Create" }));
  expect(await within(dialog).findByText('You need the "Edit subscriptions" permission')).toBeInTheDocument();
  expect(dataRows()).toHaveLength(7);
});

test("a 400 from Azure DevOps shows its message in the form, in words", async () => {
  devhost.failWith(
    (call) => call.method === "POST" && /_apis\/hooks\/Subscriptions$/i.test(call.url),
    400,
    "Subscription input 'url' is not valid: the host name could not be resolved.",
  );
  const user = userEvent.setup();
  const dialog = await openForm(user);
  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "https://hooks.example.invalid/hooks");
  await user.type(within(dialog).getByLabelText("Token (required)"), "a-long-enough-token-123");
  await user.click(within(dialog).getByRole("button", { name: "Create" }));
  const alert = await within(dialog).findByRole("alert");
  expect(alert).toHaveTextContent("Azure DevOps refused the change");
  expect(alert).toHaveTextContent("Subscription input 'url' is not valid: the host name could not be resolved.");
  expect(within(dialog).getByRole("button", { name: "Create" })).toBeEnabled();
});

test("a URL Azure DevOps Services will not deliver to is refused in the form, with the service's reason", async () => {
  await devhost.close();
  devhost = startDevhost({ blockLocalDelivery: true });
  const user = userEvent.setup();
  const dialog = await openForm(user);
  await user.type(within(dialog).getByLabelText("Endpoint URL (required)"), "https://10.0.0.7/hooks");
  await user.type(within(dialog).getByLabelText("Token (required)"), "a-long-enough-token-123");
  await user.click(within(dialog).getByRole("button", { name: "Create" }));
  const alert = await within(dialog).findByRole("alert");
  expect(alert).toHaveTextContent("Azure DevOps refused the change");
  expect(alert).toHaveTextContent("The URL 'https://10.0.0.7/hooks' of consumer input 'Endpoint URL' resolves to");
  expect(dataRows()).toHaveLength(7);
});
