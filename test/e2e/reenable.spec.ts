/** "Re-enable all" lists what it will turn back on, then does it; user-disabled ones stay off. */
import { expect, openHub, resetDevhost, screenshot, test } from "./fixtures";

test("Re-enable all confirms the list, then every listed subscription is enabled", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  await expect(grid.getByText("On probation", { exact: true })).toBeVisible();

  await hub.getByRole("menuitem", { name: "Re-enable all" }).click();
  const confirm = hub.getByRole("dialog", { name: "Re-enable 3 subscriptions?" });
  const listed = confirm.getByRole("list", { name: "Subscriptions to re-enable" }).getByRole("listitem");
  await expect(listed).toHaveCount(3);
  for (const label of ["On probation", "Disabled by system", "Disabled: inactive owner"]) {
    await expect(listed.filter({ hasText: label })).toHaveCount(1);
  }
  await screenshot(page, "reenable-confirm");
  await confirm.getByRole("button", { name: "Re-enable" }).click();

  await expect(hub.getByText("Re-enabled 3 of 3 subscriptions.")).toBeVisible();
  for (const gone of ["On probation", "Disabled by system", "Disabled: inactive owner"]) {
    await expect(grid.getByText(gone, { exact: true })).toHaveCount(0);
  }
  await expect(grid.getByText("Disabled by user", { exact: true })).toBeVisible();
  await expect(hub.getByRole("menuitem", { name: "Re-enable all" })).toHaveAttribute("aria-disabled", "true");
  await screenshot(page, "reenabled");
});
