/** The delivery engine against a real local HTTP receiver, with compressed time. */
import { CONSUMER_ID, consumer } from "../../src/contract/manifest";
import { loadTestSample } from "../../src/contract/samples";
import { DeliveryEngine, type DeliveryOptions } from "../../src/devhost/delivery/engine";
import { publish } from "../../src/devhost/core/publish";
import { seed, SEED_PROJECT } from "../../src/devhost/core/seed";
import { NotificationResult, NotificationStatus, SubscriptionStatus } from "../../src/devhost/core/contracts";
import { serviceTimestamp } from "../../src/devhost/core/dates";
import { DevhostState, type StoredSubscription } from "../../src/devhost/core/state";
import { startReceiver, type Receiver } from "./support/receiver";

let receiver: Receiver;
let state: DevhostState;
let engine: DeliveryEngine;
const TOKEN = "receiver-token-0123456789";

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => engine.close());

function setUp(options: DeliveryOptions = {}, inputs: Record<string, string> = {}): StoredSubscription {
  state = new DevhostState();
  seed(state);
  // Only our subscription is active, so the receiver sees exactly its deliveries.
  for (const s of state.data.subscriptions) s.status = SubscriptionStatus.DisabledByUser;
  // The receiver listens on loopback, which Azure DevOps Services would refuse.
  engine = new DeliveryEngine(state, { timeScale: 0.0001, allowHttp: true, allowLocalDelivery: true, random: () => 0.5, ...options });
  receiver.received.length = 0;
  receiver.script([]);
  const now = new Date().toISOString();
  return state.addSubscription({
    ...state.data.subscriptions[0],
    id: "0f0f0f0f-1111-2222-3333-444444444444",
    status: SubscriptionStatus.Enabled,
    eventType: "git.push",
    publisherInputs: { projectId: SEED_PROJECT.id, repository: state.data.repositories[0].id, branch: "main" },
    consumerInputs: { url: receiver.url, token: TOKEN, ...inputs },
    consumerId: CONSUMER_ID,
    consumerActionId: consumer.actions[0].id,
    probationRetries: 0,
    lastProbationRetryDate: null,
    modifiedDate: now,
  });
}

async function push(branch = "main") {
  const result = publish(state, engine, { eventType: "git.push", branch });
  await engine.idle();
  return result;
}

test("POSTs the shaped event with the rendered Authorization header and records masked history", async () => {
  const subscription = setUp();
  const { notifications, event } = await push();
  expect(receiver.received).toHaveLength(1);
  const [delivery] = receiver.received;
  expect(delivery.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(delivery.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(delivery.body).toMatchObject({ id: event.id, eventType: "git.push", publisherId: "tfs" });
  expect(delivery.body).not.toHaveProperty("subscriptionId");
  expect(delivery.body).not.toHaveProperty("scope");
  const stored = state.notification(notifications[0].id)!;
  expect(stored.result).toBe(NotificationResult.Succeeded);
  expect(stored.details!.request).toContain("Authorization: Bearer ********");
  expect(stored.details!.request).not.toContain(TOKEN);
  expect(stored.details!.response).toMatch(/^StatusCode: 200, ReasonPhrase: 'OK'/);
  expect(stored.details!.response).toContain("x-receiver: test");
  expect(stored.details!.response).not.toContain("never read");
  expect(stored.details!.consumerInputs.token).toBe("********");
  expect(state.subscription(subscription.id)?.lastSuccessfulAttemptDate).not.toBeNull();
});

test.each([
  ["minimal", "text", { resource: ["pushId", "url"], message: ["text"] }],
  ["none", "none", { resource: undefined, message: null }],
])("shapes the body: resourceDetailsToSend=%s, messagesToSend=%s", async (details, messages, expected) => {
  setUp({}, { resourceDetailsToSend: details, messagesToSend: messages });
  await push();
  const body = receiver.received[0].body;
  const keys = (value: unknown) => (value === null || value === undefined ? value : Object.keys(value as object).sort());
  expect(keys(body.resource)).toEqual(expected.resource && [...expected.resource].sort());
  expect(keys(body.message)).toEqual(expected.message);
  // "none" leaves resource and resourceVersion out of the body, not null (rest-responses §3).
  if (details === "none") expect(body).not.toHaveProperty("resource");
  if (details === "none") expect(body).not.toHaveProperty("resourceVersion");
  expect(Object.keys(body.detailedMessage as object).sort()).toEqual(["html", "markdown", "text"]);
});

test("applies the repository and branch filters", async () => {
  setUp();
  const other = await push("develop");
  expect(other.notifications).toHaveLength(0);
  const elsewhere = publish(state, engine, { eventType: "git.push", repository: state.data.repositories[1].id, branch: "main" });
  expect(elsewhere.notifications).toHaveLength(0);
  expect((await push("main")).notifications).toHaveLength(1);
});

test("retries a 503 with the same event id, then succeeds", async () => {
  setUp();
  receiver.script([503, 503]);
  const { notifications } = await push();
  expect(receiver.received).toHaveLength(3);
  expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(1);
  const stored = state.notification(notifications[0].id)!;
  expect(stored.result).toBe(NotificationResult.Succeeded);
  expect(stored.details!.requestAttempts).toBe(3);
});

test("a 410 disables the subscription at once", async () => {
  const subscription = setUp();
  receiver.script([410]);
  await push();
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.DisabledBySystem);
});

test("a 500 starts probation, events inside the window are dropped, a successful probe restores enabled", async () => {
  const subscription = setUp({ timeScale: 0.0005 });
  receiver.script([500]);
  await push();
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.OnProbation);
  const dropped = await push();
  expect(dropped.notifications).toHaveLength(0);
  expect(dropped.dropped).toEqual([subscription.id]);
  expect(state.data.droppedOnProbation[subscription.id]).toBe(1);
  expect(receiver.received).toHaveLength(1);
  // First window: 10 min + (2^1 − 1)·10 min = 20 min, × 0.0005 = 600 ms.
  await new Promise((resolve) => setTimeout(resolve, 650));
  const probe = await push();
  expect(probe.notifications).toHaveLength(1);
  expect(state.subscription(subscription.id)).toMatchObject({ status: SubscriptionStatus.Enabled, probationRetries: 0 });
});

