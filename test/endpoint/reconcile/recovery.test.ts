/**
 * The done-criterion of reconciliation, on both stores: the endpoint is stopped, pushes and pull
 * requests are raised in the stand-in until its subscriptions go on probation and events are dropped,
 * the endpoint comes back, and one run leaves every raised git.push, git.pullrequest.created and
 * git.pullrequest.merged stored exactly once, with the right origin, and an exact account of the rest.
 * Then late redeliveries, a second run, and a rate-limited stand-in.
 */
import { startDevhost, type RunningDevhost } from "../../devhost/support/devhost";
import { publish, type PublishRequest } from "../../../src/devhost/core/publish";
import { SEED_PROJECT } from "../../../src/devhost/core/seed";
import type { GitEventType } from "../../../src/contract/events";
import { naturalKeyOf } from "../../../src/contract/naturalKey";
import { buildServer, type EndpointServer } from "../../../src/endpoint/server";
import { openStore } from "../../../src/endpoint/store";
import type { EventStore, EventSummary } from "../../../src/endpoint/store/types";
import { AdoClient } from "../../../src/endpoint/reconcile/client";
import { rebuiltEventId } from "../../../src/endpoint/reconcile/gitRebuild";
import type { RunRecord, SubscriptionReport } from "../../../src/endpoint/reconcile/types";
import { StoreFactory, type StoreKind } from "../helpers";
import { subscribe } from "./subscribe";

const INGEST = "ingest-token-for-reconcile-tests";
const READ = "read-token-for-reconcile-tests-0";
const CHANNEL = "ci";
const KEYED: GitEventType[] = ["git.push", "git.pullrequest.created", "git.pullrequest.merged"];
type Json = Record<string, any>;

/** One raised event: what it was, the subscription's fate for it, and its natural key. */
interface Raised {
  eventType: GitEventType;
  event: Json;
  key: string;
  fate: "delivered" | "failed" | "dropped";
}

class Endpoint {
  app!: EndpointServer;
  store!: EventStore;
  port = 0;

  constructor(
    private readonly url: string,
    private readonly devhost: RunningDevhost,
  ) {}

