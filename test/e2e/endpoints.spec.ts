/** Group by endpoint: the group's worst status and combined rate, token rotation with a failure and its retry, a move to a new URL, and the group actions. */
import { createSubscription, expect, openHub, resetDevhost, screenshot, startReceiver, test, type Receiver } from "./fixtures";
import { WIDTHS, expectNothingCut } from "./tableFit";

const FIRST_TOKEN = "first-token-0123456789";
const ROTATED_TOKEN = "rotated-token-0123456789";

let receiver: Receiver;
test.afterEach(async () => receiver?.close());

test("rotate the token of every subscription of an endpoint, retry the one Azure DevOps refused, then test, disable and delete them all", async ({ page, stack }) => {
  await resetDevhost(stack);
  receiver = await startReceiver(stack, 200);
  for (let i = 0; i < 3; i++) await createSubscription(stack, { url: receiver.url, token: FIRST_TOKEN });

  const hub = await openHub(page, stack);
  await hub.getByRole("switch", { name: "Group by endpoint" }).click();
  const grid = hub.getByRole("grid", { name: "Endpoints" });
  const row = grid.getByRole("row").filter({ has: hub.getByTitle(receiver.url, { exact: true }) });
  await expect(row).toContainText("3 subscriptions");
  await expect(row).toContainText("No completed deliveries");
  await expect(row).toContainText("History of all 3 subscriptions");
  await expect(grid).not.toContainText("Loading…");
  await expectNothingCut(page, grid, "endpoints-table");

  await row.getByRole("button", { name: `Manage endpoint ${receiver.url}` }).click();
  const panel = hub.getByRole("dialog", { name: "Endpoint" });
  const form = panel.getByRole("form", { name: "Change URL or token" });
  await form.getByLabel("New token (required)").fill(ROTATED_TOKEN);
  // Azure DevOps rate-limits the next call: one of the three PUTs is answered 429.
  await setRateLimit(stack.url, { next: 1, retryAfterSeconds: 1 });
  await form.getByRole("button", { name: "Apply to 3 subscriptions" }).click();
  const progress = panel.getByRole("region", { name: "Progress" });
  await expect(progress.getByRole("status")).toHaveText("Replacing the token: 2 of 3 succeeded, 1 failed.");
  await expect(progress.getByRole("list", { name: "Failed" }).getByRole("listitem")).toHaveCount(1);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `endpoint-rotation-failure-${width}`);
  }
  await progress.getByRole("button", { name: "Retry 1 failed" }).click();
  await expect(progress.getByRole("status")).toHaveText("Replacing the token: 1 of 1 succeeded.");

  await panel.getByRole("button", { name: "Test all" }).click();
  await expect(progress.getByRole("status")).toHaveText("Testing: 3 of 3 succeeded.", { timeout: 30_000 });
  // Every test delivery carried the new token: each subscription's stored token was replaced.
  expect(receiver.authorizations()).toEqual([1, 2, 3].map(() => `Bearer ${ROTATED_TOKEN}`));
  await expect(row).toContainText("100% of 3 succeeded");

  await panel.getByRole("button", { name: "Disable all" }).click();
  await expect(progress.getByRole("status")).toHaveText("Disabling: 3 of 3 succeeded.");
  await expect(row.locator(".hr-status")).toHaveText("Disabled by user");
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `endpoint-panel-${width}`);
  }

  await panel.getByRole("button", { name: "Delete all" }).click();
  const confirm = hub.getByRole("dialog", { name: "Delete 3 subscriptions?" });
  await confirm.getByRole("button", { name: "Delete all" }).click();
  await expect(panel.getByText("No subscription delivers to this endpoint any more.")).toBeVisible();
  await expect(row).toHaveCount(0);
});

test("move an endpoint's subscriptions to a new URL: the page asks for a token first, and the new address gets it", async ({ page, stack }) => {
  await resetDevhost(stack);
  receiver = await startReceiver(stack, 200);
  const next = await startReceiver(stack, 200);
  try {
    for (let i = 0; i < 2; i++) await createSubscription(stack, { url: receiver.url, token: FIRST_TOKEN });
    const hub = await openHub(page, stack);
    await hub.getByRole("switch", { name: "Group by endpoint" }).click();
    const grid = hub.getByRole("grid", { name: "Endpoints" });
    const rowOf = (url: string) => grid.getByRole("row").filter({ has: hub.getByTitle(url, { exact: true }) });
    await rowOf(receiver.url).getByRole("button", { name: `Manage endpoint ${receiver.url}` }).click();
    const panel = hub.getByRole("dialog", { name: "Endpoint" });
    const form = panel.getByRole("form", { name: "Change URL or token" });

    await form.getByLabel("Endpoint URL").fill(next.url);
    await expect(form.getByLabel("New token (required)")).toHaveAccessibleDescription(/asks for the token again when the URL changes/);
    await form.getByRole("button", { name: "Apply to 2 subscriptions" }).click();
    await expect(form.getByText(/^Type the token again: /)).toBeVisible();
    await expect(panel.getByRole("region", { name: "Progress" })).toHaveCount(0);
    await expect(rowOf(receiver.url)).toContainText("2 subscriptions");

    await form.getByLabel("New token (required)").fill(ROTATED_TOKEN);
    await form.getByRole("button", { name: "Apply to 2 subscriptions" }).click();
    const progress = panel.getByRole("region", { name: "Progress" });
    await expect(progress.getByRole("status")).toHaveText("Changing the URL and token: 2 of 2 succeeded.");
    await expect(rowOf(next.url)).toContainText("2 subscriptions");
    await expect(rowOf(receiver.url)).toHaveCount(0);

    await panel.getByRole("button", { name: "Test all" }).click();
    await expect(progress.getByRole("status")).toHaveText("Testing: 2 of 2 succeeded.", { timeout: 30_000 });
    expect(next.authorizations()).toEqual([1, 2].map(() => `Bearer ${ROTATED_TOKEN}`));
    expect(receiver.received()).toBe(0);
  } finally {
    await next.close();
  }
});

async function setRateLimit(origin: string, limit: Record<string, number>): Promise<void> {
  const response = await fetch(`${origin}_devhost/rate-limit`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(limit) });
  expect(response.status).toBe(200);
}
