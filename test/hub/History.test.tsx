import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NotificationResult, NotificationStatus } from "azure-devops-extension-api/ServiceHooks";
import { callsTo, seededSubscription, startDevhost, type Devhost } from "./support/devhost";
import { openDetails, renderHub } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost();
});
afterEach(() => devhost.close());

test("loads history only when a subscription is opened, and filters it by result", async () => {
  const user = userEvent.setup();
  await renderHub();
  expect(callsTo(devhost, "GET", /Notifications$/i)).toHaveLength(0);
  const panel = await openDetails("hooks/fiber");
  const history = within(panel).getByRole("region", { name: "Notification history" });
  const list = await within(history).findByRole("list", { name: "Notifications" });
  expect(within(list).getAllByRole("button")).toHaveLength(6);
  expect(callsTo(devhost, "GET", /Notifications$/i)).toHaveLength(1);

  await user.selectOptions(within(history).getByLabelText("Result"), "Failed");
  const failed = within(list).getAllByRole("button");
  expect(failed).toHaveLength(1);
  expect(failed[0]).toHaveTextContent("Failed · HTTP 401");
  await user.click(failed[0]);
  expect(failed[0]).toHaveAttribute("aria-expanded", "true");
  const detail = within(history).getByRole("region", { name: /^Notification \d+$/ });
  expect(detail).toHaveTextContent("Response statusHTTP 401");
  expect(detail).toHaveTextContent("Response status code does not indicate success: 401 (Unauthorized).");
  expect(within(detail).getByLabelText("Request")).toHaveTextContent("Method: POST, RequestUri: 'https://localhost:8443/hooks/fiber'");
  expect(within(detail).getByLabelText("Request")).toHaveTextContent("Authorization: Bearer ********");
  expect(within(detail).getByLabelText("Request")).not.toHaveTextContent("seeded-token-0123456789abcdef");
  expect(within(detail).getByRole("group", { name: "Event payload" })).toHaveTextContent('"eventType": "git.push"');
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
