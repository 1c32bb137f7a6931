/**
 * Connect an endpoint in one step against the stand-in: the five events in the whole project, then in
 * three repositories with two creates refused by Azure DevOps's rate limit and retried, then "Send a
 * test" on every new subscription. Screenshots of the form and the report at 1280, 1440 and 1920 px.
 */
import type { FrameLocator, Locator, Page } from "@playwright/test";
import { expect, openHub, resetDevhost, screenshot, test, type Stack } from "./fixtures";

const WIDTHS = [1280, 1440, 1920];

async function openConnect(hub: FrameLocator, stack: Stack, channel: string): Promise<Locator> {
  // The rows' health has loaded: from here on, the page calls Azure DevOps only for what the panel does.
  await expect(hub.getByRole("grid", { name: "Hook Relay subscriptions" })).not.toContainText("Loading…");
  await hub.getByRole("menuitem", { name: "Connect an endpoint" }).click();
  const panel = hub.getByRole("dialog", { name: "Connect an endpoint" });
  await panel.getByLabel("Endpoint URL (required)").fill(`${stack.companion.hooksUrl}/${channel}`);
  await panel.getByLabel("Token (required)").fill(stack.companion.ingestToken);
  return panel;
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1400, height: 860 });
}

async function setRateLimit(stack: Stack, settings: Record<string, number>): Promise<void> {
  const response = await fetch(`${stack.url}_devhost/rate-limit`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(settings) });
  expect(response.status).toBe(200);
}

const progress = (panel: Locator) => panel.getByRole("status", { name: "Progress" });

test("connects the companion to the five events of the whole project in one step", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const panel = await openConnect(hub, stack, "e2e-connect-project");
  await expect(panel.getByRole("status", { name: "Plan" })).toHaveText("5 events in the whole project = 5 subscriptions");
  await screenshots(page, "connect-form");
  await panel.getByRole("button", { name: "Create 5 subscriptions" }).click();
  await expect(progress(panel)).toHaveText("5 of 5 created");
  await panel.getByRole("button", { name: "Done" }).click();
  await expect(hub.getByRole("row").filter({ hasText: "e2e-connect-project" })).toHaveCount(5);
});

test("three repositories: a partial failure is reported with Azure DevOps's message, retried alone, then tested", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const panel = await openConnect(hub, stack, "e2e-connect-repos");
  await panel.getByRole("radio", { name: "Chosen repositories" }).click();
  const repositories = panel.getByRole("group", { name: "Repositories" });
  for (const name of ["fabrikam-web", "payments-api", "infrastructure"]) {
    await panel.getByLabel("Search repositories").fill(name.slice(0, 5));
    await repositories.getByRole("checkbox", { name }).click();
  }
  await panel.getByLabel("Search repositories").fill("");
  await panel.getByLabel("Branch for code pushed").fill("main");
  await expect(panel.getByRole("status", { name: "Plan" })).toHaveText("5 events × 3 repositories = 15 subscriptions");
  await screenshots(page, "connect-repositories");

  // Azure DevOps's rate limit refuses the next three calls: the lookup of what is there already
  // (then everything is created) and the first two creates (four start at once).
  await setRateLimit(stack, { next: 3 });
  await panel.getByRole("button", { name: "Create 15 subscriptions" }).click();
  await expect(progress(panel)).toHaveText("13 of 15 created, 2 failed");
  const failed = panel.getByRole("row").filter({ hasText: "Failed." });
  await expect(failed).toHaveCount(2);
  await expect(failed.first()).toContainText("TF400733: The request has been canceled");
  await screenshots(page, "connect-partial-failure");

  await panel.getByRole("button", { name: "Retry failed (2)" }).click();
  await expect(progress(panel)).toHaveText("15 of 15 created");
  await expect(panel.getByRole("button", { name: /Retry failed/ })).toHaveCount(0);

  await panel.getByRole("button", { name: "Send a test" }).click();
  await expect(panel.getByRole("status", { name: "Test summary" })).toHaveText("Tests: 15 of 15 delivered", { timeout: 45_000 });
  await expect(panel.getByText(/^Test delivered · HTTP 200/)).toHaveCount(15);
  await screenshots(page, "connect-tested");
  await panel.getByRole("button", { name: "Done" }).click();
  await expect(hub.getByRole("row").filter({ hasText: "e2e-connect-repos" })).toHaveCount(15);
});
