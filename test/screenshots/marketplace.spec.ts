/**
 * The pictures overview.md (the Marketplace listing) and README.md show, taken from the demo stack:
 * the subscriptions table, a subscription's history with one delivery opened, and what the companion
 * endpoint answers to GET /api/events after an event went through. Run with `npm run screenshots`.
 */
import { join, resolve } from "node:path";
import type { Page } from "@playwright/test";
import { deliveriesSettled, expect, openHub, publishEvent, readCompanion, resetDevhost, test } from "../e2e/fixtures";

const ROOT = resolve(__dirname, "../..");
const image = (name: string) => join(ROOT, "images", name);

/** Just the extension's frame: what the Marketplace reader would see of Azure DevOps is the page itself. */
async function shootHub(page: Page, file: string): Promise<void> {
  await page.locator("iframe#ext").screenshot({ path: file });
}

test("the table, a delivery history and the endpoint's answer", async ({ page, stack }) => {
  await resetDevhost(stack);
  // The README shows the whole stand-in at 1440 px; the Marketplace the page alone, as wide as 1920 px windows make it.
  await page.setViewportSize({ width: 1440, height: 900 });
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const fiber = grid.getByRole("row").filter({ hasText: "hooks/fiber" });
  await expect(fiber).toContainText("83% of 6 succeeded");
  await expect(grid).not.toContainText("Loading…");
  await page.screenshot({ path: join(ROOT, "docs/hub.png") });
  await page.setViewportSize({ width: 1920, height: 900 });
  await shootHub(page, image("hub-table.png"));

  await fiber.getByRole("button", { name: /^Details of / }).click();
  const panel = hub.getByRole("dialog", { name: "Code pushed subscription" });
  const history = panel.getByRole("region", { name: "Notification history" });
  await history.getByLabel("Result").selectOption({ label: "Failed" });
  await history.getByRole("list", { name: "Notifications" }).getByRole("button").click();
  const detail = history.getByRole("region", { name: /^Notification \d+$/ });
  await expect(detail).toContainText("Response statusHTTP 401");
  // The list of deliveries and the opened one.
  await history.evaluate((region) => region.scrollIntoView({ block: "start" }));
  await shootHub(page, image("hub-history.png"));

  // The demo subscription delivers every push to the companion endpoint.
  const published = await publishEvent(stack, { eventType: "git.push" });
  await deliveriesSettled(stack);
  const events = await readCompanion(stack, "/api/events?limit=1");
  expect(events.status).toBe(200);
  expect(events.body).toMatchObject({ value: [{ id: published.eventId }] });
  await showAsTerminal(page, `GET ${new URL(stack.companion.hooksUrl).origin}/api/events?limit=1`, events.body);
  await page.locator("main").screenshot({ path: image("endpoint-events.png") });
});

/** A terminal-like page with the request and its pretty-printed JSON answer (set as text, never as HTML). */
async function showAsTerminal(page: Page, request: string, body: unknown): Promise<void> {
  await page.setViewportSize({ width: 960, height: 900 });
  await page.setContent(`<!DOCTYPE html><meta charset="utf-8"><style>
    body { margin: 0; background: #fff; }
    main { margin: 16px; width: 900px; background: #1e1e1e; color: #d4d4d4; border-radius: 6px; padding: 16px;
           font: 13px/1.45 Consolas, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
    .prompt { color: #6a9955; }
  </style><main><span class="prompt"></span><span class="answer"></span></main>`);
  await page.locator(".prompt").evaluate((el, text) => (el.textContent = `$ curl -H "Authorization: Bearer $READ_TOKEN" ${text}\n`), request.replace(/^GET /, ""));
  await page.locator(".answer").evaluate((el, text) => (el.textContent = text), JSON.stringify(body, null, 2));
}

test("connect an endpoint: three repositories, created and tested in one pass", async ({ page, stack }) => {
  await resetDevhost(stack);
  await page.setViewportSize({ width: 1920, height: 1000 });
  const hub = await openHub(page, stack);
  await hub.getByRole("menuitem", { name: "Connect an endpoint" }).click();
  const panel = hub.getByRole("dialog", { name: "Connect an endpoint" });
  await panel.getByLabel("Endpoint URL (required)").fill(`${stack.companion.hooksUrl}/my-team`);
  await panel.getByLabel("Token (required)").fill(stack.companion.ingestToken);
  await panel.getByLabel("Branch for code pushed").fill("main");
  await panel.getByRole("radio", { name: "Chosen repositories" }).click();
  for (const name of ["fabrikam-web", "payments-api", "infrastructure"]) {
    await panel.getByRole("group", { name: "Repositories" }).getByRole("checkbox", { name }).click();
  }
  await panel.getByRole("button", { name: "Create 15 subscriptions" }).click();
  await expect(panel.getByRole("status", { name: "Progress" })).toHaveText("15 of 15 created");
  await panel.getByRole("button", { name: "Send a test" }).click();
  await expect(panel.getByRole("status", { name: "Test summary" })).toHaveText("Tests: 15 of 15 delivered", { timeout: 45_000 });
  await shootHub(page, image("hub-connect.png"));
});
