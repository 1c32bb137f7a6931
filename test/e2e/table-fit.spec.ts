/**
 * The subscriptions table never cuts its own text at the widths people use: everything that does not fit
 * wraps, and only an endpoint URL may end in an ellipsis (with the full URL in its title). The hub gets the
 * window minus the stand-in's 200 px navigation and 280 px event panel, as in Azure DevOps's settings pages.
 */
import { expect, openHub, resetDevhost, test } from "./fixtures";
import { cutTexts, expectNothingCut } from "./tableFit";

test("no text in the subscriptions table is cut at 1280, 1440 and 1920 px; only a long endpoint URL ends in an ellipsis", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  await expect(grid.getByRole("row").filter({ hasText: "hooks/fiber" })).toContainText("83% of 6 succeeded");
  await expect(grid).not.toContainText("Loading…");
  await expectNothingCut(page, grid, "table");

  // Every consumer's subscriptions: other events, other consumers' URLs.
  await hub.getByRole("switch", { name: /Show every subscription/ }).click();
  await expect(grid.getByRole("row").filter({ hasText: "/webhooks/" }).first()).toBeVisible();
  await expect(grid).not.toContainText("Loading…");
  await expectNothingCut(page, grid, "table-all-consumers");
});

test("the check finds a cut text: an endpoint-free cell squeezed below its content is reported", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  await expect(grid.getByRole("row").filter({ hasText: "hooks/fiber" })).toContainText("83% of 6 succeeded");
  // Undo the wrapping for one pill's cell and make it too narrow, as the page looked before.
  await grid.locator(".hr-status").first().evaluate((pill) => {
    const content = pill.parentElement!;
    content.style.width = "40px";
    content.style.overflow = "hidden";
  });
  const cut = await cutTexts(grid);
  expect(cut.map((c) => c.text)).toContain("Enabled");
});
