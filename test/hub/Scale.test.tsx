import { screen, waitFor } from "@testing-library/react";
import { HEALTH_BATCH_SIZE } from "../../src/hub/services/HooksService";
import { callsTo, startDevhost, type Devhost } from "./support/devhost";
import { dataRows, healthLoaded, renderHub } from "./support/renderHub";

let devhost: Devhost;
beforeEach(() => {
  devhost = startDevhost({ extraSubscriptions: 1000 });
});
afterEach(() => devhost.close());

test("1,000 subscriptions: the table keeps only visible rows in the DOM and health comes in batches", async () => {
  await renderHub();
  const table = screen.getByRole("grid", { name: "Hook Relay subscriptions" });
  await waitFor(() => expect(dataRows().length).toBeGreaterThan(0));
  await healthLoaded();
  expect(table).toHaveAttribute("aria-rowcount", String(1006 + 1));
  expect(dataRows().length).toBeLessThan(200);
  expect(callsTo(devhost, "POST", /NotificationsQuery$/i)).toHaveLength(Math.ceil(1006 / HEALTH_BATCH_SIZE));
  expect(callsTo(devhost, "GET", /Notifications/i)).toHaveLength(0);
});
