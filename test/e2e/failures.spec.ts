/** Failed deliveries as the page shows them: probation after a 500, a 401 in the history (its details fetched when opened). */
import {
  createSubscription,
  deliveriesSettled,
  expect,
  openHub,
  publishEvent,
  resetDevhost,
  screenshot,
  startReceiver,
  subscriptionRow,
  test,
} from "./fixtures";

test("an endpoint answering 500 puts its subscription on probation, and the page says why", async ({ page, stack }) => {
  await resetDevhost(stack);
  const receiver = await startReceiver(stack, 500);
  try {
    const id = await createSubscription(stack, { url: receiver.url, token: "receiver-token-0123456789" });
    const hub = await openHub(page, stack);
    const row = subscriptionRow(hub, id);
    await expect(row.getByText("Enabled", { exact: true })).toBeVisible();

    const published = await publishEvent(stack, { eventType: "git.push" });
    expect(published.notifications.map((n) => n.subscriptionId)).toContain(id);
    await deliveriesSettled(stack);
    expect(receiver.received()).toBe(1);

    await hub.getByRole("menuitem", { name: "Refresh" }).click();
    await expect(row.getByText("On probation", { exact: true })).toBeVisible();
    await row.getByRole("button", { name: /^Details of / }).click();
    const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
    await expect(panel.getByRole("region", { name: "Status" })).toContainText("The last delivery failed with a non-retryable error");
    await screenshot(page, "on-probation");
  } finally {
    await receiver.close();
  }
});

test("a wrong token shows up in the history as a failed notification with HTTP 401", async ({ page, stack }) => {
  await resetDevhost(stack);
  const id = await createSubscription(stack, { url: stack.companion.hooksUrl, token: "not-the-endpoint-token-0123" });
  const published = await publishEvent(stack, { eventType: "git.push" });
  const ours = published.notifications.find((n) => n.subscriptionId === id);
  expect(ours).toBeDefined();
  await deliveriesSettled(stack);

  const hub = await openHub(page, stack);
  await subscriptionRow(hub, id).getByRole("button", { name: /^Details of / }).click();
  const history = hub.getByRole("dialog", { name: "Code pushed subscription" }).getByRole("region", { name: "Notification history" });
  // The list carries no details: the entry shows its result and time; the status code comes with the entry's own GET.
  const entry = history.getByRole("list", { name: "Notifications" }).getByRole("button", { name: new RegExp(`^#${ours!.id} · Failed · \\w{3} \\d{1,2}, \\d{4}`) });
  const fetched = page.waitForResponse((r) => new RegExp(`/subscriptions/${id}/notifications/${ours!.id}$`, "i").test(new URL(r.url()).pathname));
  await entry.click();
  expect((await fetched).status()).toBe(200);
  await expect(entry).toHaveAttribute("aria-expanded", "true");
  const detail = history.getByRole("region", { name: `Notification ${ours!.id}` });
  await expect(detail).toContainText("Response statusHTTP 401");
  await expect(detail).toContainText("Response status code does not indicate success: 401");
  await screenshot(page, "history-401");
});
