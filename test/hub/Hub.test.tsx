import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CONSUMER_ID } from "../../src/contract";
import { SEED_PROJECT } from "../../src/devhost/core/seed";
import { SERVICE_ROOT, callsTo, omitEnabledStatus, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub, rowWith } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

test("lists this project's Hook Relay subscriptions in words, one row per status", async () => {
  await renderHub();
  await healthLoaded();
  const rows = dataRows();
  expect(rows).toHaveLength(7);
  expect(rowWith("hooks/fiber")).toHaveTextContent("Code pushed");
  expect(rowWith("hooks/fiber")).toHaveTextContent("Repository: Fabrikam-Fiber-Git; Branch: main");
  expect(rowWith("hooks/payments")).toHaveTextContent("Pull request merge attemptedRepository: payments-api");
  expect(rowWith("hooks/comments")).toHaveTextContent("Any repository, any branch");
  const statuses = rows.map((row) => row.querySelector(".hr-status")?.textContent);
  expect(statuses).toEqual(["Enabled", "Enabled", "On probation", "Disabled by user", "Disabled by system", "Disabled: inactive owner", "Enabled"]);
  expect(rowWith("hooks/legacy")).toHaveTextContent("Normal Paulk");
  // Created by someone the organization no longer knows: Azure DevOps sends only the identity's id.
  expect(rowWith("hooks/archive")).toHaveTextContent("Created by Unknown user");
  // The second project's subscription stays out.
  expect(document.body.textContent).not.toContain("hooks/mobile");
  for (const repository of devhost.state.data.repositories) expect(document.body.textContent).not.toContain(repository.id);
});

test("asks for this project's subscriptions of this extension's consumer, and for health in one query", async () => {
  await renderHub();
  await healthLoaded();
  const [query] = callsTo(devhost, "POST", /_apis\/hooks\/SubscriptionsQuery$/i);
  expect(JSON.parse(query.body ?? "{}")).toEqual({
    publisherId: "tfs",
    consumerId: CONSUMER_ID,
    publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: 0, inputValue: SEED_PROJECT.id, caseSensitive: false }] }],
  });
  expect(query.headers.accept).toMatch(/api-version=.*enumsAsNumbers=true;msDateFormat=true;noArrayWrap=true/);
  expect(query.headers.authorization).toBe("Bearer fake-access-token");
  const health = callsTo(devhost, "POST", /NotificationsQuery$/i);
  expect(health).toHaveLength(1);
  // includeDetails left unset: with false Azure DevOps returns the summary only, no newest notification.
  expect(JSON.parse(health[0].body ?? "{}")).toEqual({
    subscriptionIds: devhost.state.data.subscriptions.filter((s) => s.consumerId === CONSUMER_ID && s.publisherInputs.projectId === SEED_PROJECT.id).map((s) => s.id),
    maxResultsPerSubscription: 1,
    maxResults: 7,
  });
  expect(callsTo(devhost, "GET", /Notifications/i)).toHaveLength(0);
});

test("last delivery and success rate come from the same answer and agree", async () => {
  await renderHub();
  await healthLoaded();
  // fiber: 200, 200, 401, 200, 503 then 200, 200 — the newest one delivered, 5 of 6 completed ones.
  expect(rowWith("hooks/fiber")).toHaveTextContent(/Delivered, \w{3} \d{1,2}, \d{4}/);
  expect(rowWith("hooks/fiber")).toHaveTextContent("83% of 6 succeeded");
  expect(rowWith("hooks/infra")).toHaveTextContent(/Failed, \w{3} \d{1,2}, \d{4}.*0% of 1 succeeded/);
  // reviews: nothing kept, on both lines.
  expect(rowWith("hooks/reviews")).toHaveTextContent("No deliveries kept—");
});

test("never renders confidential inputs, also for other consumers' subscriptions", async () => {
  const user = userEvent.setup();
  await renderHub();
  await healthLoaded();
  await user.click(screen.getByRole("switch", { name: /Show every subscription/ }));
  await waitFor(() => expect(dataRows()).toHaveLength(8));
  await user.click(within(rowWith("webhooks/ci")).getByRole("button", { name: /^Details of/ }));
  await screen.findByRole("dialog", { name: "Code pushed subscription" });
  expect(screen.getByRole("region", { name: "Notification history" })).toBeInTheDocument();
  const text = document.body.textContent ?? "";
  expect(text).not.toContain("seeded-token-0123456789abcdef");
  expect(text).not.toContain("not-a-real-password");
  expect(screen.getByText("basicAuthPassword").nextSibling).toHaveTextContent("Set (hidden by Azure DevOps)");
  expect(text).not.toContain("********");
  expect(screen.getByText(/Read-only/)).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Send a test event" })).not.toBeInTheDocument();
});

