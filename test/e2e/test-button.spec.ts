/** "Send a test event" on the demo subscription reaches the real companion endpoint over https. */
import { loadTestSample } from "../../src/contract/samples";
import { expect, openHub, readCompanion, resetDevhost, screenshot, subscriptionRow, test } from "./fixtures";

test("Test on the demo subscription is delivered and stored by the companion", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  await subscriptionRow(hub, stack.demoSubscriptionId).getByRole("button", { name: /^Details of / }).click();
  const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
  await panel.getByRole("group", { name: "Subscription actions" }).getByRole("button", { name: "Send a test event" }).click();
  await expect(panel.getByRole("status", { name: "Test result" })).toContainText("Test delivered · HTTP 200");
  await screenshot(page, "test-delivered");

  const sampleId = String(loadTestSample("git.push").id);
  const stored = await readCompanion(stack, `/api/events/${sampleId}`);
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({ id: sampleId, eventType: "git.push" });
});
