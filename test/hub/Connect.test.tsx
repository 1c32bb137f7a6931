import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CONSUMER_ID } from "../../src/contract";
import { SEED_PROJECT } from "../../src/devhost/core/seed";
import { callsTo, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, renderHub } from "./support/renderHub";

const URL_ = "https://hooks.example.com/hooks/connect";
const TOKEN = "a-long-enough-token-123";
const CREATE = /_apis\/hooks\/Subscriptions$/i;

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

type User = ReturnType<typeof userEvent.setup>;

async function openConnect(user: User): Promise<HTMLElement> {
  await renderHub();
  await user.click(screen.getByRole("menuitem", { name: "Connect an endpoint" }));
  const panel = await screen.findByRole("dialog", { name: "Connect an endpoint" });
  await user.type(within(panel).getByLabelText("Endpoint URL (required)"), URL_);
  await user.type(within(panel).getByLabelText("Token (required)"), TOKEN);
  return panel;
}

async function chooseRepositories(user: User, panel: HTMLElement, names: string[]): Promise<void> {
  await user.click(within(panel).getByRole("radio", { name: "Chosen repositories" }));
  const search = within(panel).getByLabelText("Search repositories");
  for (const name of names) {
    await user.clear(search);
    await user.type(search, name.slice(0, 4));
    await user.click(within(within(panel).getByRole("group", { name: "Repositories" })).getByRole("checkbox", { name }));
  }
}

const progress = (panel: HTMLElement) => within(panel).getByRole("status", { name: "Progress" });
const createdBodies = () => callsTo(devhost, "POST", CREATE).map((c) => JSON.parse(c.body ?? "{}"));

test("connects an endpoint to the five events of the whole project in one step", async () => {
  const user = userEvent.setup();
  const panel = await openConnect(user);
  expect(within(panel).getByRole("status", { name: "Plan" })).toHaveTextContent("5 events in the whole project = 5 subscriptions");
  await user.click(within(panel).getByRole("button", { name: "Create 5 subscriptions" }));

  await waitFor(() => expect(progress(panel)).toHaveTextContent("5 of 5 created"));
  expect(createdBodies().map((b) => b.eventType).sort()).toEqual([
    "git.pullrequest.created",
    "git.pullrequest.merged",
    "git.pullrequest.updated",
    "git.push",
    "ms.vss-code.git-pullrequest-comment-event",
  ]);
  for (const body of createdBodies()) {
    expect(body).toMatchObject({ consumerId: CONSUMER_ID, consumerActionId: "deliver", publisherInputs: { projectId: SEED_PROJECT.id } });
    expect(body.consumerInputs).toEqual({ url: URL_, token: TOKEN, resourceDetailsToSend: "all", messagesToSend: "all", detailedMessagesToSend: "all" });
  }
  await user.click(within(panel).getByRole("button", { name: "Done" }));
  await waitFor(() => expect(dataRows()).toHaveLength(12));
  expect(document.body.textContent).not.toContain(TOKEN);
});

