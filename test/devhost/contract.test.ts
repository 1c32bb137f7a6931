/**
 * The stand-in's answers against what Azure DevOps really returns (shared reference
 * rest-responses.md §1–3), through the real azure-devops-extension-api clients and, where the
 * shape of the JSON itself matters (fields left out, wire dates), the raw answer.
 */
import { startDevhost, type RunningDevhost } from "./support/devhost";
import { deliverAction, newSubscription } from "./support/subscriptions";
import { NotificationResult, SubscriptionStatus, type Notification, type Subscription } from "azure-devops-extension-api/ServiceHooks";
import { CONSUMER_ID } from "../../src/contract/manifest";
import { PUBLISHER_ID } from "../../src/contract/events";
import { loadTestSample } from "../../src/contract/samples";
import { resolveWithDns } from "../../src/devhost/core/addresses";
import { DEFAULT_USER, type StoredSubscription } from "../../src/devhost/core/state";
import { CHUCK, FORMER_USER_ID, READER, SECOND_PROJECT, SEED_PROJECT } from "../../src/devhost/core/seed";

let devhost: RunningDevhost;

beforeAll(async () => {
  devhost = await startDevhost();
});
afterAll(() => devhost.close());

/** Every field a list or query row may carry (NotificationBinder). */
const ROW_FIELDS = ["id", "subscriptionId", "eventId", "status", "result", "createdDate", "modifiedDate"];

function seeded(fragment: string): StoredSubscription {
  const found = devhost.state.data.subscriptions.find((s) => s.consumerInputs.url.includes(fragment));
  if (!found) throw new Error(`no seeded subscription for ${fragment}`);
  return found;
}


async function rejection(promise: Promise<unknown>): Promise<{ status: number; message: string; serverError: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; message: string; serverError: Record<string, unknown> };
  }
  throw new Error("expected the call to fail");
}

/** Adds `count` completed notifications to a subscription, oldest first, one minute apart, ending an hour ago. */
function addHistory(subscription: StoredSubscription, count: number, result = NotificationResult.Succeeded): void {
  const end = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    const created = new Date(end - (count - i) * 60_000).toISOString();
    devhost.state.addNotification({
      subscriptionId: subscription.id,
      subscriberId: subscription.subscriberId,
      eventId: `bulk-${i}`,
      status: 100,
      result,
      createdDate: created,
      modifiedDate: created,
    });
  }
}

function total(summary: { results: { notificationCount: number }[] } | undefined): number {
  return (summary?.results ?? []).reduce((sum, r) => sum + r.notificationCount, 0);
}

