import * as React from "react";
import type userEvent from "@testing-library/user-event";
import { render, screen, waitFor, within } from "@testing-library/react";
import { Hub } from "../../../src/hub/Hub";
import { createHooksService } from "../../../src/hub/services/hostContext";

/** Render the page as index.tsx does: the service comes from the (fake) SDK host and the real clients. */
export async function renderHub() {
  const service = await createHooksService();
  const view = render(<Hub service={service} testPolling={{ intervalMs: 20, timeoutMs: 5000 }} />);
  await screen.findByRole("grid", { name: "Hook Relay subscriptions" });
  return { service, view };
}

export function dataRows(): HTMLElement[] {
  const table = screen.getByRole("grid", { name: "Hook Relay subscriptions" });
  return within(table)
    .getAllByRole("row")
    .filter((row) => within(row).queryAllByRole("columnheader").length === 0);
}

export function rowWith(text: string): HTMLElement {
  const matches = dataRows().filter((row) => row.textContent?.includes(text));
  if (matches.length !== 1) throw new Error(`Expected one row with "${text}", found ${matches.length}`);
  return matches[0];
}

/** Wait until delivery health has loaded for every row. */
export async function healthLoaded(): Promise<void> {
  await waitFor(() => expect(dataRows().some((row) => row.textContent?.includes("Loading…"))).toBe(false));
}

export async function openDetails(rowText: string): Promise<HTMLElement> {
  within(rowWith(rowText)).getByRole("button", { name: /^Details of/ }).click();
  return screen.findByRole("dialog", { name: /subscription$/ });
}

/** New subscription waits in the command bar's overflow menu. */
export async function openNewSubscription(user: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  await user.click(screen.getByRole("menuitem", { name: "More actions" }));
  await user.click(await screen.findByRole("menuitem", { name: "New subscription" }));
  return screen.findByRole("dialog", { name: "New subscription" });
}