test("shows what it will create, reports failures with Azure DevOps's words and retries only those", async () => {
  const repositories = ["fabrikam-web", "payments-api", "infrastructure"];
  const payments = devhost.state.data.repositories.find((r) => r.name === "payments-api")!;
  let refusing = true;
  devhost.failWith(
    (call) => refusing && call.method === "POST" && CREATE.test(new URL(call.url).pathname) && (call.body ?? "").includes(payments.id),
    400,
    "The subscription input 'repository' could not be validated.",
  );
  const user = userEvent.setup();
  const panel = await openConnect(user);
  await chooseRepositories(user, panel, repositories);
  expect(within(panel).getByText("3 of 4 repositories chosen")).toBeInTheDocument();
  await user.type(within(panel).getByRole("textbox", { name: "Branch for code pushed" }), "main");
  expect(within(panel).getByRole("status", { name: "Plan" })).toHaveTextContent("5 events × 3 repositories = 15 subscriptions");
  await user.click(within(panel).getByRole("button", { name: "Create 15 subscriptions" }));

  await waitFor(() => expect(progress(panel)).toHaveTextContent("10 of 15 created, 5 failed"));
  const table = within(panel).getByRole("table", { name: "Subscriptions to create" });
  const failedRows = within(table).getAllByRole("row").filter((row) => row.textContent?.includes("Failed."));
  expect(failedRows).toHaveLength(5);
  for (const row of failedRows) {
    expect(row).toHaveTextContent("payments-api");
    expect(row).toHaveTextContent("Azure DevOps refused the change: The subscription input 'repository' could not be validated.");
  }
  expect(createdBodies().filter((b) => b.eventType === "git.push").map((b) => b.publisherInputs.branch)).toEqual(["main", "main", "main"]);

  refusing = false;
  const postsBefore = createdBodies().length;
  await user.click(within(panel).getByRole("button", { name: "Retry failed (5)" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("15 of 15 created"));
  // One lookup for subscriptions an unanswered create made, then only the five failed ones.
  expect(callsTo(devhost, "POST", /SubscriptionsQuery$/i).length).toBeGreaterThanOrEqual(2);
  expect(createdBodies().slice(postsBefore).map((b) => b.publisherInputs.repository)).toEqual(Array(5).fill(payments.id));
  const ours = devhost.state.data.subscriptions.filter((s) => s.consumerInputs.url === URL_);
  expect(ours).toHaveLength(15);
  expect(within(panel).queryByRole("button", { name: /Retry failed/ })).not.toBeInTheDocument();
});

test("Send a test runs Test on each new subscription and shows the results together", async () => {
  devhost.receivers.set(URL_, 200);
  const user = userEvent.setup();
  const panel = await openConnect(user);
  await chooseRepositories(user, panel, ["payments-api"]);
  for (const name of ["Pull request created", "Pull request updated", "Pull request merge attempted"]) {
    await user.click(within(panel).getByRole("checkbox", { name }));
  }
  expect(within(panel).getByRole("status", { name: "Plan" })).toHaveTextContent("2 events × 1 repository = 2 subscriptions");
  await user.click(within(panel).getByRole("button", { name: "Create 2 subscriptions" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("2 of 2 created"));

  await user.click(within(panel).getByRole("button", { name: "Send a test" }));
  const table = within(panel).getByRole("table", { name: "Subscriptions to create" });
  await waitFor(() => expect(within(panel).getByRole("status", { name: "Test summary" })).toHaveTextContent("Tests: 2 of 2 delivered"));
  expect(within(table).getAllByRole("status", { name: "Test result" }).map((r) => r.textContent)).toEqual([
    expect.stringMatching(/^Test delivered · HTTP 200/),
    expect.stringMatching(/^Test delivered · HTTP 200/),
  ]);
  const tested = callsTo(devhost, "POST", /TestNotifications$/i).map((c) => JSON.parse(c.body ?? "{}").subscriptionId);
  const created = devhost.state.data.subscriptions.filter((s) => s.consumerInputs.url === URL_).map((s) => s.id);
  expect(tested.sort()).toEqual(created.sort());
});

test("shows what is missing and creates nothing until it is fixed", async () => {
  const user = userEvent.setup();
  await renderHub();
  await user.click(screen.getByRole("menuitem", { name: "Connect an endpoint" }));
  const panel = await screen.findByRole("dialog", { name: "Connect an endpoint" });
  await user.click(within(panel).getByRole("radio", { name: "Chosen repositories" }));
  for (const checkbox of within(panel).getAllByRole("checkbox", { checked: true })) await user.click(checkbox);
  expect(within(panel).getByRole("status", { name: "Plan" })).toHaveTextContent("0 events × 0 repositories = 0 subscriptions");
  await user.click(within(panel).getByRole("button", { name: "Create 0 subscriptions" }));
  expect(within(panel).getByText("Endpoint URL is required.")).toBeInTheDocument();
  expect(within(panel).getByText("Token is required.")).toBeInTheDocument();
  expect(within(panel).getByText("Tick at least one event.")).toBeInTheDocument();
  expect(within(panel).getByText("Choose at least one repository.")).toBeInTheDocument();
  expect(callsTo(devhost, "POST", CREATE)).toHaveLength(0);
});

test("a create whose answer was lost is found, not made again, when the failed ones are retried", async () => {
  let losing = true;
  devhost.loseAnswer((call) => losing && call.method === "POST" && CREATE.test(new URL(call.url).pathname) && JSON.parse(call.body ?? "{}").eventType === "git.push");
  const user = userEvent.setup();
  const panel = await openConnect(user);
  await user.click(within(panel).getByRole("button", { name: "Create 5 subscriptions" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("4 of 5 created, 1 failed"));
  expect(within(panel).getByRole("row", { name: /^Code pushed/ })).toHaveTextContent("The request failed (HTTP 504): The gateway timed out waiting for Azure DevOps.");
  // Azure DevOps made it all the same.
  expect(devhost.state.data.subscriptions.filter((s) => s.consumerInputs.url === URL_)).toHaveLength(5);

  losing = false;
  const postsBefore = createdBodies().length;
  await user.click(within(panel).getByRole("button", { name: "Retry failed (1)" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("5 of 5 created"));
  expect(within(panel).getByRole("row", { name: /^Code pushed/ })).toHaveTextContent("Created (found after a lost answer)");
  expect(createdBodies()).toHaveLength(postsBefore);
  expect(devhost.state.data.subscriptions.filter((s) => s.consumerInputs.url === URL_)).toHaveLength(5);
  await user.click(within(panel).getByRole("button", { name: "Done" }));
  await waitFor(() => expect(dataRows()).toHaveLength(12));
});

test("connecting the same endpoint again with one more repository creates only the new ones", async () => {
  const user = userEvent.setup();
  let panel = await openConnect(user);
  await chooseRepositories(user, panel, ["payments-api"]);
  await user.click(within(panel).getByRole("button", { name: "Create 5 subscriptions" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("5 of 5 created"));
  await user.click(within(panel).getByRole("button", { name: "Done" }));

  await user.click(screen.getByRole("menuitem", { name: "Connect an endpoint" }));
  panel = await screen.findByRole("dialog", { name: "Connect an endpoint" });
  await user.type(within(panel).getByLabelText("Endpoint URL (required)"), URL_);
  await user.type(within(panel).getByLabelText("Token (required)"), TOKEN);
  await chooseRepositories(user, panel, ["payments-api", "infrastructure"]);
  const postsBefore = createdBodies().length;
  await user.click(within(panel).getByRole("button", { name: "Create 10 subscriptions" }));
  await waitFor(() => expect(progress(panel)).toHaveTextContent("5 of 10 created, 5 already there"));
  const infrastructure = devhost.state.data.repositories.find((r) => r.name === "infrastructure")!;
  expect(createdBodies().slice(postsBefore).map((b) => b.publisherInputs.repository)).toEqual(Array(5).fill(infrastructure.id));
  expect(within(panel).getAllByText("Already there")).toHaveLength(5);
  await user.click(within(panel).getByRole("button", { name: "Done" }));
  await waitFor(() => expect(dataRows()).toHaveLength(17));
});