describe("§1 notification history", () => {
  test("NotificationsQuery with includeDetails false returns no results, only the summary", async () => {
    const fiber = seeded("/hooks/fiber");
    const answer = await devhost.hooks.queryNotifications({ subscriptionIds: [fiber.id], includeDetails: false } as never);
    expect(answer.results).toEqual([]);
    expect(answer.summary).toEqual([
      {
        subscriptionId: fiber.id,
        results: expect.arrayContaining([
          { result: NotificationResult.Succeeded, notificationCount: 5 },
          { result: NotificationResult.Failed, notificationCount: 1 },
        ]),
      },
    ]);
  });

  test.each([[true], [undefined]])("NotificationsQuery with includeDetails %s returns rows without details", async (includeDetails) => {
    const fiber = seeded("/hooks/fiber");
    const answer = await devhost.raw("POST", "_apis/hooks/notificationsquery", { subscriptionIds: [fiber.id], includeDetails });
    expect(answer.status).toBe(200);
    expect(answer.json.results).toHaveLength(6);
    for (const row of answer.json.results) expect(Object.keys(row).sort()).toEqual([...ROW_FIELDS].sort());
  });

  test("the summary counts all retained history whatever maxResults and maxResultsPerSubscription say", async () => {
    const fiber = seeded("/hooks/fiber");
    const payments = seeded("/hooks/payments");
    const answer = await devhost.hooks.queryNotifications({ subscriptionIds: [fiber.id, payments.id], maxResults: 1, maxResultsPerSubscription: 1 } as never);
    expect(answer.results).toHaveLength(1);
    expect(total(answer.summary.find((s) => s.subscriptionId === fiber.id))).toBe(6);
    expect(total(answer.summary.find((s) => s.subscriptionId === payments.id))).toBe(3);
  });

  test("maxResults unset means no limit; maxResultsPerSubscription applies only with subscriptionIds", async () => {
    const mobile = seeded("/hooks/mobile");
    addHistory(mobile, 130);
    const unlimited = await devhost.hooks.queryNotifications({ subscriptionIds: [mobile.id] } as never);
    expect(unlimited.results).toHaveLength(132);

    const everyone = await devhost.hooks.queryNotifications({ maxResultsPerSubscription: 1 } as never);
    expect(everyone.results.filter((n) => n.subscriptionId === mobile.id).length).toBeGreaterThan(1);
    const fiber = seeded("/hooks/fiber");
    const named = await devhost.hooks.queryNotifications({ subscriptionIds: [mobile.id, fiber.id], maxResultsPerSubscription: 2 } as never);
    expect(named.results.filter((n) => n.subscriptionId === mobile.id)).toHaveLength(2);
    expect(named.results.filter((n) => n.subscriptionId === fiber.id)).toHaveLength(2);
  });

  test("empty subscriptionIds mean every subscription the caller can see", async () => {
    const answer = await devhost.hooks.queryNotifications({ subscriptionIds: [] } as never);
    const subscribed = new Set(answer.results.map((n) => n.subscriptionId));
    expect(subscribed.has(seeded("/hooks/fiber").id)).toBe(true);
    expect(subscribed.has(seeded("/hooks/mobile").id)).toBe(true);
  });

  test("a created-date window filters results; min >= max is a 400 with the service's error body", async () => {
    const fiber = seeded("/hooks/fiber");
    const dates = devhost.state.notificationsOf(fiber.id).map((n) => Date.parse(n.createdDate)).sort();
    const window = await devhost.hooks.queryNotifications({
      subscriptionIds: [fiber.id],
      minCreatedDate: new Date(dates[1]),
      maxCreatedDate: new Date(dates[3]),
    } as never);
    expect(window.results).toHaveLength(3);
    expect(total(window.summary[0])).toBe(6);

    const error = await rejection(
      devhost.hooks.queryNotifications({ subscriptionIds: [fiber.id], minCreatedDate: new Date(dates[3]), maxCreatedDate: new Date(dates[3]) } as never),
    );
    expect(error.status).toBe(400);
    expect(Object.keys(error.serverError)).toEqual(expect.arrayContaining(["message", "typeKey", "typeName", "errorCode", "eventId"]));
  });

  test("the notification list carries no details and returns at most 100 by default", async () => {
    const infra = seeded("/hooks/infra");
    addHistory(infra, 120, NotificationResult.Failed);
    const list = await devhost.hooks.getNotifications(infra.id);
    expect(list).toHaveLength(100);
    for (const row of list) expect(Object.keys(row).sort()).toEqual([...ROW_FIELDS].sort());
    expect(await devhost.hooks.getNotifications(infra.id, 5)).toHaveLength(5);
    expect((await devhost.hooks.getNotifications(infra.id, 200)).length).toBe(121);
  });

  test("a single GET returns details, leaving null and default fields out", async () => {
    const fiber = seeded("/hooks/fiber");
    const [latest] = await devhost.hooks.getNotifications(fiber.id, 1);
    const one = await devhost.hooks.getNotification(fiber.id, latest.id);
    expect(one.details.event).toMatchObject({ id: latest.eventId, eventType: "git.push" });
    expect(one.details.request).toContain("Authorization: Bearer ********");
    expect(one.details.response).toMatch(/^StatusCode: 200/);
    expect(one.details.completedDate).toBeInstanceOf(Date);

    const raw = await devhost.raw("GET", `_apis/hooks/subscriptions/${fiber.id}/notifications/${latest.id}`);
    expect(raw.json.details).not.toHaveProperty("errorMessage");
    expect(raw.json.details).not.toHaveProperty("errorDetail");
    expect(raw.text).not.toContain(":null");
  });

  test("a queued notification's details leave out every date and count not yet set", async () => {
    const fiber = seeded("/hooks/fiber");
    const id = devhost.state.addNotification({
      subscriptionId: fiber.id,
      subscriberId: fiber.subscriberId,
      eventId: "queued-event",
      status: 10,
      result: 0,
      createdDate: new Date().toISOString(),
      modifiedDate: new Date().toISOString(),
      details: {
        event: null, eventType: "git.push", publisherId: "tfs", publisherInputs: {}, consumerId: CONSUMER_ID, consumerActionId: deliverAction.id,
        consumerInputs: {}, request: null, response: null, errorMessage: null, errorDetail: null, queuedDate: new Date().toISOString(),
        dequeuedDate: null, processedDate: null, completedDate: null, requestDuration: 0, requestAttempts: 0,
      },
    }).id;
    const raw = await devhost.raw("GET", `_apis/hooks/subscriptions/${fiber.id}/notifications/${id}`);
    expect(Object.keys(raw.json.details).sort()).toEqual(
      ["eventType", "publisherId", "publisherInputs", "consumerId", "consumerActionId", "consumerInputs", "queuedDate"].sort(),
    );
  });

  test("after a subscription is deleted its notifications answer 404", async () => {
    const created = await devhost.hooks.createSubscription(newSubscription());
    const queued = await devhost.hooks.createTestNotification(testNotification({ subscriptionId: created.id } as Partial<Notification>));
    await devhost.engine.idle();
    await devhost.hooks.deleteSubscription(created.id);
    expect((await rejection(devhost.hooks.getNotifications(created.id))).status).toBe(404);
    expect((await rejection(devhost.hooks.getNotification(created.id, queued.id))).status).toBe(404);
  });

  test("details older than 7 days are deleted by the cleanup; the row stays, without details", async () => {
    const fiber = seeded("/hooks/fiber");
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const notification = devhost.state.addNotification({
      ...devhost.state.notificationsOf(fiber.id)[0],
      eventId: "eight-days-old",
      createdDate: old,
      modifiedDate: old,
    });
    devhost.engine.cleanUpDetails();
    const one = await devhost.hooks.getNotification(fiber.id, notification.id);
    expect(one.eventId).toBe("eight-days-old");
    expect(one.details).toBeUndefined();
    expect((await devhost.hooks.getNotification(fiber.id, devhost.state.notificationsOf(fiber.id)[0].id)).details).toBeDefined();
  });

  describe("scrubbing: event, request and response only for callers with diagnostics rights", () => {
    async function diagnosticsSeenBy(identityId: string, subscription: StoredSubscription) {
      const delivered = devhost.state.notificationsOf(subscription.id).filter((n) => n.details?.request);
      const one = await devhost.hooksAs(identityId).getNotification(subscription.id, delivered[delivered.length - 1].id);
      return { one, seen: ["event", "request", "response"].filter((field) => (one.details as unknown as Record<string, unknown>)[field] != null) };
    }

    test("a contributor without rights gets them left out, and still the result, times and error", async () => {
      const { one, seen } = await diagnosticsSeenBy(READER.id, seeded("/hooks/payments"));
      expect(seen).toEqual([]);
      expect(one.result).toBe(NotificationResult.Failed);
      expect(one.details.errorMessage).toContain("500");
      expect(one.details.completedDate).toBeInstanceOf(Date);
    });

    test("the collection administrator, the project's administrator and the creator see them", async () => {
      // Jamal administers the collection: Chuck's subscription in a project Jamal does not administer.
      expect((await diagnosticsSeenBy(DEFAULT_USER.id, seeded("/hooks/mobile"))).seen).toEqual(["event", "request", "response"]);
      // Chuck administers Fabrikam-Fiber only: Jamal's subscription there, but not the second project's…
      expect((await diagnosticsSeenBy(CHUCK.id, seeded("/hooks/payments"))).seen).toEqual(["event", "request", "response"]);
      // …where he sees his own as its creator.
      expect((await diagnosticsSeenBy(CHUCK.id, seeded("/hooks/mobile"))).seen).toEqual(["event", "request", "response"]);
      const readers = await devhost.hooksAs(READER.id).createSubscription(newSubscription());
      devhost.state.addNotification({ ...devhost.state.notificationsOf(seeded("/hooks/fiber").id)[0], subscriptionId: readers.id });
      expect((await diagnosticsSeenBy(READER.id, devhost.state.subscription(readers.id)!)).seen).toEqual(["event", "request", "response"]);
      await devhost.hooks.deleteSubscription(readers.id);
    });

    test("the host signs the page in as another identity with ?user=", async () => {
      const context = (await (await fetch(`${devhost.origin}/_devhost/context?user=${encodeURIComponent(READER.uniqueName)}`)).json()) as {
        user: { id: string };
        accessToken: string;
      };
      expect(context.user.id).toBe(READER.id);
      expect(context.accessToken).toBe(devhost.tokenFor(READER.id));
      expect((await fetch(`${devhost.origin}/_devhost/context?user=nobody`)).status).toBe(404);
      const identities = (await (await fetch(`${devhost.origin}/_devhost/identities`)).json()) as { id: string; collectionAdmin: boolean; projectAdminOf: string[] }[];
      expect(identities.find((i) => i.id === READER.id)).toMatchObject({ collectionAdmin: false, projectAdminOf: [] });
    });
  });
});

