/**
 * The subscriptions table never cuts its own text at the widths people use: everything that does not fit
 * wraps, and only an endpoint URL may end in an ellipsis (with the full URL in its title). The hub gets the
 * window minus the stand-in's 200 px navigation and 280 px event panel, as in Azure DevOps's settings pages.
 */
import type { Locator, Page } from "@playwright/test";
import { expect, openHub, resetDevhost, screenshot, test } from "./fixtures";

const WIDTHS = [1280, 1440, 1920];

interface CutText {
  text: string;
  how: string;
}

/** Every element of the grid whose content is wider (or taller) than the box that clips it, except endpoint URLs. */
function cutTexts(grid: Locator): Promise<CutText[]> {
  return grid.evaluate((table) => {
    const cut: { text: string; how: string }[] = [];
    for (const element of Array.from(table.querySelectorAll<HTMLElement>("*"))) {
      if (element.closest(".hr-endpoint-url") || !element.textContent?.trim()) continue;
      const style = getComputedStyle(element);
      if (style.display === "inline" || element.clientWidth === 0) continue;
      const text = element.textContent.trim().slice(0, 60);
      // One pixel of slack for sub-pixel rounding.
      if (element.scrollWidth > element.clientWidth + 1) cut.push({ text, how: `${element.scrollWidth}px wide in ${element.clientWidth}px` });
      else if (style.overflowY !== "visible" && element.scrollHeight > element.clientHeight + 1) cut.push({ text, how: `${element.scrollHeight}px tall in ${element.clientHeight}px` });
    }
    return cut;
  });
}

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

async function expectNothingCut(page: Page, grid: Locator, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    // The columns are laid out again for the new width before they are measured.
    await expect.poll(() => grid.evaluate((table) => table.getBoundingClientRect().width)).toBeLessThan(width - 480);
    await screenshot(page, `${name}-${width}`);
    expect(await cutTexts(grid), `cut texts in ${name} at ${width} px`).toEqual([]);

    const urls = grid.locator(".hr-endpoint-url");
    expect(await urls.count()).toBeGreaterThan(0);
    for (const url of await urls.all()) {
      await expect(url).toHaveAttribute("title", (await url.textContent()) ?? "");
    }
  }
}

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
