import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NotificationResult, NotificationStatus } from "azure-devops-extension-api/ServiceHooks";
import { READER } from "../../src/devhost/core/seed";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { openDetails, renderHub } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

describe("signed in as a contributor without diagnostics rights", () => {
  beforeEach(async () => {
    await devhost.close();
    devhost = startDevhost({ userId: READER.id });
  });

  test("each entry still shows result, time, status and error; the detail says what Azure DevOps withheld and who may see it", async () => {
    const user = userEvent.setup();
    await renderHub();
    const panel = await openDetails("hooks/fiber");
    const list = await within(panel).findByRole("list", { name: "Notifications" });
    expect(within(list).getAllByRole("button")).toHaveLength(6);
    await user.selectOptions(within(panel).getByLabelText("Result"), "Failed");
    await user.click(within(list).getByRole("button"));
    const detail = within(panel).getByRole("region", { name: /^Notification \d+$/ });
    expect(await within(detail).findByRole("note")).toHaveTextContent(
      "Azure DevOps withheld the request, the response and the event: only the subscription's creator, project administrators and project collection administrators may see them.",
    );
    expect(detail).toHaveTextContent("ResultFailed");
    expect(detail).toHaveTextContent("Response statusNot available");
    expect(detail).toHaveTextContent("Response status code does not indicate success: 401 (Unauthorized).");
    expect(within(detail).queryByLabelText("Request")).not.toBeInTheDocument();
    expect(detail.textContent).not.toContain("seeded-token");
  });
});

