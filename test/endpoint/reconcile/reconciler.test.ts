/** Runs one at a time: in this process, across replicas (the ledger's lock), and cut short by shutdown. */
import { startDevhost, type RunningDevhost } from "../../devhost/support/devhost";
import { AdoClient } from "../../../src/endpoint/reconcile/client";
import { Reconciler } from "../../../src/endpoint/reconcile/reconciler";
import { MemoryLedger } from "./memoryLedger";

let devhost: RunningDevhost;
beforeAll(async () => {
  devhost = await startDevhost();
});
afterAll(() => devhost.close());

function reconciler(ledger: MemoryLedger): Reconciler {
  const client = new AdoClient({ organizationUrl: devhost.rootPath, token: devhost.personalAccessToken });
  return new Reconciler({ client, ledger, record: ledger.record, publicUrls: ["https://relay.example.com/"], windowMs: 3_600_000, intervalMs: 3_600_000 });
}

test("a second run asked for while one is under way is refused; the first is recorded", async () => {
  const ledger = new MemoryLedger();
  const runs = reconciler(ledger);
  const first = runs.runNow();
  expect(runs.runNow()).toEqual({ started: false, reason: "running" });
  expect(first.started).toBe(true);
  if (first.started) expect(await first.run).toMatchObject({ result: "succeeded", subscriptions: [] });
  expect(runs.running).toBe(false);
  expect(await ledger.lastRun()).toMatchObject({ id: 1, result: "succeeded" });
});

test("while another replica holds the lock, nothing runs here", async () => {
  const ledger = new MemoryLedger();
  jest.spyOn(ledger, "exclusively").mockResolvedValue({ ran: false });
  const start = reconciler(ledger).runNow();
  expect(start.started && (await start.run)).toBeUndefined();
  expect(await ledger.lastRun()).toBeUndefined();
});

test("shutdown cancels a run waiting out a rate limit, and records it as interrupted", async () => {
  devhost.rateLimiter.configure({ next: 1000, retryAfterSeconds: 600 });
  try {
    const ledger = new MemoryLedger();
    const runs = reconciler(ledger);
    const start = runs.runNow();
    // The first call is answered 429: the run now waits ten minutes unless it is stopped.
    while (devhost.rateLimiter.status().blocked === 0) await new Promise((resolve) => setImmediate(resolve));
    await runs.stop();
    expect(start.started && (await start.run)).toMatchObject({ result: "interrupted" });
    expect(await ledger.lastRun()).toMatchObject({ result: "interrupted" });
  } finally {
    devhost.rateLimiter.configure({});
  }
});
