/** The stand-in's REST API through the real azure-devops-extension-api clients. */
import { startDevhost, type RunningDevhost } from "./support/devhost";
import { deliverAction, newSubscription } from "./support/subscriptions";
import { SubscriptionStatus, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { CONSUMER_ID, consumer } from "../../src/contract/manifest";
import { PUBLISHER_ID } from "../../src/contract/events";
import { SEED_PROJECT } from "../../src/devhost/core/seed";

let devhost: RunningDevhost;

beforeAll(async () => {
  devhost = await startDevhost();
});
afterAll(() => devhost.close());



async function rejection(promise: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; status: number; message: string };
  }
  throw new Error("expected the call to fail");
}

test("lists the seeded subscriptions as a bare array with numeric statuses and masked secrets", async () => {
  const subscriptions = await devhost.hooks.listSubscriptions(undefined, undefined, CONSUMER_ID);
  expect(Array.isArray(subscriptions)).toBe(true);
  const statuses = new Set(subscriptions.map((s) => s.status));
  for (const status of [0, 10, 20, 30, 40]) expect(statuses).toContain(status);
  expect(subscriptions.every((s) => s.consumerId === CONSUMER_ID && s.consumerInputs.token === "********")).toBe(true);
  expect(subscriptions[0].createdDate).toBeInstanceOf(Date);
  expect(subscriptions.find((s) => s.status === SubscriptionStatus.OnProbation)?.probationRetries).toBe(3);
  const all = await devhost.hooks.listSubscriptions();
  expect(all.some((s) => s.consumerId === "webHooks" && s.consumerInputs.basicAuthPassword === "********")).toBe(true);
});

test("creates, gets, replaces (keeping the masked secret) and deletes a subscription", async () => {
  const created = await devhost.hooks.createSubscription(newSubscription());
  expect(created.status).toBe(SubscriptionStatus.Enabled);
  expect(created.consumerInputs.token).toBe("********");
  expect(created.createdBy.displayName).toBe("Jamal Hartnett");
  expect(created.publisherInputs.tfsSubscriptionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(devhost.state.subscription(created.id)?.consumerInputs.token).toBe("a-very-secret-token-123");

  const fetched = await devhost.hooks.getSubscription(created.id);
  const disabled = await devhost.hooks.replaceSubscription({ ...fetched, status: SubscriptionStatus.DisabledByUser }, created.id);
  expect(disabled.status).toBe(SubscriptionStatus.DisabledByUser);
  expect(devhost.state.subscription(created.id)?.consumerInputs.token).toBe("a-very-secret-token-123");

  await devhost.hooks.deleteSubscription(created.id);
  const missing = await rejection(devhost.hooks.getSubscription(created.id));
  expect(missing.name).toBe("TFS.WebApi.Exception");
  expect(missing.status).toBe(404);
  expect(missing.message).toBe(`Subscription ${created.id} could not be found.`);
});

describe("a masked token keeps the stored one only while the URL stays the same", () => {
  const elsewhere = "https://elsewhere.example.net/hooks";
  let subscription: Subscription;
  beforeEach(async () => {
    subscription = await devhost.hooks.createSubscription(newSubscription());
  });
  afterEach(() => devhost.hooks.deleteSubscription(subscription.id));
  const stored = () => devhost.state.subscription(subscription.id)!.consumerInputs;

  test("a new URL with the token sent masked is refused, and nothing changes", async () => {
    const before = { ...stored() };
    const moved: Subscription = { ...subscription, consumerInputs: { ...subscription.consumerInputs, url: elsewhere } };
    expect(moved.consumerInputs.token).toBe("********");
    const error = await rejection(devhost.hooks.replaceSubscription(moved, subscription.id));
    expect(error.status).toBe(400);
    expect((error as unknown as { serverError: { typeKey: string } }).serverError.typeKey).toBe("ArgumentException");
    expect(error.message).toBe("The value of the confidential input 'Token' must be provided again because an input it depends on changed.");
    expect(stored()).toEqual(before);
  });

  test("a new URL with the token typed again is saved with that token", async () => {
    const moved = { ...subscription, consumerInputs: { ...subscription.consumerInputs, url: elsewhere, token: "retyped-token-0123456789" } };
    const saved = await devhost.hooks.replaceSubscription(moved, subscription.id);
    expect(saved.consumerInputs).toMatchObject({ url: elsewhere, token: "********" });
    expect(stored()).toMatchObject({ url: elsewhere, token: "retyped-token-0123456789" });
  });

  test("other changes keep the masked token", async () => {
    const changed = { ...subscription, consumerInputs: { ...subscription.consumerInputs, resourceDetailsToSend: "minimal" } };
    await devhost.hooks.replaceSubscription(changed, subscription.id);
    expect(stored()).toMatchObject({ url: subscription.consumerInputs.url, token: "a-very-secret-token-123", resourceDetailsToSend: "minimal" });
  });
});

test("queries subscriptions by project with publisherInputFilters", async () => {
  const query = await devhost.hooks.createSubscriptionsQuery({
    publisherId: PUBLISHER_ID,
    consumerId: CONSUMER_ID,
    publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: 0, inputValue: SEED_PROJECT.id, caseSensitive: false }] }],
  } as never);
  expect(query.results.length).toBeGreaterThanOrEqual(6);
  const none = await devhost.hooks.createSubscriptionsQuery({
    publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: 0, inputValue: "another-project" }] }],
  } as never);
  expect(none.results).toEqual([]);
});