test("loads history only when a subscription is opened; entries show result and time, and opening one fetches its details", async () => {
  const subscription = seededSubscription(devhost, "/hooks/fiber");
  const user = userEvent.setup();
  await renderHub();
  expect(callsTo(devhost, "GET", /Notifications/i)).toHaveLength(0);
  const panel = await openDetails("hooks/fiber");
  const history = within(panel).getByRole("region", { name: "Notification history" });
  const list = await within(history).findByRole("list", { name: "Notifications" });
  const entries = within(list).getAllByRole("button");
  expect(entries).toHaveLength(6);
  for (const entry of entries) expect(entry.textContent).toMatch(/^#\d+ · (Delivered|Failed) · \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M$/);
  expect(callsTo(devhost, "GET", /Notifications$/i)).toHaveLength(1);
  expect(callsTo(devhost, "GET", /Notifications\/\d+$/i)).toHaveLength(0);

  await user.selectOptions(within(history).getByLabelText("Result"), "Failed");
  const failed = within(list).getAllByRole("button");
  expect(failed).toHaveLength(1);
  expect(failed[0]).toHaveTextContent(/^#(\d+) · Failed · /);
  const id = /^#(\d+)/.exec(failed[0].textContent ?? "")?.[1];
  await user.click(failed[0]);
  expect(failed[0]).toHaveAttribute("aria-expanded", "true");
  const detail = within(history).getByRole("region", { name: `Notification ${id}` });
  await waitFor(() => expect(detail).toHaveTextContent("Response statusHTTP 401"));
  expect(callsTo(devhost, "GET", /Notifications\/\d+$/i).map((call) => new URL(call.url).pathname.toLowerCase())).toEqual([
    `/fabrikam/_apis/hooks/subscriptions/${subscription.id}/notifications/${id}`,
  ]);
  expect(detail).toHaveTextContent("Response status code does not indicate success: 401 (Unauthorized).");
  expect(within(detail).getByLabelText("Request")).toHaveTextContent("Method: POST, RequestUri: 'https://localhost:8443/hooks/fiber'");
  expect(within(detail).getByLabelText("Request")).toHaveTextContent("Authorization: Bearer ********");
  expect(within(detail).getByLabelText("Request")).not.toHaveTextContent("seeded-token-0123456789abcdef");
  expect(within(detail).getByRole("group", { name: "Event payload" })).toHaveTextContent('"eventType": "git.push"');
  expect(within(detail).queryByRole("note")).not.toBeInTheDocument();
});

test("an entry older than 7 days says Azure DevOps deleted its request, response and event", async () => {
  const { id } = seededSubscription(devhost, "/hooks/fiber");
  const [oldest] = devhost.state.notificationsOf(id).sort((a, b) => a.id - b.id);
  oldest.createdDate = new Date(Date.now() - 8 * 86_400_000).toISOString();
  expect(devhost.engine.cleanUpDetails()).toBe(1);
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/fiber");
  const list = await within(panel).findByRole("list", { name: "Notifications" });
  await user.click(within(list).getByRole("button", { name: new RegExp(`^#${oldest.id} `) }));
  const detail = within(panel).getByRole("region", { name: `Notification ${oldest.id}` });
  expect(await within(detail).findByRole("note")).toHaveTextContent("Azure DevOps no longer keeps the request, the response and the event: it deletes them after 7 days.");
  expect(detail).toHaveTextContent("ResultDelivered");
  expect(detail).not.toHaveTextContent("Attempts");
});

test("an entry whose notification is gone says so", async () => {
  devhost.failWith((call) => /Notifications\/\d+$/i.test(call.url), 404, "Notification 3 could not be found.");
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/fiber");
  const list = await within(panel).findByRole("list", { name: "Notifications" });
  await user.click(within(list).getAllByRole("button")[0]);
  const alert = await within(panel).findByRole("alert");
  expect(alert).toHaveTextContent("Azure DevOps could not find it");
  expect(alert).toHaveTextContent("Notification 3 could not be found. It may have been deleted: refresh the page.");
  expect(within(panel).queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
});

test("filters history by time", async () => {
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/fiber");
  const history = within(panel).getByRole("region", { name: "Notification history" });
  const list = await within(history).findByRole("list", { name: "Notifications" });
  await user.selectOptions(within(history).getByLabelText("Period"), "Last 24 hours");
  // The seed spaces the six deliveries 7 hours apart: the newest three are under 24 hours old.
  expect(within(list).getAllByRole("button")).toHaveLength(3);
});

test("renders payload text as text, never as markup", async () => {
  const subscription = seededSubscription(devhost, "/hooks/reviews");
  const now = new Date().toISOString();
  devhost.state.addNotification({
    subscriptionId: subscription.id,
    subscriberId: subscription.subscriberId,
    eventId: "e1",
    status: NotificationStatus.Completed,
    result: NotificationResult.Failed,
    createdDate: now,
    modifiedDate: now,
    details: {
      event: { id: "e1", message: { html: '<img src="x" onerror="window.__pwned = true">' } },
      eventType: subscription.eventType,
      publisherId: "tfs",
      publisherInputs: {},
      consumerId: subscription.consumerId,
      consumerActionId: subscription.consumerActionId,
      consumerInputs: {},
      request: "POST https://localhost:8443/hooks/reviews HTTP/1.1\r\n<script>alert(1)</script>",
      response: null,
      errorMessage: "<b>bad</b>",
      errorDetail: null,
      queuedDate: now,
      dequeuedDate: now,
      processedDate: now,
      completedDate: now,
      requestDuration: 0.2,
      requestAttempts: 1,
    },
  });
  const user = userEvent.setup();
  await renderHub();
  const panel = await openDetails("hooks/reviews");
  const list = await within(panel).findByRole("list", { name: "Notifications" });
  await user.click(within(list).getByRole("button"));
  const detail = within(panel).getByRole("region", { name: /^Notification \d+$/ });
  await waitFor(() => expect(detail).toHaveTextContent('<img src=\\"x\\" onerror=\\"window.__pwned = true\\">'));
  expect(detail).toHaveTextContent("<b>bad</b>");
  expect(detail).toHaveTextContent("<script>alert(1)</script>");
  expect(detail.querySelector("img, script, b")).toBeNull();
  expect(screen.queryByRole("img", { name: "x" })).toBeNull();
});
