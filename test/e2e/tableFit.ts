/**
 * The rule every table of the hub keeps: no text is cut at the widths people use (1280, 1440, 1920 px);
 * only an endpoint URL may end in an ellipsis, with the full URL in its title. The hub gets the window
 * minus the stand-in's 200 px navigation and 280 px event panel, as in Azure DevOps's settings pages.
 */
import type { Locator, Page } from "@playwright/test";
import { expect, screenshot } from "./fixtures";

export const WIDTHS = [1280, 1440, 1920];

interface CutText {
  text: string;
  how: string;
}

/** Every element of the grid whose content is wider (or taller) than the box that clips it, except endpoint URLs. */
export function cutTexts(grid: Locator): Promise<CutText[]> {
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

/** Checks the grid at each width, with a screenshot `<name>-<width>` of each. */
export async function expectNothingCut(page: Page, grid: Locator, name: string): Promise<void> {
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

