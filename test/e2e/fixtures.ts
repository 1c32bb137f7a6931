/**
 * E2E fixtures: one devhost + companion endpoint per worker, started exactly as `npm run demo` does
 * (build/src/devhost/main.js) on random loopback ports, with time compressed; and helpers to reach
 * the hub inside the host page's iframe and to save screenshots under test-results/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test as base, expect, type FrameLocator, type Page } from "@playwright/test";

const ROOT = resolve(__dirname, "../..");
const MAIN = join(ROOT, "build/src/devhost/main.js");
const HUB = join(ROOT, "dist/hub/hub.html");
export const SCREENSHOTS = join(ROOT, "test-results/screenshots");

export interface Stack {
  /** The host page, e.g. http://127.0.0.1:41234/ */
  url: string;
  organization: string;
  /** The bearer token the stand-in's REST API accepts. */
  accessToken: string;
  /** The seeded subscription that delivers git.push events to the companion endpoint. */
  demoSubscriptionId: string;
  companion: { hooksUrl: string; origin: string; ingestToken: string; readToken: string };
}

async function waitForFile(file: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`devhost exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`devhost did not start within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const test = base.extend<{ hub: FrameLocator }, { stack: Stack }>({
  stack: [
    async ({}, use) => {
      for (const built of [MAIN, HUB]) {
        if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" before the e2e tests.`);
      }
      const dir = mkdtempSync(join(tmpdir(), "hookrelay-e2e-"));
      const readyFile = join(dir, "ready.json");
      let output = "";
      const child = spawn(process.execPath, [MAIN, "--port", "0", "--time-scale", "0.001", "--ready-file", readyFile], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d) => (output += d));
      child.stderr!.on("data", (d) => (output += d));
      try {
        await waitForFile(readyFile, child, () => output);
        await use(JSON.parse(readFileSync(readyFile, "utf8")) as Stack);
      } finally {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: "worker" },
  ],
  hub: async ({ page }, use) => {
    await use(hubFrame(page));
  },
});

/** The hub page inside the host page's iframe. */
export function hubFrame(page: Page): FrameLocator {
  return page.frameLocator("iframe#ext");
}

/** Loads the host page and waits until the hub has told the host it loaded (notifyLoadSucceeded). */
export async function openHub(page: Page, stack: Stack): Promise<FrameLocator> {
  await page.goto(stack.url);
  await expect(page.locator("#load-status")).toHaveAttribute("data-state", "loaded");
  return hubFrame(page);
}

/** A full-page screenshot with a stable name under test-results/screenshots/, written on every run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Raises an event through the stand-in, as the host page's panel does. */
export async function publishEvent(stack: Stack, body: Record<string, unknown>) {
  const response = await fetch(`${stack.url}_devhost/publish`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { eventId: string; notifications: { id: number; subscriptionId: string }[]; dropped: string[] };
}

/** Waits until every delivery the stand-in started has finished. */
export async function deliveriesSettled(stack: Stack): Promise<void> {
  await fetch(`${stack.url}_devhost/idle`);
}

export { expect };
