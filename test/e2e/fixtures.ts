/**
 * E2E fixtures: one devhost + companion endpoint per worker, started exactly as `npm run demo` does
 * (build/src/devhost/host/main.js) on random loopback ports, with time compressed; helpers to reach the
 * hub inside the host page's iframe, to save screenshots under test-results/, to read the companion's
 * API over https, and https receivers the devhost trusts (--trust-certificate).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test as base, expect, type FrameLocator, type Page } from "@playwright/test";
import { CONSUMER_ID, consumer } from "../../src/contract/manifest";
import { generateLocalCertificate, type LocalCertificate } from "../../src/devhost/host/tls";

const ROOT = resolve(__dirname, "../..");
const MAIN = join(ROOT, "build/src/devhost/host/main.js");
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
  companion: { hooksUrl: string; origin: string; ingestToken: string; readToken: string; certificate: string };
  /** A certificate the devhost was told to trust, for the specs' own https receivers. */
  receiverCertificate: LocalCertificate;
}

async function waitForFile(file: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`devhost exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`devhost did not start within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the stand-in as `npm run demo` does, with `extraArgs` (e.g. ["--subscriptions", "1000"]), for the duration of `use`. */
async function runStack(extraArgs: string[], use: (stack: Stack) => Promise<void>): Promise<void> {
  for (const built of [MAIN, HUB]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" before the e2e tests.`);
  }
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-e2e-"));
  const readyFile = join(dir, "ready.json");
  const receiverCertificate = generateLocalCertificate(dir);
  let output = "";
  const args = [MAIN, "--port", "0", "--time-scale", "0.001", "--ready-file", readyFile, "--trust-certificate", receiverCertificate.certFile, ...extraArgs];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    await waitForFile(readyFile, child, () => output);
    await use({ ...(JSON.parse(readFileSync(readyFile, "utf8")) as Omit<Stack, "receiverCertificate">), receiverCertificate });
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Extra seeded subscriptions in `largeStack`. */
export const LARGE_STACK_EXTRA = 1000;

export const test = base.extend<{ hub: FrameLocator }, { stack: Stack; largeStack: Stack }>({
  stack: [async ({}, use) => runStack([], use), { scope: "worker" }],
  /** A second stand-in seeded with LARGE_STACK_EXTRA more subscriptions; started only by the specs that use it. */
  largeStack: [async ({}, use) => runStack(["--subscriptions", String(LARGE_STACK_EXTRA)], use), { scope: "worker" }],
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

/** Puts the stand-in back to its seeded project (with the demo subscription). */
export async function resetDevhost(stack: Stack): Promise<void> {
  const response = await fetch(`${stack.url}_devhost/reset`, { method: "POST", body: "{}" });
  expect(response.status).toBe(200);
}

/** GET on the companion's read API, trusting its self-signed certificate (as the devhost does). */
export function readCompanion(stack: Stack, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(`${stack.companion.origin}${path}`, {
      headers: { authorization: `Bearer ${stack.companion.readToken}`, accept: "application/json" },
      ca: stack.companion.certificate,
    }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    request.on("error", reject);
    request.end();
  });
}

export interface Receiver {
  /** https://127.0.0.1:<port>/hooks */
  url: string;
  /** How many deliveries arrived. */
  received(): number;
  /** The Authorization header of each delivery, in order of arrival. */
  authorizations(): string[];
  close(): Promise<void>;
}

/** A local https endpoint that answers every delivery with `status`; the devhost trusts its certificate. */
export async function startReceiver(stack: Stack, status: number): Promise<Receiver> {
  let received = 0;
  const authorizations: string[] = [];
  const { key, cert } = stack.receiverCertificate;
  const server = createServer({ key, cert }, (request, response) => {
    authorizations.push(request.headers.authorization ?? "");
    request.resume();
    request.on("end", () => {
      received++;
      response.writeHead(status, { "content-type": "text/plain" }).end("receiver says no");
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}/hooks`,
    received: () => received,
    authorizations: () => [...authorizations],
    close: () => {
      server.closeAllConnections();
      return new Promise((closed) => server.close(() => closed()));
    },
  };
}

/** Creates a Hook Relay git.push subscription through the stand-in's REST API, as the hub does. */
export async function createSubscription(stack: Stack, consumerInputs: { url: string; token: string }): Promise<string> {
  const context = (await (await fetch(`${stack.url}_devhost/context`)).json()) as { project: { id: string } };
  const response = await fetch(`${stack.url}${stack.organization}/_apis/hooks/subscriptions?api-version=7.1`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      publisherId: "tfs",
      eventType: "git.push",
      consumerId: CONSUMER_ID,
      consumerActionId: consumer.actions[0].id,
      publisherInputs: { projectId: context.project.id },
      consumerInputs,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** The table row of one subscription, found by its Details button (whose name ends with the id). */
export function subscriptionRow(hub: FrameLocator, subscriptionId: string) {
  return hub.getByRole("row").filter({ has: hub.getByRole("button", { name: new RegExp(`^Details of .* ${subscriptionId}$`) }) });
}

export { expect };