test.each([
  [{ consumerInputs: { url: "https://hooks.example.com/hooks" } }, "The required consumer input 'Token' was not specified."],
  [{ consumerInputs: { url: "https://h.example.com", token: "a-very-secret-token-123", color: "red" } }, "The consumer input 'color' is not a known input of consumer 'Hook Relay'."],
  [{ consumerInputs: { url: "https://h.example.com", token: "" } }, "The value of consumer input 'Token' cannot be empty."],
  [{ consumerInputs: { url: "https://h.example.com", token: "********" } }, "The confidential consumer input 'Token' must be provided: a masked value can only keep an existing secret."],
  [{ consumerInputs: { url: "http://hooks.example.com/hooks", token: "a-very-secret-token-123" } }, "Azure DevOps delivers only to https:// addresses."],
  [{ consumerInputs: { url: "https://h.example.com", token: "a-very-secret-token-123", resourceDetailsToSend: "some" } }, "'some' is not an allowed value of consumer input 'Resource details to send'."],
])("rejects an invalid subscription with a 400 and the service's message (%#)", async (overrides, message) => {
  const error = await rejection(devhost.hooks.createSubscription(newSubscription(overrides as Partial<Subscription>)));
  expect(error.status).toBe(400);
  expect(error.message).toBe(message);
});

test("lets http://127.0.0.1 through only because allowHttp is on", async () => {
  const created = await devhost.hooks.createSubscription(
    newSubscription({ consumerInputs: { url: "http://127.0.0.1:9/hooks", token: "a-very-secret-token-123" } }),
  );
  expect(created.consumerInputs.url).toBe("http://127.0.0.1:9/hooks");
  await devhost.hooks.deleteSubscription(created.id);
});

test("returns notification history newest first without details, and one notification by id with them", async () => {
  const [seeded] = await devhost.hooks.listSubscriptions(undefined, "git.push", CONSUMER_ID);
  const history = await devhost.hooks.getNotifications(seeded.id);
  expect(history.length).toBeGreaterThan(0);
  expect(history.map((n) => n.id)).toEqual([...history.map((n) => n.id)].sort((a, b) => b - a));
  expect(history.every((n) => n.details === undefined)).toBe(true);
  const failed = history.find((n) => n.result === 20)!;
  const one = await devhost.hooks.getNotification(seeded.id, failed.id);
  expect(one.eventId).toBe(failed.eventId);
  expect(one.details.response).toMatch(/^StatusCode: 401/);
  expect(one.details.request).toContain("Authorization: Bearer ********");
});

