/** Edit one subscription: the page sends the whole subscription; a new URL takes the token typed again, which the new address then gets. */
import { createSubscription, expect, openHub, resetDevhost, screenshot, startReceiver, subscriptionRow, test, type Receiver } from "./fixtures";
import { WIDTHS } from "./tableFit";

const NEW_TOKEN = "new-address-token-0123456789";

let receiver: Receiver;
test.afterEach(async () => receiver?.close());

test("edit the URL and branch of a subscription: the page asks for the token again, and the new address gets that token", async ({ page, stack }) => {
  await resetDevhost(stack);
  receiver = await startReceiver(stack, 200);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const fiber = grid.getByRole("row").filter({ hasText: "hooks/fiber" });
  await fiber.getByRole("button", { name: /^Details of/ }).click();
  const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
  await panel.getByRole("button", { name: "Edit subscription" }).click();

  const dialog = hub.getByRole("dialog", { name: "Edit Code pushed subscription" });
  await expect(dialog.getByLabel("Token")).toHaveValue("");
  await expect(dialog.getByText("Leave empty to keep the current one")).toBeVisible();
  await dialog.getByLabel(/^Endpoint URL/).fill(receiver.url);
  await dialog.getByLabel("Branch").fill("release");
  await expect(dialog.getByLabel("Token (required)")).toHaveAccessibleDescription(/asks for the token again when the URL changes/);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText(/^Type the token again: /)).toBeVisible();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `edit-dialog-${width}`);
  }
  await expect(grid.getByRole("row").filter({ hasText: receiver.url })).toHaveCount(0);

  await dialog.getByLabel("Token (required)").fill(NEW_TOKEN);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(hub.getByText("Code pushed subscription saved.")).toBeVisible();
  const edited = grid.getByRole("row").filter({ hasText: receiver.url });
  await expect(edited).toContainText("Branch: release");

  await panel.getByRole("button", { name: "Send a test event" }).click();
  await expect(panel.getByRole("status", { name: "Test result" })).toContainText("Test delivered · HTTP 200");
  expect(receiver.authorizations()).toEqual([`Bearer ${NEW_TOKEN}`]);
});

test("edit only the branch of a subscription: the token, never shown, stays and goes with the next delivery", async ({ page, stack }) => {
  await resetDevhost(stack);
  receiver = await startReceiver(stack, 200);
  const id = await createSubscription(stack, { url: receiver.url, token: NEW_TOKEN });
  const hub = await openHub(page, stack);
  await subscriptionRow(hub, id).getByRole("button", { name: /^Details of/ }).click();
  const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
  await panel.getByRole("button", { name: "Edit subscription" }).click();
  const dialog = hub.getByRole("dialog", { name: "Edit Code pushed subscription" });
  await dialog.getByLabel("Branch").fill("main");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(hub.getByText("Code pushed subscription saved.")).toBeVisible();
  await expect(subscriptionRow(hub, id)).toContainText("Branch: main");

  await panel.getByRole("button", { name: "Send a test event" }).click();
  await expect(panel.getByRole("status", { name: "Test result" })).toContainText("Test delivered · HTTP 200");
  expect(receiver.authorizations()).toEqual([`Bearer ${NEW_TOKEN}`]);
});

test("the details of a subscription on probation say since when, that Azure DevOps dropped events meanwhile, and link to reconciliation", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const payments = hub.getByRole("grid", { name: "Hook Relay subscriptions" }).getByRole("row").filter({ hasText: "hooks/payments" });
  await payments.getByRole("button", { name: /^Details of/ }).click();
  const dropped = hub.getByRole("region", { name: "Dropped events" });
  await expect(dropped).toContainText(/On probation since .* at the latest/);
  await expect(dropped).toContainText("Azure DevOps dropped every event raised while it is on probation");
  await expect(dropped.getByRole("link", { name: /Reconciliation/ })).toHaveAttribute("href", /#reconciliation$/);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `details-dropped-events-${width}`);
  }
});