test("seven failed probes disable the subscription", async () => {
  const subscription = setUp({ timeScale: 0.000002 });
  receiver.script([], 500);
  await push();
  for (let probe = 1; probe <= 7; probe++) {
    const window = Math.min(15 * 3600_000, 600_000 * 2 ** probe) * 0.000002;
    await new Promise((resolve) => setTimeout(resolve, window + 20));
    const { notifications } = await push();
    expect(notifications).toHaveLength(1);
    expect(state.subscription(subscription.id)?.probationRetries).toBe(probe);
  }
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.DisabledBySystem);
});

test("a request that cannot be built fails the notification and leaves the status alone", async () => {
  const subscription = setUp({ allowHttp: false });
  const { notifications } = await push();
  const stored = state.notification(notifications[0].id)!;
  expect(receiver.received).toHaveLength(0);
  expect(stored.result).toBe(NotificationResult.Failed);
  expect(stored.details!.errorDetail).toContain("is restricted to using only HTTPS");
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.Enabled);
});

test("a test notification sends the canned sample, once, without touching the subscription", async () => {
  const subscription = setUp();
  receiver.script([], 503);
  const queued = await engine.sendTest({ subscriptionId: subscription.id, details: { eventType: "git.pullrequest.created" } }, subscription.createdById);
  expect(queued.status).toBe(10);
  await engine.idle();
  const sample = loadTestSample("git.pullrequest.created");
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0].body).toMatchObject({ id: sample.id, data: { status: "Approved" } });
  expect(receiver.received[0].body.resource).toEqual(sample.resource);
  expect(state.notification(queued.id)?.result).toBe(NotificationResult.Failed);
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.Enabled);
});

test("a transient retry waits as queued, or as queuedForRetry only when that option is on", async () => {
  for (const queuedForRetryStatus of [false, true]) {
    setUp({ queuedForRetryStatus });
    receiver.script([503]);
    const statuses: number[] = [];
    const stop = state.onChange(() => {
      const latest = state.data.notifications[state.data.notifications.length - 1];
      if (statuses[statuses.length - 1] !== latest.status) statuses.push(latest.status);
    });
    await push();
    stop();
    engine.close();
    expect(statuses.includes(NotificationStatus.QueuedForRetry)).toBe(queuedForRetryStatus);
    expect(statuses[statuses.length - 1]).toBe(NotificationStatus.Completed);
  }
});

test("without allowLocalDelivery a delivery to a loopback address fails as an enduring failure", async () => {
  const subscription = setUp({ allowLocalDelivery: false });
  const { notifications } = await push();
  expect(receiver.received).toHaveLength(0);
  const stored = state.notification(notifications[0].id)!;
  expect(stored.result).toBe(NotificationResult.Failed);
  expect(stored.details!.errorDetail).toContain("resolves to 127.0.0.1");
  expect(state.subscription(subscription.id)?.status).toBe(SubscriptionStatus.OnProbation);
});

test("the retention cleanup deletes details older than 7 days and keeps the rows", () => {
  let now = new Date("2026-03-01T12:00:00Z");
  state = new DevhostState();
  seed(state, { now });
  engine = new DeliveryEngine(state, { now: () => now });
  const kept = state.data.notifications.length;
  expect(kept).toBeGreaterThan(0);
  expect(state.data.notifications.every((n) => n.details)).toBe(true);
  // The seeded history spans the last 42 hours.
  now = new Date(now.getTime() + 5 * 86_400_000);
  expect(engine.cleanUpDetails()).toBe(0);
  now = new Date(now.getTime() + 4 * 86_400_000);
  expect(engine.cleanUpDetails()).toBe(kept);
  expect(state.data.notifications).toHaveLength(kept);
  expect(state.data.notifications.some((n) => n.details)).toBe(false);
});

test("event dates carry the service's 100-ns precision: up to 7 fractional digits, trailing zeros trimmed", () => {
  const at = new Date("2024-09-19T13:03:27.037Z");
  expect(serviceTimestamp(at, 9153)).toBe("2024-09-19T13:03:27.0379153Z");
  expect(serviceTimestamp(at, 0)).toBe("2024-09-19T13:03:27.037Z");
  expect(serviceTimestamp(new Date("2024-09-19T13:03:27.000Z"), 0)).toBe("2024-09-19T13:03:27Z");
  state = new DevhostState();
  seed(state);
  engine = new DeliveryEngine(state);
  const { event } = publish(state, { deliverEvent: () => undefined }, { eventType: "git.push" });
  expect(event.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/);
  expect(Date.parse(String(event.createdDate))).not.toBeNaN();
});
