/**
 * Signed in as a contributor without diagnostics rights (not the creator, not an administrator):
 * Azure DevOps sends history entries without their request, response and event, and the page says so.
 */
import { expect, hubFrame, resetDevhost, screenshot, test, type Stack } from "./fixtures";

interface DevhostIdentity {
  id: string;
  uniqueName: string;
  displayName: string;
  collectionAdmin: boolean;
  projectAdminOf: string[];
}

/** The contributor the README names for trying this (Johnnie), as /_devhost/identities describes him. */
const CONTRIBUTOR = "fabrikamfiber2@hotmail.com";

async function contributorWithoutDiagnostics(stack: Stack): Promise<DevhostIdentity> {
  const identities = (await (await fetch(`${stack.url}_devhost/identities`)).json()) as DevhostIdentity[];
  const contributor = identities.find((i) => i.uniqueName === CONTRIBUTOR);
  expect(contributor).toMatchObject({ collectionAdmin: false, projectAdminOf: [] });
  return contributor!;
}

test("a contributor sees results, times and errors, and is told plainly what Azure DevOps withheld", async ({ page, stack }) => {
  await resetDevhost(stack);
  const contributor = await contributorWithoutDiagnostics(stack);
  await page.goto(`${stack.url}?user=${encodeURIComponent(contributor.uniqueName)}`);
  await expect(page.locator("#load-status")).toHaveAttribute("data-state", "loaded");
  await expect(page.locator("#crumbs")).toContainText(`signed in as ${contributor.displayName}`);
  const hub = hubFrame(page);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const fiber = grid.getByRole("row").filter({ hasText: "hooks/fiber" });
  // The summary and the newest notification are not withheld: the table reads the same as for an administrator.
  await expect(fiber).toContainText("83% of 6 succeeded");

  await fiber.getByRole("button", { name: /^Details of / }).click();
  const history = hub.getByRole("dialog", { name: "Code pushed subscription" }).getByRole("region", { name: "Notification history" });
  await history.getByLabel("Result").selectOption({ label: "Failed" });
  await history.getByRole("list", { name: "Notifications" }).getByRole("button").click();
  const detail = history.getByRole("region", { name: /^Notification \d+$/ });
  await expect(detail.getByRole("note")).toHaveText(
    "Azure DevOps withheld the request, the response and the event: only the subscription's creator, project administrators and project collection administrators may see them.",
  );
  await expect(detail).toContainText("Response status code does not indicate success: 401 (Unauthorized).");
  await expect(detail.getByLabel("Request")).toHaveCount(0);
  await expect(detail.getByRole("group", { name: "Event payload" })).toHaveCount(0);
  for (const width of [1280, 1440, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await detail.scrollIntoViewIfNeeded();
    await screenshot(page, `withheld-${width}`);
  }
});