  async start(reconcile: boolean): Promise<void> {
    this.store = await openStore(this.url);
    const client = new AdoClient({ organizationUrl: this.devhost.rootPath, token: this.devhost.personalAccessToken, backoffMs: 10 });
    this.app = buildServer({
      store: this.store,
      ingestTokens: [INGEST],
      readTokens: [READ],
      reconcile: reconcile ? { client, publicUrls: [`http://127.0.0.1:${this.port}/`], intervalMs: 3_600_000, windowMs: 3_600_000 } : undefined,
    });
    await this.app.listen({ port: this.port, host: "127.0.0.1" });
    this.port = (this.app.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.store.close();
  }

  get hooksUrl(): string {
    return `http://127.0.0.1:${this.port}/hooks/${CHANNEL}`;
  }

  /** One run to its end, whether the start-up run or one started now. */
  async reconcile(): Promise<RunRecord> {
    const reconciler = this.app.reconciler!;
    const start = reconciler.runNow();
    if (start.started) await start.run;
    else await reconciler.idle();
    const run = await this.store.ledger.lastRun();
    if (!run) throw new Error("no run recorded");
    return run;
  }

  async events(): Promise<EventSummary[]> {
    const all: EventSummary[] = [];
    let after = "0";
    for (;;) {
      const page = await this.store.eventsAfter(this.store.parsePosition(after)!, { channel: CHANNEL }, 500);
      if (page.length === 0) return all;
      all.push(...page);
      after = page[page.length - 1].position;
    }
  }

  async deliver(event: Json): Promise<Json> {
    const response = await fetch(this.hooksUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${INGEST}`, "Content-Type": "application/json" },
      body: JSON.stringify(event),
    });
    return (await response.json()) as Json;
  }
}

describe.each<StoreKind>(["sqlite", "postgres"])("reconciliation on %s", (kind) => {
  const stores = new StoreFactory(kind);
  let devhost: RunningDevhost;
  let endpoint: Endpoint;
  const raised: Raised[] = [];
  const subscriptionIds = new Map<GitEventType, string>();

  /** Raises one event in the stand-in and waits until its delivery (and retries) have ended. */
  async function raise(request: PublishRequest): Promise<Raised> {
    const result = publish(devhost.state, devhost.engine, request);
    await devhost.engine.idle();
    const subscriptionId = subscriptionIds.get(request.eventType as GitEventType)!;
    const notification = result.notifications.find((n) => n.subscriptionId === subscriptionId);
    const fate = result.dropped.includes(subscriptionId)
      ? "dropped"
      : devhost.state.notification(notification!.id)!.result === 10
        ? "delivered"
        : "failed";
    const entry = { eventType: request.eventType as GitEventType, event: result.event, key: naturalKeyOf(result.event)!, fate } as Raised;
    raised.push(entry);
    return entry;
  }

  const report = (run: RunRecord, eventType: GitEventType): SubscriptionReport => run.subscriptions!.find((s) => s.eventType === eventType)!;

  beforeAll(async () => {
    // Probation windows of about 12 s: every event raised right after a failure is dropped.
    devhost = await startDevhost({ timeScale: 0.01 });
    endpoint = new Endpoint(await stores.url(), devhost);
    await endpoint.start(false);
    for (const eventType of KEYED) subscriptionIds.set(eventType, subscribe(devhost.state, { eventType, url: endpoint.hooksUrl, token: INGEST }));
  });
  afterAll(async () => {
    await endpoint.stop().catch(() => undefined);
    devhost.engine.close();
    await devhost.close();
    await stores.cleanup();
  });

  test("after an outage that dropped events, one run stores every push, PR created and PR merged once, with its origin", async () => {
    const repository = devhost.state.data.repositories.find((r) => r.projectId === SEED_PROJECT.id)!.name;
    // While the endpoint is up: delivered.
    await raise({ eventType: "git.push", repository, branch: "main" });
    const first = await raise({ eventType: "git.pullrequest.created", repository });
    expect(raised.every((r) => r.fate === "delivered")).toBe(true);

    await endpoint.stop();
    // The first event of each subscription fails (history keeps it); the next ones are dropped.
    const second = await raise({ eventType: "git.pullrequest.created", repository });
    const third = await raise({ eventType: "git.pullrequest.created", repository });
    for (let i = 0; i < 3; i++) await raise({ eventType: "git.push", repository, branch: i === 1 ? "develop" : "main" });
    for (const pullRequest of [first, second, third]) {
      await raise({ eventType: "git.pullrequest.merged", repository, pullRequestId: pullRequest.event.resource.pullRequestId });
    }
    for (const eventType of KEYED) {
      const fates = raised.filter((r) => r.eventType === eventType && r.fate !== "delivered").map((r) => r.fate);
      expect(fates[0]).toBe("failed");
      expect(fates.slice(1)).toContain("dropped");
    }

    await endpoint.start(true);
    const run = await endpoint.reconcile();
    expect(run.result).toBe("succeeded");

    const stored = await endpoint.events();
    // Exactly one event per raised change, and nothing else.
    expect(stored).toHaveLength(raised.length);
    for (const entry of raised) {
      const holding = await endpoint.store.ledger.hasNaturalKey(CHANNEL, entry.key);
      expect(holding).toBe(true);
      const origin = { delivered: "delivered", failed: "recovered", dropped: "rebuilt" }[entry.fate];
      const id = entry.fate === "dropped" ? rebuiltEventId(entry.key) : entry.event.id;
      const event = stored.find((s) => s.id === id);
      expect(event).toMatchObject({ origin, eventType: entry.eventType });
    }

    // The account: per subscription, what history and Git held, and what was done about it.
    for (const eventType of KEYED) {
      const mine = raised.filter((r) => r.eventType === eventType);
      const count = (fate: Raised["fate"]) => mine.filter((r) => r.fate === fate).length;
      const account = report(run, eventType);
      expect(account.channel).toBe(CHANNEL);
      expect(account.history).toEqual({ unsettled: count("failed"), alreadyHeld: 0, recovered: count("failed"), truncated: 0 });
      expect(account.git).toEqual({ changes: mine.length, alreadyHeld: count("delivered") + count("failed"), rebuilt: count("dropped") });
      expect(account.unrecoverable).toEqual([]);
      expect(account.azureDevOps).toMatchObject({ failed: count("failed") });
      expect(account.held).toBe(mine.length);
      expect(account.droppedWindows[0]).toMatchObject({ status: "onProbation" });
    }
  });

  test("a late redelivery of a recovered or a dropped event is a receipt of the stored one; the original supersedes the rebuilt body", async () => {
    const failed = raised.find((r) => r.fate === "failed" && r.eventType === "git.push")!;
    const dropped = raised.find((r) => r.fate === "dropped" && r.eventType === "git.push")!;
    const before = (await endpoint.events()).length;

    expect(await endpoint.deliver(failed.event)).toMatchObject({ id: failed.event.id, duplicate: true, receiptCount: 2 });
    expect(await endpoint.deliver(dropped.event)).toMatchObject({ id: dropped.event.id, duplicate: true, receiptCount: 2 });

    expect(await endpoint.events()).toHaveLength(before);
    const original = await endpoint.store.get(dropped.event.id, CHANNEL);
    expect(original).toMatchObject({ origin: "delivered", receiptCount: 2 });
    expect(JSON.parse(original!.body)).toEqual(dropped.event);
  });

  test("a second run finds everything held and stores nothing", async () => {
    const before = (await endpoint.events()).length;
    const run = await endpoint.reconcile();
    expect(run.result).toBe("succeeded");
    for (const eventType of KEYED) {
      const account = report(run, eventType);
      expect(account.git!.rebuilt).toBe(0);
      expect(account.history.recovered).toBe(0);
      expect(account.git!.alreadyHeld).toBe(account.git!.changes);
    }
    expect(await endpoint.events()).toHaveLength(before);
  });

  test("the API shows the last run and starts one on the write token; metrics give each subscription's status", async () => {
    const base = `http://127.0.0.1:${endpoint.port}`;
    const call = (path: string, token?: string, method = "GET") =>
      fetch(`${base}${path}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });

    expect((await call("/api/reconciliation")).status).toBe(401);
    expect((await call("/api/reconciliation", INGEST)).status).toBe(401);
    const shown = (await (await call("/api/reconciliation", READ)).json()) as Json;
    expect(shown).toMatchObject({ enabled: true, running: false, lastRun: { result: "succeeded" }, lastSuccessfulRunAt: expect.any(String) });
    expect(shown.lastRun.subscriptions.map((s: SubscriptionReport) => s.eventType).sort()).toEqual([...KEYED].sort());
    expect(JSON.stringify(shown)).not.toContain(INGEST);

    expect((await call("/api/reconciliation/run", READ, "POST")).status).toBe(401);
    const started = await call("/api/reconciliation/run", INGEST, "POST");
    expect(started.status).toBe(202);
    await endpoint.app.reconciler!.idle();

    const rebuilt = (await (await call("/api/events?origin=rebuilt", READ)).json()) as Json;
    expect(rebuilt.value.length).toBeGreaterThan(0);
    expect(rebuilt.value.every((e: EventSummary) => e.origin === "rebuilt")).toBe(true);
    expect((await call("/api/events?origin=replayed", READ)).status).toBe(400);

    const metrics = await (await call("/metrics")).text();
    for (const id of subscriptionIds.values()) {
      const lines = metrics.split("\n").filter((line) => line.startsWith("hookrelay_subscription_status{") && line.includes(`subscription_id="${id}"`));
      expect(lines.filter((line) => line.endsWith(" 1"))).toHaveLength(1);
    }
    expect(metrics).toMatch(/hookrelay_reconciled_events_total\{origin="rebuilt",event_type="git.push"\} [1-9]/);
    expect(metrics).toMatch(/hookrelay_reconcile_runs_total\{result="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/hookrelay_reconcile_last_success_timestamp_seconds \d{10}/);
  });

  test("on a rate-limited stand-in the run waits as Retry-After says and still gets every event", async () => {
    await endpoint.stop();
    const repository = devhost.state.data.repositories.find((r) => r.projectId === SEED_PROJECT.id)!.name;
    await raise({ eventType: "git.push", repository, branch: "main" });
    await raise({ eventType: "git.push", repository, branch: "main" });
    devhost.rateLimiter.configure({ fraction: 0.5, retryAfterSeconds: 0 });
    try {
      await endpoint.start(true);
      const run = await endpoint.reconcile();
      expect(run.result).toBe("succeeded");
      expect(devhost.rateLimiter.status().blocked).toBeGreaterThan(0);
      const stored = await endpoint.events();
      expect(stored).toHaveLength(raised.length);
      for (const entry of raised) expect(await endpoint.store.ledger.hasNaturalKey(CHANNEL, entry.key)).toBe(true);
    } finally {
      devhost.rateLimiter.configure({});
    }
  });
});