describe("§2 subscriptions", () => {
  test("lastProbationRetryDate is always there: year 1 when never on probation", async () => {
    const fiber = seeded("/hooks/fiber");
    const read = await devhost.hooks.getSubscription(fiber.id);
    expect(read.lastProbationRetryDate).toBeInstanceOf(Date);
    expect(read.lastProbationRetryDate.getTime()).toBe(-62135596800000);
    expect(read.lastProbationRetryDate.getUTCFullYear()).toBe(1);
    const raw = await devhost.raw("GET", `_apis/hooks/subscriptions/${fiber.id}`);
    expect(raw.text).toContain('"lastProbationRetryDate":"\\/Date(-62135596800000)\\/"');
    const iso = await fetch(`${devhost.rootPath}_apis/hooks/subscriptions/${fiber.id}`, {
      headers: { Authorization: `Bearer ${devhost.accessToken}`, Accept: "application/json;api-version=7.1" },
    });
    expect(((await iso.json()) as Record<string, unknown>).lastProbationRetryDate).toBe("0001-01-01T00:00:00");
    const payments = await devhost.hooks.getSubscription(seeded("/hooks/payments").id);
    expect(payments.lastProbationRetryDate.getUTCFullYear()).toBeGreaterThan(2000);
  });

  test("status is serialized even when enabled", async () => {
    const raw = await devhost.raw("GET", `_apis/hooks/subscriptions/${seeded("/hooks/fiber").id}`);
    expect(raw.json.status).toBe(SubscriptionStatus.Enabled);
    expect(raw.text).toContain('"status":0');
  });

  test("list and query results carry no subscriber; a single GET does", async () => {
    const list = await devhost.raw("GET", `_apis/hooks/subscriptions?consumerId=${CONSUMER_ID}`);
    expect(list.json.length).toBeGreaterThan(0);
    for (const s of list.json) expect(s).not.toHaveProperty("subscriber");
    const query = await devhost.raw("POST", "_apis/hooks/subscriptionsquery", { consumerId: CONSUMER_ID });
    for (const s of query.json.results) expect(s).not.toHaveProperty("subscriber");
    expect((await devhost.hooks.getSubscription(list.json[0].id)).subscriber.id).toBeDefined();
  });

  test("createdBy and modifiedBy of a creator who is gone carry only an id", async () => {
    const all = await devhost.hooks.listSubscriptions(undefined, undefined, CONSUMER_ID);
    const orphaned = all.filter((s) => s.createdBy.id === FORMER_USER_ID);
    expect(orphaned).toHaveLength(1);
    expect(orphaned[0].createdBy).toEqual({ id: FORMER_USER_ID });
    expect(orphaned[0].modifiedBy).toEqual({ id: FORMER_USER_ID });
  });

  test("lists and queries keep only the event types a vso.code extension reaches", async () => {
    const stored = devhost.state.data.subscriptions.map((s) => s.eventType);
    expect(stored).toEqual(expect.arrayContaining(["build.complete", "workitem.updated"]));
    const reachable = /^(git\.|tfvc\.|ms\.vss-code\.)/;
    const all = await devhost.hooks.listSubscriptions();
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((s) => !reachable.test(s.eventType))).toEqual([]);
    expect(all.some((s) => s.consumerId === "webHooks" && s.eventType === "git.push")).toBe(true);
    const query = await devhost.hooks.createSubscriptionsQuery({} as never);
    expect(query.results.map((s) => s.eventType).filter((t) => !reachable.test(t))).toEqual([]);
    expect(query.results).toHaveLength(all.length);
  });

  test("a subscription outside the scopes answers 404 to reads and 403 to writes", async () => {
    const build = devhost.state.data.subscriptions.find((s) => s.eventType === "build.complete")!;
    expect((await rejection(devhost.hooks.getSubscription(build.id))).status).toBe(404);
    expect((await rejection(devhost.hooks.getNotifications(build.id))).status).toBe(404);
    expect((await rejection(devhost.hooks.deleteSubscription(build.id))).status).toBe(403);
    expect(devhost.state.subscription(build.id)).toBeDefined();
  });

  test("the project filter separates the two projects", async () => {
    const inProject = async (projectId: string) =>
      (
        await devhost.hooks.createSubscriptionsQuery({
          consumerId: CONSUMER_ID,
          publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: 0, inputValue: projectId }] }],
        } as never)
      ).results.map((s) => s.id);
    const first = await inProject(SEED_PROJECT.id);
    const second = await inProject(SECOND_PROJECT.id);
    expect(second).toEqual([seeded("/hooks/mobile").id]);
    expect(first).not.toContain(seeded("/hooks/mobile").id);
    expect(first.length).toBeGreaterThanOrEqual(6);
  });

  test.each(["publisherId", "eventType", "consumerId", "consumerActionId"])("PUT without %s is a 400", async (field) => {
    const fiber = await devhost.hooks.getSubscription(seeded("/hooks/fiber").id);
    const body = { ...fiber } as unknown as Record<string, unknown>;
    delete body[field];
    const error = await rejection(devhost.hooks.replaceSubscription(body as unknown as Subscription, fiber.id));
    expect(error.status).toBe(400);
    expect(error.serverError.typeKey).toBe("ArgumentException");
  });

  test("consumer action ids are matched case-sensitively", async () => {
    const error = await rejection(devhost.hooks.createSubscription(newSubscription({ consumerActionId: deliverAction.id.toUpperCase() })));
    expect(error.status).toBe(404);
    expect(error.message).toBe("No actions are associated with the specified consumer identifier.");
  });

  test("an input value over 1024 characters is refused", async () => {
    const long = `https://hooks.example.com/${"a".repeat(1000)}`;
    expect(long.length).toBeGreaterThan(1024);
    const error = await rejection(devhost.hooks.createSubscription(newSubscription({ consumerInputs: { url: long, token: "a-very-secret-token-123" } })));
    expect(error.status).toBe(400);
    expect(error.serverError.typeKey).toBe("SubscriptionInputException");
    const fits = `https://hooks.example.com/${"a".repeat(1024 - 26)}`;
    const created = await devhost.hooks.createSubscription(newSubscription({ consumerInputs: { url: fits, token: "a-very-secret-token-123" } }));
    await devhost.hooks.deleteSubscription(created.id);
  });

  test("test notifications need eventType, consumerId, consumerActionId and consumerInputs, and answer with the sample sent", async () => {
    const complete = testNotification();
    for (const field of ["eventType", "consumerId", "consumerActionId", "consumerInputs"]) {
      const details = { ...complete.details } as Record<string, unknown>;
      delete details[field];
      const error = await rejection(devhost.hooks.createTestNotification({ ...complete, details } as unknown as Notification));
      expect(error.status).toBe(400);
    }
    const sent = await devhost.hooks.createTestNotification(complete);
    expect(sent.details.event).toMatchObject({ id: loadTestSample("git.push").id, eventType: "git.push" });
    await devhost.engine.idle();
  });
});

