/** Finding a subscription among many: the keyword filter narrows the table, and the headers sort it. */
import { expect, openHub, resetDevhost, screenshot, test } from "./fixtures";

test("a keyword narrows the rows, clearing it brings them back, and a header click sorts", async ({ page, stack }) => {
  await resetDevhost(stack);
  const hub = await openHub(page, stack);
  const grid = hub.getByRole("grid", { name: "Hook Relay subscriptions" });
  const rows = grid.getByRole("row").filter({ has: hub.getByRole("button", { name: /^Details of / }) });
  const endpoints = grid.locator(".hr-endpoint-url");
  await expect(grid.getByText("On probation", { exact: true })).toBeVisible();
  const total = await rows.count();
  expect(total).toBeGreaterThanOrEqual(6);
  const listed = await endpoints.allTextContents();

  const filter = hub.getByRole("searchbox", { name: "Filter subscriptions by keyword" });
  await filter.fill("payments");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(["hooks/payments"]);
  await expect(hub.getByText(`1 of ${total} subscriptions`)).toBeVisible();

  await filter.fill("DISABLED");
  await expect(rows).toHaveCount(3);
  await expect(hub.getByText(`3 of ${total} subscriptions`)).toBeVisible();
  await screenshot(page, "search-filtered");

  await hub.getByRole("button", { name: "Clear keyword filter" }).click();
  await expect(filter).toHaveValue("");
  await expect(rows).toHaveCount(total);
  await expect(hub.getByText(/ of \d+ subscriptions/)).toHaveCount(0);

  await filter.fill("no-such-endpoint");
  await expect(grid).toBeHidden();
  await hub.getByRole("button", { name: "Clear filter", exact: true }).click();
  await expect(rows).toHaveCount(total);
  await expect(endpoints).toHaveText(listed);

  const endpointHeader = grid.getByRole("columnheader", { name: "Endpoint" });
  const ascending = [...listed].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base", numeric: true }));
  await endpointHeader.click();
  await expect(endpointHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(endpoints).toHaveText(ascending);
  await endpointHeader.click();
  await expect(endpointHeader).toHaveAttribute("aria-sort", "descending");
  await expect(endpoints).toHaveText([...ascending].reverse());
  await screenshot(page, "sorted-by-endpoint");
});
