/** The seeded project: every subscription status is listed, and the panel explains the bad ones. */
import { expect, openHub, resetDevhost, screenshot, test } from "./fixtures";

const PILLS = ["Enabled", "On probation", "Disabled by user", "Disabled by system", "Disabled: inactive owner"];

test("lists the seeded subscriptions with every status pill", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  for (const pill of PILLS) await expect(grid.getByText(pill, { exact: true }).first()).toBeVisible();
  await screenshot(page, "hub-subscriptions");
});

test("the panel explains why a subscription is on probation or disabled by the system", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const explanations: [string, RegExp][] = [
    ["On probation", /drops new events until the next probe window/],
    ["Disabled by system", /Disabled by Azure DevOps after repeated failures/],
  ];
  for (const [pill, explanation] of explanations) {
    const row = grid.getByRole("row").filter({ has: hub.getByText(pill, { exact: true }) });
    await row.getByRole("button", { name: /^Details of / }).click();
    const panel = hub.getByRole("dialog", { name: / subscription$/ });
    await expect(panel.getByRole("region", { name: "Status" })).toContainText(explanation);
    await screenshot(page, `panel-${pill.toLowerCase().replace(/\W+/g, "-")}`);
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
  }
});
