/** A subscription made in the New subscription form delivers a push to the real companion over https. */
import { deliveriesSettled, expect, openHub, publishEvent, readCompanion, resetDevhost, screenshot, test } from "./fixtures";

const CHANNEL = "e2e-form";

test("a subscription created in the page delivers a git.push to the companion", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  // One subscription at a time waits in the command bar's overflow menu.
  await hub.getByRole("menuitem", { name: "More actions" }).click();
  await hub.getByRole("menuitem", { name: "New subscription" }).click();
  const dialog = hub.getByRole("dialog", { name: "New subscription" });
  await dialog.getByLabel("Event (required)").selectOption("git.push");
  await dialog.getByLabel("Repository").selectOption({ label: "payments-api" });
  // A channel path keeps these deliveries apart from the demo subscription's in the read API.
  await dialog.getByLabel("Endpoint URL (required)").fill(`${stack.companion.hooksUrl}/${CHANNEL}`);
  await dialog.getByLabel("Token (required)").fill(stack.companion.ingestToken);
  await screenshot(page, "new-subscription");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(hub.getByText("Code pushed subscription created.")).toBeVisible();
  await expect(dialog).toBeHidden();

  const context = (await (await fetch(`${stack.url}_devhost/context`)).json()) as { repositories: { id: string; name: string }[] };
  const repository = context.repositories.find((r) => r.name === "payments-api")!;
  const published = await publishEvent(stack, { eventType: "git.push", repository: repository.id });
  await deliveriesSettled(stack);

  const onChannel = await readCompanion(stack, `/api/events/${published.eventId}?channel=${CHANNEL}`);
  expect(onChannel.status).toBe(200);
  expect(onChannel.body).toMatchObject({ id: published.eventId, eventType: "git.push" });
});