test("lists consumers including ours, built from the manifest", async () => {
  const consumers = await devhost.hooks.listConsumers();
  const ours = consumers.find((c) => c.id === CONSUMER_ID);
  expect(ours?.name).toBe(consumer.name);
  expect(ours?.inputDescriptors.map((i) => i.id)).toEqual(consumer.inputDescriptors.map((i) => i.id));
  expect(ours?.inputDescriptors.find((i) => i.id === "token")?.inputMode).toBe(20);
  const actions = await devhost.hooks.listConsumerActions(CONSUMER_ID);
  expect(actions[0].consumerId).toBe(consumer.id);
  const publishers = await devhost.hooks.listPublishers();
  expect(publishers.map((p) => p.id)).toEqual([PUBLISHER_ID]);
});

test("serves Git repositories and branches of the project", async () => {
  const repositories = await devhost.git.getRepositories(SEED_PROJECT.name);
  expect(repositories.length).toBeGreaterThanOrEqual(3);
  const refs = await devhost.git.getRefs(repositories[0].id, SEED_PROJECT.id, "heads/");
  expect(refs.map((r) => r.name)).toContain("refs/heads/main");
  const one = await devhost.git.getRepository(repositories[1].id, SEED_PROJECT.id);
  expect(one.name).toBe(repositories[1].name);
});

test("wraps lists and writes camelCase enums and ISO dates for plain callers", async () => {
  const response = await fetch(`${devhost.rootPath}_apis/hooks/subscriptions`, {
    headers: { Authorization: `Bearer ${devhost.accessToken}`, Accept: "application/json;api-version=7.1" },
  });
  const body = (await response.json()) as { count: number; value: { status: string; createdDate: string }[] };
  expect(body.count).toBe(body.value.length);
  expect(body.value.map((s) => s.status)).toContain("onProbation");
  expect(body.value[0].createdDate).toMatch(/^\d{4}-\d\d-\d\dT/);
});

test("answers 401 without the bearer token and 404 loudly for unknown routes", async () => {
  const unauthorized = await fetch(`${devhost.rootPath}_apis/hooks/subscriptions`);
  expect(unauthorized.status).toBe(401);
  const unknown = await fetch(`${devhost.rootPath}_apis/hooks/nothingHere`, { headers: { Authorization: `Bearer ${devhost.accessToken}` } });
  expect(unknown.status).toBe(404);
  const error = (await unknown.json()) as Record<string, unknown>;
  expect(error).toMatchObject({ $id: "1", innerException: null, errorCode: 0, eventId: 3000 });
  expect(error.message).toContain("/_apis/hooks/nothingHere");
  expect(devhost.logged.some((line) => line.includes("GET /fabrikam/_apis/hooks/nothingHere"))).toBe(true);
});

test("a test notification through the client is queued at once and completes asynchronously", async () => {
  const [seeded] = await devhost.hooks.listSubscriptions(undefined, "git.push", CONSUMER_ID);
  const queued = await devhost.hooks.createTestNotification({
    subscriptionId: seeded.id,
    details: { eventType: "git.push", consumerId: seeded.consumerId, consumerActionId: seeded.consumerActionId, consumerInputs: seeded.consumerInputs },
  } as never);
  expect(queued.status).toBe(10);
  await devhost.engine.idle();
  const done = await devhost.hooks.getNotification(seeded.id, queued.id);
  expect(done.status).toBe(100);
  expect(done.result).toBe(20);
  expect(done.details.errorDetail).toContain("ECONNREFUSED");
  expect((await devhost.hooks.getSubscription(seeded.id)).status).toBe(seeded.status);
});
