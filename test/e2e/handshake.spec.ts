/** The hub loads through the real SDK handshake, and a published git.push reaches the real endpoint. */
import { deliveriesSettled, expect, openHub, publishEvent, readCompanion, screenshot, test } from "./fixtures";

test("the hub loads inside the host page through the real SDK handshake", async ({ page, stack }) => {
  const hub = await openHub(page, stack);
  await expect(hub.getByRole("heading", { name: "Hook Relay" }).first()).toBeVisible();
  const host = await page.evaluate(() => {
    const devhost = (window as unknown as { devhost: { loadSucceeded: boolean; loadFailed: string | null } }).devhost;
    return { loadSucceeded: devhost.loadSucceeded, loadFailed: devhost.loadFailed };
  });
  expect(host).toEqual({ loadSucceeded: true, loadFailed: null });
  await screenshot(page, "hub-loaded");
});

test("a git.push published through the stand-in reaches the real endpoint's read API", async ({ page, stack }) => {
  await openHub(page, stack);
  const published = await publishEvent(stack, { eventType: "git.push" });
  const ours = published.notifications.find((n) => n.subscriptionId === stack.demoSubscriptionId);
  expect(ours).toBeDefined();
  await deliveriesSettled(stack);

  const stored = await readCompanion(stack, `/api/events/${published.eventId}`);
  expect(stored.status).toBe(200);
  expect(JSON.stringify(stored.body)).toContain(published.eventId);

  const notification = await fetch(
    `${stack.url}${stack.organization}/_apis/hooks/subscriptions/${stack.demoSubscriptionId}/notifications/${ours!.id}`,
    { headers: { authorization: `Bearer ${stack.accessToken}`, accept: "application/json;enumsAsNumbers=true" } },
  );
  expect(await notification.json()).toMatchObject({ status: 100, result: 10 });

  await page.locator("#event-type").selectOption("git.push");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.locator("#publish-log li").first()).toContainText("git.push");
  await screenshot(page, "event-published");
});