describe("§2 addresses Azure DevOps Services refuses", () => {
  let cloud: RunningDevhost;
  const resolved: Record<string, string[]> = { "hooks.example.com": ["93.184.216.34"], "internal.example.com": ["10.20.30.40"] };

  beforeAll(async () => {
    cloud = await startDevhost({ allowLocalDelivery: false, resolveHost: async (host) => resolved[host] ?? resolveWithDns(host) });
  });
  afterAll(() => cloud.close());

  test.each([
    "https://127.0.0.1:8443/hooks",
    "https://localhost/hooks",
    "https://10.1.2.3/hooks",
    "https://192.168.1.20/hooks",
    "https://169.254.169.254/hooks",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://internal.example.com/hooks",
  ])("%s is a 400 SubscriptionInputException", async (url) => {
    const error = await rejection(cloud.hooks.createSubscription(newSubscription({ consumerInputs: { url, token: "a-very-secret-token-123" } })));
    expect(error.status).toBe(400);
    expect(error.serverError.typeKey).toBe("SubscriptionInputException");
  });

  test("a public address is accepted, and the same loopback URL is accepted where local delivery is allowed", async () => {
    const created = await cloud.hooks.createSubscription(newSubscription());
    await cloud.hooks.deleteSubscription(created.id);
    const local = await devhost.hooks.createSubscription(newSubscription({ consumerInputs: { url: "https://127.0.0.1:8443/hooks", token: "a-very-secret-token-123" } }));
    await devhost.hooks.deleteSubscription(local.id);
  });

  test("a test notification to a refused address is a 400 too", async () => {
    const error = await rejection(
      cloud.hooks.createTestNotification(testNotification({}, { url: "https://10.0.0.8/hooks", token: "a-very-secret-token-123" })),
    );
    expect(error.status).toBe(400);
  });
});

function testNotification(overrides: Partial<Notification> = {}, consumerInputs: Record<string, string> = { url: "https://127.0.0.1:9/hooks", token: "a-very-secret-token-123" }): Notification {
  return {
    details: {
      publisherId: PUBLISHER_ID,
      eventType: "git.push",
      consumerId: CONSUMER_ID,
      consumerActionId: deliverAction.id,
      consumerInputs,
      publisherInputs: { projectId: SEED_PROJECT.id },
    },
    ...overrides,
  } as unknown as Notification;
}
