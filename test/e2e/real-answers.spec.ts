/**
 * The page against the stand-in answering as Azure DevOps does: health from one NotificationsQuery
 * (summary + newest notification, no details) for the rows on screen only, history entries whose
 * details come from their own GET; screenshots at the widths people use.
 */
import type { Page, Request } from "@playwright/test";
import { LARGE_STACK_EXTRA, expect, openHub, resetDevhost, screenshot, test } from "./fixtures";

const WIDTHS = [1280, 1440, 1920];

/** The subscription ids of every NotificationsQuery the page sends from now on. */
function recordHealthQueries(page: Page): string[][] {
  const queries: string[][] = [];
  page.on("request", (request: Request) => {
    if (request.method() === "POST" && /\/_apis\/hooks\/notificationsquery$/i.test(new URL(request.url()).pathname)) {
      const body = request.postDataJSON() as { subscriptionIds: string[]; includeDetails?: boolean };
      // With includeDetails false Azure DevOps returns no results, only the summary.
      expect(body.includeDetails).not.toBe(false);
      queries.push(body.subscriptionIds);
    }
  });
  return queries;
}

test("last delivery and success rate agree; an opened history entry shows what Azure DevOps recorded", async ({ page, stack }) => {
  await resetDevhost(stack);
  const queries = recordHealthQueries(page);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const fiber = grid.getByRole("row").filter({ hasText: "hooks/fiber" });
  // The seeded push subscription: 200, 200, 401, 200, 503 then 200, 200 — newest delivered, 5 of 6 completed.
  await expect(fiber).toContainText(/Delivered, \w{3} \d{1,2}, \d{4}/);
  await expect(fiber).toContainText("83% of 6 succeeded");
  await expect(grid.getByRole("row").filter({ hasText: "hooks/reviews" })).toContainText("No deliveries kept");
  await expect(grid).not.toContainText("Loading…");
  expect(queries.flat()).toHaveLength(8);

  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await expect(grid.getByRole("columnheader", { name: "Last delivery / success rate" })).toBeVisible();
    await screenshot(page, `hub-${width}`);
  }

  await fiber.getByRole("button", { name: /^Details of / }).click();
  const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
  const history = panel.getByRole("region", { name: "Notification history" });
  await history.getByLabel("Result").selectOption({ label: "Failed" });
  const entry = history.getByRole("list", { name: "Notifications" }).getByRole("button");
  await expect(entry).toHaveText(/^#\d+ · Failed · \w{3} \d{1,2}, \d{4}/);
  await entry.click();
  const detail = history.getByRole("region", { name: /^Notification \d+$/ });
  await expect(detail).toContainText("Response statusHTTP 401");
  await expect(detail.getByLabel("Request")).toContainText("Authorization: Bearer ********");
  await expect(detail.getByRole("group", { name: "Event payload" })).toContainText('"eventType": "git.push"');
  await expect(panel).not.toContainText(/undefined|NaN|Invalid Date|\[object Object\]/);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await detail.scrollIntoViewIfNeeded();
    await screenshot(page, `history-detail-${width}`);
  }
});

test(`${LARGE_STACK_EXTRA} subscriptions: health for the rows on screen, then for the rows scrolled to`, async ({ page, largeStack }) => {
  const queries = recordHealthQueries(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  const hub = await openHub(page, largeStack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  // The seeded subscriptions, the demo one and the extra ones, plus the header row.
  await expect(grid).toHaveAttribute("aria-rowcount", /^\d+$/);
  expect(Number(await grid.getAttribute("aria-rowcount"))).toBeGreaterThan(LARGE_STACK_EXTRA + 1);
  await expect(grid.getByRole("row").filter({ hasText: "hooks/fiber" })).toContainText("83% of 6 succeeded");
  await expect(grid).not.toContainText("Loading…");
  // Only rows in the DOM were asked for, each once: as many requests as 50 subscriptions would take.
  const rendered = await grid.getByRole("button", { name: /^Details of / }).evaluateAll((buttons) =>
    buttons.map((b) => /([0-9a-f-]{36})$/.exec(b.getAttribute("aria-label") ?? "")?.[1]),
  );
  const askedFirst = queries.flat();
  expect(rendered.length).toBeLessThan(100);
  expect(askedFirst.every((id) => rendered.includes(id))).toBe(true);
  expect(new Set(askedFirst).size).toBe(askedFirst.length);
  expect(queries.length).toBeLessThanOrEqual(Math.ceil(rendered.length / 50) + 1);
  const beforeScroll = queries.length;
  await screenshot(page, "hub-1000-top");

  // Scroll to the end: the rows now on screen load in one or two more requests, not one per row and not all 1,007.
  await hub.locator(".hr-page").evaluate((page) => page.scrollTo(0, page.scrollHeight));
  await expect(grid.getByRole("row").filter({ hasText: `hooks/bulk-${LARGE_STACK_EXTRA - 1}` })).toBeVisible();
  await expect(grid).not.toContainText("Loading…");
  expect(queries.length).toBeGreaterThan(beforeScroll);
  expect(queries.length).toBeLessThanOrEqual(beforeScroll + 3);
  const asked = queries.flat();
  expect(new Set(asked).size).toBe(asked.length);
  expect(asked.length).toBeLessThan(150);
  await screenshot(page, "hub-1000-scrolled");
});