describe("what Azure DevOps really sends", () => {
  test("a date in year 1 is never, a missing status is enabled, an identity with only an id is an unknown user", async () => {
    // The service always sends status, but the old spec examples leave it out of enabled subscriptions.
    omitEnabledStatus(devhost);
    const listed = JSON.parse((await (await fetch(`${SERVICE_ROOT}_apis/hooks/subscriptionsquery`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json;api-version=7.2-preview.1;enumsAsNumbers=true;msDateFormat=true;noArrayWrap=true" },
      body: JSON.stringify({ publisherId: "tfs", consumerId: CONSUMER_ID }),
    })).text()));
    const archive = listed.results.find((s: { consumerInputs: { url: string } }) => s.consumerInputs.url.includes("hooks/archive"));
    // As the stand-in sends them: never probed (DateTime.MinValue), no status, a creator known only by id.
    expect(archive).toMatchObject({ lastProbationRetryDate: "/Date(-62135596800000)/", createdBy: { id: expect.any(String) } });
    expect(archive.status).toBeUndefined();
    expect(archive.createdBy.displayName).toBeUndefined();
    devhost.requests.length = 0;

    const user = userEvent.setup();
    await renderHub();
    await healthLoaded();
    expect(rowWith("hooks/archive").querySelector(".hr-status")).toHaveTextContent("Enabled");
    expect(rowWith("hooks/archive")).toHaveTextContent("Created by Unknown user");
    await user.click(within(rowWith("hooks/archive")).getByRole("button", { name: /^Details of/ }));
    const panel = await screen.findByRole("dialog", { name: / subscription$/ });
    expect(within(panel).getByRole("region", { name: "Status" })).toHaveTextContent("Azure DevOps delivers every matching event.");
    expect(within(panel).getByRole("region", { name: "Status" })).not.toHaveTextContent("Last probe");
    expect(within(panel).getByText("Created").nextSibling).toHaveTextContent(/ by Unknown user$/);
    expect(within(panel).getByRole("button", { name: "Disable subscription" })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/\b1, 12:00|undefined/);
  });
});

test("shows the empty state with how to create the first subscription", async () => {
  devhost.state.data.subscriptions = [];
  const user = userEvent.setup();
  await renderHub().catch(() => undefined);
  expect(await screen.findByText("No Hook Relay subscriptions in this project yet")).toBeInTheDocument();
  expect(screen.getByText(/^Connect an endpoint subscribes your Hook Relay endpoint/)).toBeInTheDocument();
  expect(screen.queryByRole("searchbox", { name: "Filter subscriptions by keyword" })).not.toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Connect an endpoint" }));
  expect(await screen.findByRole("dialog", { name: "Connect an endpoint" })).toBeInTheDocument();
});

test("explains a 403 with the missing permission and who has it", async () => {
  devhost.failWith((call) => /SubscriptionsQuery/i.test(call.url), 403, "Access denied: Jamal needs View subscriptions.");
  await renderHub().catch(() => undefined);
  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent('You need the "View subscriptions" permission');
  expect(alert).toHaveTextContent("Project Administrators have it by default");
  expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
});

test("reports a network failure and loads after Retry", async () => {
  let failures = 1;
  devhost.failWith((call) => /SubscriptionsQuery/i.test(call.url) && failures-- > 0, 503, "The service is unavailable.");
  const user = userEvent.setup();
  await renderHub().catch(() => undefined);
  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent("The request failed (HTTP 503)");
  expect(alert).toHaveTextContent("The service is unavailable.");
  await user.click(screen.getByRole("button", { name: "Retry" }));
  await waitFor(() => expect(dataRows()).toHaveLength(7));
});

test("rows whose history cannot be read say so, never that nothing was delivered", async () => {
  devhost.failWith((call) => /NotificationsQuery$/i.test(call.url), 403, "TF400813: The user is not authorized to access this resource.");
  await renderHub();
  await healthLoaded();
  for (const row of dataRows()) {
    expect(row).toHaveTextContent('History unavailableYou need the "View subscriptions" permission');
    expect(row).not.toHaveTextContent("No deliveries kept");
  }
});
